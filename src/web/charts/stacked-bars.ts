/**
 * @module web/charts/stacked-bars
 * Horizontal bars of 100%, each split into the shares of its parts (the population of a place or quintile by
 * segment), with a legend. Colour is not the only cue: each share of 5% or more is labelled with its percentage, and
 * the page gives the table beside the chart. A row with a withheld part is drawn from its published parts only and
 * says so. Pure: data in, SVG out.
 */
import { escapeXml, openSvg, px } from './svg.js';

export interface StackedBarsInput {
  readonly title: string;
  readonly description: string;
  /** The parts' names, in drawing order (and the legend's). */
  readonly parts: readonly string[];
  readonly rows: readonly { readonly label: string; readonly parts: readonly (number | undefined)[] }[];
}

/** NHS palette colours, with the text colour that reads on each. */
const PALETTE: readonly { fill: string; text: string }[] = [
  { fill: '#330072', text: '#ffffff' },
  { fill: '#7c2855', text: '#ffffff' },
  { fill: '#d5281b', text: '#ffffff' },
  { fill: '#ed8b00', text: '#212b32' },
  { fill: '#ffb81c', text: '#212b32' },
  { fill: '#41b6e6', text: '#212b32' },
  { fill: '#005eb8', text: '#ffffff' },
  { fill: '#007f3b', text: '#ffffff' },
];

const WIDTH = 720;
const LABEL_WIDTH = 190;
const PLOT_WIDTH = 500;
const ROW = 30;
const TOP = 10;
const LEGEND_ROW = 22;

export function stackedBars(input: StackedBarsInput): string {
  const legendRows = Math.ceil(input.parts.length / 2);
  const height = TOP + input.rows.length * ROW + 16 + legendRows * LEGEND_ROW;
  const out: string[] = [openSvg(WIDTH, height, input.title, input.description, 'accord-chart')];
  input.rows.forEach((row, i) => {
    const y = TOP + i * ROW;
    const known = row.parts.map((p) => p ?? 0);
    const total = known.reduce((a, b) => a + b, 0);
    const withheld = row.parts.some((p) => p === undefined);
    out.push(
      `<text x="${px(LABEL_WIDTH - 8)}" y="${px(y + ROW / 2 + 4)}" text-anchor="end" font-size="13">${escapeXml(
        row.label + (withheld ? ' *' : ''),
      )}</text>`,
    );
    if (total === 0) return;
    let x = LABEL_WIDTH;
    known.forEach((value, j) => {
      if (value === 0) return;
      const width = (value / total) * PLOT_WIDTH;
      const colour = PALETTE[j % PALETTE.length] ?? { fill: '#425563', text: '#ffffff' };
      const share = (100 * value) / total;
      out.push(
        `<rect x="${px(x)}" y="${px(y + 4)}" width="${px(width)}" height="${px(ROW - 8)}" fill="${colour.fill}">` +
          `<title>${escapeXml(`${row.label}, ${input.parts[j] ?? ''}: ${share.toFixed(1)}%`)}</title></rect>`,
      );
      if (share >= 5 && width >= 30) {
        out.push(
          `<text x="${px(x + width / 2)}" y="${px(y + ROW / 2 + 4)}" text-anchor="middle" font-size="11" fill="${colour.text}">${share.toFixed(0)}%</text>`,
        );
      }
      x += width;
    });
  });
  const legendTop = TOP + input.rows.length * ROW + 16;
  input.parts.forEach((name, j) => {
    const colour = PALETTE[j % PALETTE.length] ?? { fill: '#425563', text: '#ffffff' };
    const x = j % 2 === 0 ? 10 : WIDTH / 2;
    const y = legendTop + Math.floor(j / 2) * LEGEND_ROW;
    out.push(
      `<rect x="${px(x)}" y="${px(y)}" width="14" height="14" fill="${colour.fill}"/>` +
        `<text x="${px(x + 20)}" y="${px(y + 12)}" font-size="13">${escapeXml(name)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('');
}
