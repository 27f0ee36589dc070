/**
 * @module web/stylesheet
 * The NHS.UK design system's stylesheet, adapted once at start-up for a service that is not on nhs.uk:
 * - its @font-face rules load Frutiger from assets.nhs.uk, which our Content Security Policy rightly blocks (and the
 *   font's licence covers NHS.UK only); without them the design system's own fallback, Arial, is used;
 * - its icons are referenced as /assets/images/…, but Accord serves the design system's assets under /assets/nhsuk/.
 * Accord's few rules for its SVG charts follow it (CHART_CSS).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nhsukDist } from './views.js';

export function adaptDesignSystemCss(css: string): string {
  return css
    .replace(/@font-face\{[^}]*\}/g, '')
    .replaceAll('url(/assets/images/', 'url(/assets/nhsuk/images/');
}

/**
 * The population health pages: charts (web/charts) never wider than their column, scaled with their aspect ratio;
 * wide tables scroll sideways on a narrow screen.
 */
export const CHART_CSS =
  '.accord-chart,.accord-tile-map,.accord-boundary-map,.accord-sparkline{max-width:100%;height:auto;display:block}' +
  '.accord-chart{margin-bottom:24px}.accord-tile-map,.accord-boundary-map{margin-bottom:16px}' +
  '.accord-table-scroll{overflow-x:auto}';

export function designSystemCss(): string {
  return `${adaptDesignSystemCss(readFileSync(join(nhsukDist, 'nhsuk', 'nhsuk-frontend.min.css'), 'utf8'))}\n${CHART_CSS}`;
}
