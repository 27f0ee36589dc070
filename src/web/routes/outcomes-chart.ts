/**
 * @module web/routes/outcomes-chart
 * An outcome's chart: the published value of each year with its 95% interval, against the trajectory from the
 * baseline to the target (a dashed line, with its stated points) and the target marked. Like the other charts
 * (web/charts): a pure function returning SVG with a title and a description listing every value in words,
 * presentation attributes only, no scripts. A year withheld by disclosure control has no point, and says so.
 */
import { formatValue, trajectoryPoints, trajectoryValue } from '../../outcomes/index.js';
import type { Outcome } from '../../partnership/index.js';
import { axisDomain, escapeXml, openSvg, px, tickLabel, ticks } from '../charts/svg.js';
import type { OutcomeFigures } from './outcomes-figures.js';

const WIDTH = 720;
const HEIGHT = 300;
const LEFT = 70;
const RIGHT = 20;
const TOP = 20;
const BOTTOM = 60;

export function outcomeChart(outcome: Outcome, figures: OutcomeFigures): string {
  const { series } = figures;
  const points = trajectoryPoints(outcome);
  const first = Math.min(...figures.years.map((y) => y.year), ...points.map((p) => p.year));
  const last = Math.max(...figures.years.map((y) => y.year), ...points.map((p) => p.year));
  const years: number[] = [];
  for (let year = first; year <= last; year += 1) years.push(year);
  const f = (x: number) => formatValue(x, series.decimals);
  const unit = series.unit === '' ? '' : ` ${series.unit}`;
  const description = [
    ...figures.years.map((y) =>
      y.observation === undefined
        ? `${y.year}: ${y.missing === '[c]' ? 'withheld by disclosure control' : 'no value'}`
        : `${y.year}: ${f(y.observation.value)}${unit}` +
          (y.observation.lower !== undefined && y.observation.upper !== undefined
            ? ` (95% interval ${f(y.observation.lower)} to ${f(y.observation.upper)})`
            : '') +
          `, trajectory ${f(trajectoryValue(outcome, y.year) ?? 0)}`,
    ),
    outcome.target === undefined ? '' : `target ${f(outcome.target.value)}${unit} by ${outcome.target.year}`,
  ]
    .filter((s) => s !== '')
    .join('; ');
  const values = [
    ...series.observations.flatMap((o) => [o.value, o.lower ?? o.value, o.upper ?? o.value]),
    ...points.map((p) => p.value),
  ];
  const domain = axisDomain(values);
  const n = years.length;
  const x = (year: number) =>
    n <= 1
      ? (LEFT + WIDTH - RIGHT) / 2
      : LEFT + 20 + ((year - first) / (n - 1)) * (WIDTH - LEFT - RIGHT - 40);
  const y = (v: number) => TOP + (1 - (v - domain.min) / (domain.max - domain.min)) * (HEIGHT - TOP - BOTTOM);
  const title = `${series.name}: published values against the trajectory`;
  const parts = [openSvg(WIDTH, HEIGHT, title, description, 'accord-chart')];
  for (const t of ticks(domain)) {
    parts.push(
      `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${px(y(t))}" y2="${px(y(t))}" stroke="#d8dde0"/>`,
      `<text x="${LEFT - 6}" y="${px(y(t) + 4)}" font-size="12" text-anchor="end" fill="#4c6272">${escapeXml(tickLabel(t))}</text>`,
    );
  }
  const mid = (TOP + HEIGHT - BOTTOM) / 2;
  parts.push(
    `<text x="14" y="${px(mid)}" font-size="12" text-anchor="middle" fill="#4c6272" transform="rotate(-90 14 ${px(mid)})">${escapeXml(series.unit)}</text>`,
  );
  const base = HEIGHT - BOTTOM;
  parts.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${base}" y2="${base}" stroke="#4c6272"/>`);
  for (const year of years) {
    parts.push(
      `<text x="${px(x(year))}" y="${base + 18}" font-size="11" text-anchor="middle" fill="#212b32">${year}</text>`,
    );
  }
  // The trajectory: dashed, through the baseline, the stated points and the target.
  if (points.length > 1) {
    const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${px(x(p.year))} ${px(y(p.value))}`).join('');
    parts.push(`<path d="${path}" fill="none" stroke="#005eb8" stroke-width="2" stroke-dasharray="6 4"/>`);
    const target = points.at(-1);
    if (target !== undefined) {
      parts.push(
        `<rect x="${px(x(target.year) - 6)}" y="${px(y(target.value) - 6)}" width="12" height="12" fill="#005eb8"><title>Target ${escapeXml(f(target.value))}${escapeXml(unit)} by ${target.year}</title></rect>`,
      );
    }
  }
  for (const year of figures.years) {
    const o = year.observation;
    if (o === undefined) continue;
    if (o.lower !== undefined && o.upper !== undefined) {
      parts.push(
        `<line x1="${px(x(o.year))}" x2="${px(x(o.year))}" y1="${px(y(o.lower))}" y2="${px(y(o.upper))}" stroke="#212b32" stroke-width="2"/>`,
      );
    }
    parts.push(
      `<circle cx="${px(x(o.year))}" cy="${px(y(o.value))}" r="5" fill="#212b32"><title>${o.year}: ${escapeXml(f(o.value))}${escapeXml(unit)}</title></circle>`,
    );
  }
  // The key, in words beside the marks, so neither colour nor dashes is the only cue.
  const keyY = HEIGHT - 16;
  parts.push(
    `<circle cx="${LEFT + 6}" cy="${keyY - 4}" r="5" fill="#212b32"/>`,
    `<text x="${LEFT + 16}" y="${keyY}" font-size="12" fill="#212b32">Published value with its 95% interval</text>`,
    `<line x1="${LEFT + 300}" x2="${LEFT + 330}" y1="${keyY - 4}" y2="${keyY - 4}" stroke="#005eb8" stroke-width="2" stroke-dasharray="6 4"/>`,
    `<text x="${LEFT + 336}" y="${keyY}" font-size="12" fill="#212b32">Trajectory (square: target)</text>`,
  );
  parts.push('</svg>');
  return parts.join('');
}
