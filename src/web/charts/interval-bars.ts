/**
 * @module web/charts/interval-bars
 * Horizontal bars with their confidence intervals as whiskers, and a vertical line for the benchmark (the
 * partnership's value): the chart of an indicator by place, by IMD quintile, by sex. Each bar is coloured by its
 * comparison with the benchmark and says it in words beside the value, so colour is never the only cue. A group
 * with no published value (withheld: `[c]`) gets no bar, only its text. Pure: data in, SVG out.
 */
import {
  axisDomain,
  COMPARISON_COLOURS,
  COMPARISON_WORDS,
  escapeXml,
  openSvg,
  px,
  tickLabel,
  ticks,
  type ComparisonKey,
} from './svg.js';

export interface BarDatum {
  readonly label: string;
  /** The published value and its limits; absent when withheld or not available. */
  readonly value?: number | undefined;
  readonly lower?: number | undefined;
  readonly upper?: number | undefined;
  readonly comparison: ComparisonKey;
  /** The value as the page shows it ("12.3 (10.1 to 14.9)", or "[c]"). */
  readonly valueText: string;
}

export interface IntervalBarsInput {
  readonly title: string;
  readonly description: string;
  readonly data: readonly BarDatum[];
  /** The benchmark's value, drawn as a vertical line. */
  readonly benchmark?: number | undefined;
  readonly benchmarkLabel?: string;
}

const WIDTH = 720;
const LABEL_WIDTH = 190;
const PLOT_WIDTH = 300;
const ROW = 30;
const TOP = 28;
const BOTTOM = 34;

export function intervalBars(input: IntervalBarsInput): string {
  const { data, benchmark } = input;
  const numbers = data
    .flatMap((d) => [d.value, d.lower, d.upper])
    .filter((n): n is number => n !== undefined);
  if (benchmark !== undefined) numbers.push(benchmark);
  const domain = axisDomain(numbers);
  const x = (v: number) => LABEL_WIDTH + ((v - domain.min) / (domain.max - domain.min)) * PLOT_WIDTH;
  const height = TOP + data.length * ROW + BOTTOM;
  const parts: string[] = [openSvg(WIDTH, height, input.title, input.description, 'accord-chart')];

  // Axis: ticks and gridlines.
  const axisY = TOP + data.length * ROW;
  for (const t of ticks(domain)) {
    parts.push(
      `<line x1="${px(x(t))}" x2="${px(x(t))}" y1="${TOP - 4}" y2="${px(axisY)}" stroke="#d8dde0" stroke-width="1"/>`,
      `<text x="${px(x(t))}" y="${px(axisY + 16)}" font-size="12" text-anchor="middle" fill="#4c6272">${escapeXml(tickLabel(t))}</text>`,
    );
  }
  parts.push(
    `<line x1="${LABEL_WIDTH}" x2="${LABEL_WIDTH + PLOT_WIDTH}" y1="${px(axisY)}" y2="${px(axisY)}" stroke="#4c6272"/>`,
  );

  data.forEach((d, i) => {
    const y = TOP + i * ROW;
    const colour = COMPARISON_COLOURS[d.comparison];
    parts.push(
      `<g><title>${escapeXml(`${d.label}: ${d.valueText}, ${COMPARISON_WORDS[d.comparison]}`)}</title>`,
    );
    parts.push(
      `<text x="${LABEL_WIDTH - 8}" y="${px(y + ROW / 2 + 4)}" font-size="13" text-anchor="end" fill="#212b32">${escapeXml(d.label)}</text>`,
    );
    if (d.value !== undefined) {
      const x0 = x(Math.max(domain.min, Math.min(0, domain.max)));
      const x1 = x(d.value);
      parts.push(
        `<rect x="${px(Math.min(x0, x1))}" y="${px(y + 6)}" width="${px(Math.max(1, Math.abs(x1 - x0)))}" height="${ROW - 12}" fill="${colour.fill}" stroke="#212b32" stroke-width="0.5"/>`,
      );
      if (d.lower !== undefined && d.upper !== undefined) {
        const mid = y + ROW / 2;
        parts.push(
          `<path d="M${px(x(d.lower))} ${px(mid)}H${px(x(d.upper))}M${px(x(d.lower))} ${px(mid - 6)}V${px(mid + 6)}M${px(x(d.upper))} ${px(mid - 6)}V${px(mid + 6)}" stroke="#212b32" stroke-width="1.5" fill="none"/>`,
        );
      }
    }
    parts.push(
      `<text x="${LABEL_WIDTH + PLOT_WIDTH + 10}" y="${px(y + ROW / 2 + 4)}" font-size="12" fill="#212b32">${escapeXml(`${d.valueText} – ${COMPARISON_WORDS[d.comparison]}`)}</text>`,
    );
    parts.push('</g>');
  });

  if (benchmark !== undefined) {
    const bx = x(benchmark);
    parts.push(
      `<line x1="${px(bx)}" x2="${px(bx)}" y1="${TOP - 8}" y2="${px(axisY)}" stroke="#212b32" stroke-width="2" stroke-dasharray="4 3"/>`,
      `<text x="${px(bx)}" y="${TOP - 12}" font-size="12" text-anchor="middle" fill="#212b32">${escapeXml(input.benchmarkLabel ?? 'Benchmark')}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}
