/**
 * @module web/charts/sii-chart
 * The charts of inequality. `siiChart`: the value of each IMD quintile plotted at the midpoint of its share of the
 * cumulative population (1 = most deprived, on the left), with its interval, and the fitted line whose slope is the
 * slope index of inequality. `trendChart`: a figure per year with its interval (the SII over the years, the gap
 * between quintiles 1 and 5), with a line at zero when the axis holds it. Pure: data in, SVG out.
 */
import { axisDomain, escapeXml, openSvg, px, tickLabel, ticks } from './svg.js';

export interface SiiPoint {
  readonly label: string;
  /** Midpoint of the quintile's share of the cumulative population, 0 to 1. */
  readonly rank: number;
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
}

export interface SiiChartInput {
  readonly title: string;
  readonly description: string;
  readonly points: readonly SiiPoint[];
  /** The fitted line's values at the most deprived end (rank 0) and the least deprived end (rank 1). */
  readonly line: { readonly atZero: number; readonly atOne: number };
  readonly yLabel: string;
}

const WIDTH = 640;
const HEIGHT = 300;
const LEFT = 70;
const RIGHT = 20;
const TOP = 20;
const BOTTOM = 56;

function yAxis(
  parts: string[],
  domain: { min: number; max: number },
  y: (v: number) => number,
  label: string,
) {
  for (const t of ticks(domain)) {
    parts.push(
      `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${px(y(t))}" y2="${px(y(t))}" stroke="#d8dde0"/>`,
      `<text x="${LEFT - 6}" y="${px(y(t) + 4)}" font-size="12" text-anchor="end" fill="#4c6272">${escapeXml(tickLabel(t))}</text>`,
    );
  }
  parts.push(
    `<text x="14" y="${px((TOP + HEIGHT - BOTTOM) / 2)}" font-size="12" text-anchor="middle" fill="#4c6272" transform="rotate(-90 14 ${px((TOP + HEIGHT - BOTTOM) / 2)})">${escapeXml(label)}</text>`,
  );
}

function whisker(x: number, low: number, high: number): string {
  return `<path d="M${px(x)} ${px(low)}V${px(high)}M${px(x - 5)} ${px(low)}H${px(x + 5)}M${px(x - 5)} ${px(high)}H${px(x + 5)}" stroke="#212b32" stroke-width="1.5" fill="none"/>`;
}

export function siiChart(input: SiiChartInput): string {
  const numbers = [
    ...input.points.flatMap((p) => [p.value, p.lower, p.upper]),
    input.line.atZero,
    input.line.atOne,
  ];
  const domain = axisDomain(numbers);
  const x = (rank: number) => LEFT + rank * (WIDTH - LEFT - RIGHT);
  const y = (v: number) => TOP + (1 - (v - domain.min) / (domain.max - domain.min)) * (HEIGHT - TOP - BOTTOM);
  const parts = [openSvg(WIDTH, HEIGHT, input.title, input.description, 'accord-chart')];
  yAxis(parts, domain, y, input.yLabel);
  const base = HEIGHT - BOTTOM;
  parts.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${base}" y2="${base}" stroke="#4c6272"/>`);
  for (const [rank, text] of [
    [0, 'most deprived'],
    [1, 'least deprived'],
  ] as const) {
    parts.push(
      `<text x="${px(x(rank))}" y="${base + 36}" font-size="12" text-anchor="${rank === 0 ? 'start' : 'end'}" fill="#4c6272">${escapeXml(text)}</text>`,
    );
  }
  parts.push(
    `<text x="${px(x(0.5))}" y="${base + 50}" font-size="12" text-anchor="middle" fill="#4c6272">${escapeXml('Relative position in the population by deprivation')}</text>`,
  );
  parts.push(
    `<line x1="${px(x(0))}" y1="${px(y(input.line.atZero))}" x2="${px(x(1))}" y2="${px(y(input.line.atOne))}" stroke="#d5281b" stroke-width="2" stroke-dasharray="6 4"><title>${escapeXml('Fitted line: its slope is the slope index of inequality')}</title></line>`,
  );
  for (const p of input.points) {
    parts.push(
      `<g><title>${escapeXml(`${p.label}: ${tickLabel(p.value)} (${tickLabel(p.lower)} to ${tickLabel(p.upper)})`)}</title>`,
      whisker(x(p.rank), y(p.lower), y(p.upper)),
      `<circle cx="${px(x(p.rank))}" cy="${px(y(p.value))}" r="5" fill="#005eb8" stroke="#ffffff"/>`,
      `<text x="${px(x(p.rank))}" y="${base + 18}" font-size="12" text-anchor="middle" fill="#212b32">${escapeXml(p.label)}</text>`,
      '</g>',
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

export interface TrendPoint {
  readonly year: number;
  readonly value?: number | undefined;
  readonly lower?: number | undefined;
  readonly upper?: number | undefined;
  /** The figure in words, for its tooltip ("-3.2 (-4.0 to -2.4)" or "not published"). */
  readonly text: string;
}

export function trendChart(input: {
  readonly title: string;
  readonly description: string;
  readonly points: readonly TrendPoint[];
  readonly yLabel: string;
}): string {
  const numbers = [0, ...input.points.flatMap((p) => [p.value, p.lower, p.upper])].filter(
    (n): n is number => n !== undefined,
  );
  const domain = axisDomain(numbers);
  const n = input.points.length;
  const x = (i: number) =>
    n <= 1 ? (LEFT + WIDTH - RIGHT) / 2 : LEFT + 20 + (i / (n - 1)) * (WIDTH - LEFT - RIGHT - 40);
  const y = (v: number) => TOP + (1 - (v - domain.min) / (domain.max - domain.min)) * (HEIGHT - TOP - BOTTOM);
  const parts = [openSvg(WIDTH, HEIGHT, input.title, input.description, 'accord-chart')];
  yAxis(parts, domain, y, input.yLabel);
  const base = HEIGHT - BOTTOM;
  parts.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${base}" y2="${base}" stroke="#4c6272"/>`);
  if (domain.min < 0 && domain.max > 0) {
    parts.push(
      `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${px(y(0))}" y2="${px(y(0))}" stroke="#212b32" stroke-width="1.5"/>`,
    );
  }
  let path = '';
  let pen = false;
  input.points.forEach((p, i) => {
    parts.push(
      `<text x="${px(x(i))}" y="${base + 18}" font-size="12" text-anchor="middle" fill="#212b32">${p.year}</text>`,
    );
    if (p.value === undefined) {
      pen = false;
      parts.push(
        `<text x="${px(x(i))}" y="${px(base - 8)}" font-size="11" text-anchor="middle" fill="#4c6272">${escapeXml('n/p')}<title>${escapeXml(`${p.year}: ${p.text}`)}</title></text>`,
      );
      return;
    }
    path += `${pen ? 'L' : 'M'}${px(x(i))} ${px(y(p.value))}`;
    pen = true;
    parts.push(`<g><title>${escapeXml(`${p.year}: ${p.text}`)}</title>`);
    if (p.lower !== undefined && p.upper !== undefined) parts.push(whisker(x(i), y(p.lower), y(p.upper)));
    parts.push(`<circle cx="${px(x(i))}" cy="${px(y(p.value))}" r="5" fill="#005eb8" stroke="#ffffff"/></g>`);
  });
  if (path !== '')
    parts.push(`<path d="${path}" fill="none" stroke="#005eb8" stroke-width="1.5" opacity="0.6"/>`);
  parts.push('</svg>');
  return parts.join('');
}
