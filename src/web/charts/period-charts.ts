/**
 * @module web/charts/period-charts
 * Two plain charts for figures without confidence intervals (the workforce returns): a line over labelled periods
 * (quarters) and horizontal bars comparing categories (places). Like the other charts: pure functions returning SVG
 * with a title and a description that lists every value in words, presentation attributes only, no scripts. A value
 * that is not published (withheld or not computed) has no point or bar, and says so in its tooltip and description.
 */
import { axisDomain, escapeXml, openSvg, px, tickLabel, ticks } from './svg.js';

export interface PeriodPoint {
  /** The period as the axis shows it, e.g. "2024-Q2". */
  readonly label: string;
  readonly value?: number | undefined;
  /** The value as the page shows it. */
  readonly text: string;
}

const WIDTH = 720;
const HEIGHT = 260;
const LEFT = 70;
const RIGHT = 20;
const TOP = 20;
const BOTTOM = 50;

/** A line of one figure over periods, with a y axis from 0 when the values allow. */
export function periodLine(input: {
  readonly title: string;
  readonly points: readonly PeriodPoint[];
  readonly yLabel: string;
}): string {
  const description = input.points.map((p) => `${p.label}: ${p.text}`).join('; ') || 'No periods.';
  const values = input.points.map((p) => p.value).filter((v): v is number => v !== undefined);
  const domain = axisDomain([0, ...values]);
  const n = input.points.length;
  const x = (i: number) =>
    n <= 1 ? (LEFT + WIDTH - RIGHT) / 2 : LEFT + 20 + (i / (n - 1)) * (WIDTH - LEFT - RIGHT - 40);
  const y = (v: number) => TOP + (1 - (v - domain.min) / (domain.max - domain.min)) * (HEIGHT - TOP - BOTTOM);
  const parts = [openSvg(WIDTH, HEIGHT, input.title, description, 'accord-chart')];
  for (const t of ticks(domain)) {
    parts.push(
      `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${px(y(t))}" y2="${px(y(t))}" stroke="#d8dde0"/>`,
      `<text x="${LEFT - 6}" y="${px(y(t) + 4)}" font-size="12" text-anchor="end" fill="#4c6272">${escapeXml(tickLabel(t))}</text>`,
    );
  }
  parts.push(
    `<text x="14" y="${px((TOP + HEIGHT - BOTTOM) / 2)}" font-size="12" text-anchor="middle" fill="#4c6272" transform="rotate(-90 14 ${px((TOP + HEIGHT - BOTTOM) / 2)})">${escapeXml(input.yLabel)}</text>`,
  );
  const base = HEIGHT - BOTTOM;
  parts.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${base}" y2="${base}" stroke="#4c6272"/>`);
  let path = '';
  let pen = false;
  input.points.forEach((p, i) => {
    parts.push(
      `<text x="${px(x(i))}" y="${base + 18}" font-size="11" text-anchor="middle" fill="#212b32">${escapeXml(p.label)}</text>`,
    );
    if (p.value === undefined) {
      pen = false;
      return;
    }
    path += `${pen ? 'L' : 'M'}${px(x(i))} ${px(y(p.value))}`;
    pen = true;
    parts.push(
      `<g><title>${escapeXml(`${p.label}: ${p.text}`)}</title><circle cx="${px(x(i))}" cy="${px(y(p.value))}" r="4" fill="#005eb8" stroke="#ffffff"/></g>`,
    );
  });
  if (path !== '') parts.push(`<path d="${path}" fill="none" stroke="#005eb8" stroke-width="2"/>`);
  parts.push('</svg>');
  return parts.join('');
}

export interface Bar {
  readonly label: string;
  readonly value?: number | undefined;
  readonly text: string;
}

const BAR_LABEL = 220;
const BAR_PLOT = 380;
const ROW = 28;

/** Horizontal bars from 0, one per category, each labelled with its value as the page shows it. */
export function valueBars(input: { readonly title: string; readonly bars: readonly Bar[] }): string {
  const description = input.bars.map((b) => `${b.label}: ${b.text}`).join('; ') || 'No values.';
  const values = input.bars.map((b) => b.value).filter((v): v is number => v !== undefined);
  const domain = axisDomain([0, ...values]);
  const x = (v: number) => BAR_LABEL + ((v - domain.min) / (domain.max - domain.min)) * BAR_PLOT;
  const axisY = TOP + input.bars.length * ROW;
  const parts = [openSvg(WIDTH, axisY + 30, input.title, description, 'accord-chart')];
  for (const t of ticks(domain)) {
    parts.push(
      `<line x1="${px(x(t))}" x2="${px(x(t))}" y1="${TOP - 4}" y2="${axisY}" stroke="#d8dde0"/>`,
      `<text x="${px(x(t))}" y="${axisY + 16}" font-size="12" text-anchor="middle" fill="#4c6272">${escapeXml(tickLabel(t))}</text>`,
    );
  }
  input.bars.forEach((b, i) => {
    const top = TOP + i * ROW;
    parts.push(`<g><title>${escapeXml(`${b.label}: ${b.text}`)}</title>`);
    parts.push(
      `<text x="${BAR_LABEL - 8}" y="${px(top + ROW / 2 + 4)}" font-size="13" text-anchor="end" fill="#212b32">${escapeXml(b.label)}</text>`,
    );
    if (b.value !== undefined) {
      parts.push(
        `<rect x="${px(x(domain.min))}" y="${px(top + 5)}" width="${px(Math.max(1, x(b.value) - x(domain.min)))}" height="${ROW - 10}" fill="#005eb8"/>`,
      );
    }
    parts.push(
      `<text x="${BAR_LABEL + BAR_PLOT + 10}" y="${px(top + ROW / 2 + 4)}" font-size="12" fill="#212b32">${escapeXml(b.text)}</text></g>`,
    );
  });
  parts.push(
    `<line x1="${BAR_LABEL}" x2="${BAR_LABEL + BAR_PLOT}" y1="${axisY}" y2="${axisY}" stroke="#4c6272"/>`,
  );
  parts.push('</svg>');
  return parts.join('');
}
