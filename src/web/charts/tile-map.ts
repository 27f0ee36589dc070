/**
 * @module web/charts/tile-map
 * A tile map of the partnership's places: one square per place, laid out roughly as the places lie (a layout is
 * built in for West Yorkshire and Harrogate; other partnerships get a grid in alphabetical order), each coloured by
 * how the place compares with the partnership and labelled with its name, value and the comparison in words. Each
 * tile has its own <title>; a legend names every colour. Pure.
 */
import { COMPARISON_COLOURS, COMPARISON_WORDS, escapeXml, openSvg, px, type ComparisonKey } from './svg.js';

export interface Tile {
  readonly id: string;
  readonly name: string;
  readonly comparison: ComparisonKey;
  /** The value as the page shows it ("12.3", "[c]"). */
  readonly valueText: string;
}

/** Column and row of each place of West Yorkshire and Harrogate: Harrogate to the north, Wakefield south-east. */
export const KNOWN_LAYOUTS: Readonly<Record<string, Readonly<Record<string, readonly [number, number]>>>> = {
  'west-yorkshire-and-harrogate': {
    harrogate: [1, 0],
    'bradford-district-and-craven': [0, 1],
    leeds: [1, 1],
    calderdale: [0, 2],
    kirklees: [1, 2],
    wakefield: [2, 2],
  },
};

/**
 * Where each place goes: the built-in layout when every place is in one, else a grid in alphabetical order of
 * name, as square as it can be.
 */
export function tileLayout(
  places: readonly { readonly id: string; readonly name: string }[],
): Map<string, readonly [number, number]> {
  for (const layout of Object.values(KNOWN_LAYOUTS)) {
    if (places.length > 0 && places.every((p) => layout[p.id] !== undefined)) {
      return new Map(places.map((p) => [p.id, layout[p.id] ?? [0, 0]]));
    }
  }
  const columns = Math.max(1, Math.ceil(Math.sqrt(places.length)));
  const sorted = [...places].sort((a, b) => a.name.localeCompare(b.name));
  return new Map(sorted.map((p, i) => [p.id, [i % columns, Math.floor(i / columns)] as const]));
}

/** Splits a name into lines of about `width` characters, at spaces. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

const TILE = 150;
const GAP = 8;
export const LEGEND_ROW = 24;

export function tileMap(input: {
  readonly title: string;
  readonly description: string;
  readonly tiles: readonly Tile[];
  /** The comparisons to name in the legend (default: those the tiles use). */
  readonly legend?: readonly ComparisonKey[];
}): string {
  const layout = tileLayout(input.tiles);
  const columns = Math.max(1, ...[...layout.values()].map(([c]) => c + 1));
  const rows = Math.max(1, ...[...layout.values()].map(([, r]) => r + 1));
  const legend = input.legend ?? [...new Set(input.tiles.map((t) => t.comparison))];
  const mapHeight = rows * (TILE + GAP);
  const width = Math.max(columns * (TILE + GAP), 300);
  const height = mapHeight + 12 + legend.length * LEGEND_ROW;
  const parts = [openSvg(width, height, input.title, input.description, 'accord-tile-map')];
  for (const tile of input.tiles) {
    const [c, r] = layout.get(tile.id) ?? [0, 0];
    const x = c * (TILE + GAP);
    const y = r * (TILE + GAP);
    const colour = COMPARISON_COLOURS[tile.comparison];
    const words = COMPARISON_WORDS[tile.comparison];
    const label = `${tile.name}: ${tile.valueText}, ${words}`;
    const lines = wrap(tile.name, 18).slice(0, 3);
    // No links in a tile: the map is one image (role="img"), and an image holds no controls.
    parts.push(
      '<g>',
      `<title>${escapeXml(label)}</title>`,
      `<rect x="${px(x)}" y="${px(y)}" width="${TILE}" height="${TILE}" rx="6" fill="${colour.fill}" stroke="#212b32" stroke-width="1"/>`,
      ...lines.map(
        (text, i) =>
          `<text x="${px(x + TILE / 2)}" y="${px(y + 26 + i * 17)}" font-size="14" font-weight="bold" text-anchor="middle" fill="${colour.text}">${escapeXml(text)}</text>`,
      ),
      `<text x="${px(x + TILE / 2)}" y="${px(y + TILE - 40)}" font-size="15" text-anchor="middle" fill="${colour.text}">${escapeXml(tile.valueText)}</text>`,
      `<text x="${px(x + TILE / 2)}" y="${px(y + TILE - 18)}" font-size="13" text-anchor="middle" fill="${colour.text}">${escapeXml(words)}</text>`,
      '</g>',
    );
  }
  parts.push(legendRows(legend, mapHeight + 12), '</svg>');
  return parts.join('');
}

/** The legend under a map of the places (the tile map's and the boundary map's), its first row at `top`. */
export function legendRows(legend: readonly ComparisonKey[], top: number): string {
  return legend
    .map((key, i) => {
      const y = top + i * LEGEND_ROW;
      return (
        `<rect x="0" y="${px(y)}" width="18" height="18" fill="${COMPARISON_COLOURS[key].fill}" stroke="#212b32"/>` +
        `<text x="26" y="${px(y + 14)}" font-size="13" fill="#212b32">${escapeXml(LEGEND_WORDS[key])}</text>`
      );
    })
    .join('');
}

const LEGEND_WORDS: Readonly<Record<ComparisonKey, string>> = {
  better: 'Better than the partnership (95% interval)',
  similar: 'Similar to the partnership',
  worse: 'Worse than the partnership (95% interval)',
  higher: 'Higher than the partnership (no judgement)',
  lower: 'Lower than the partnership (no judgement)',
  'not-compared': 'Not compared (withheld or no value)',
};
