/**
 * @module web/charts/calibration-chart
 * A calibration plot: for each tenth of predicted risk, the mean predicted risk (across) against the share who had
 * the outcome (up), with the diagonal of perfect calibration. Points above the line: the model under-predicts; below:
 * it over-predicts. A group whose observed share is withheld has no point. Pure: data in, SVG out.
 */
import { axisDomain, escapeXml, openSvg, px, tickLabel, ticks } from './svg.js';

export interface CalibrationPoint {
  readonly label: string;
  /** Mean predicted risk, %. */
  readonly predicted: number;
  /** Observed share, %; absent when withheld. */
  readonly observed?: number | undefined;
}

const SIZE = 360;
const LEFT = 56;
const BOTTOM = 44;
const TOP = 12;
const RIGHT = 16;

export function calibrationChart(input: {
  readonly title: string;
  readonly description: string;
  readonly points: readonly CalibrationPoint[];
}): string {
  const values = input.points.flatMap((p) =>
    p.observed === undefined ? [p.predicted] : [p.predicted, p.observed],
  );
  const domain = axisDomain([0, ...values]);
  const plot = SIZE - LEFT - RIGHT;
  const x = (v: number) => LEFT + ((v - domain.min) / (domain.max - domain.min)) * plot;
  const y = (v: number) => TOP + plot - ((v - domain.min) / (domain.max - domain.min)) * plot;
  const out: string[] = [openSvg(SIZE, TOP + plot + BOTTOM, input.title, input.description, 'accord-chart')];
  for (const t of ticks(domain)) {
    out.push(
      `<line x1="${px(x(t))}" y1="${px(TOP)}" x2="${px(x(t))}" y2="${px(TOP + plot)}" stroke="#d8dde0"/>`,
      `<line x1="${px(LEFT)}" y1="${px(y(t))}" x2="${px(LEFT + plot)}" y2="${px(y(t))}" stroke="#d8dde0"/>`,
      `<text x="${px(x(t))}" y="${px(TOP + plot + 16)}" text-anchor="middle" font-size="12">${escapeXml(tickLabel(t))}</text>`,
      `<text x="${px(LEFT - 6)}" y="${px(y(t) + 4)}" text-anchor="end" font-size="12">${escapeXml(tickLabel(t))}</text>`,
    );
  }
  out.push(
    `<line x1="${px(x(domain.min))}" y1="${px(y(domain.min))}" x2="${px(x(domain.max))}" y2="${px(y(domain.max))}" stroke="#425563" stroke-dasharray="4 3"/>`,
    `<text x="${px(LEFT + plot / 2)}" y="${px(TOP + plot + 36)}" text-anchor="middle" font-size="13">Predicted risk (%)</text>`,
    `<text x="14" y="${px(TOP + plot / 2)}" text-anchor="middle" font-size="13" transform="rotate(-90 14 ${px(TOP + plot / 2)})">Observed (%)</text>`,
  );
  for (const p of input.points) {
    if (p.observed === undefined) continue;
    out.push(
      `<circle cx="${px(x(p.predicted))}" cy="${px(y(p.observed))}" r="5" fill="#005eb8">` +
        `<title>${escapeXml(`${p.label}: predicted ${p.predicted.toFixed(1)}%, observed ${p.observed.toFixed(1)}%`)}</title></circle>`,
    );
  }
  out.push('</svg>');
  return out.join('');
}
