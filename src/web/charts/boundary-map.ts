/**
 * @module web/charts/boundary-map
 * The map of the places drawn from boundary files (when Accord is pointed at them; else the tile map): each place's
 * outline filled by how it compares with the partnership, exactly as the tile map colours its tiles, with a label
 * of its name, value and the comparison in words, and the tile map's legend. The map is a group of images: each
 * place is one, with its own <title> and accessible name ("Leeds: 12.3, worse"), so a screen reader can go from
 * place to place; the labels, which say the same, are hidden from it. Pure: the shapes are made once at start
 * (partnership/boundaries/shapes.ts) and only written out here.
 */
import type { MapShapes, PlaceShape } from '../../partnership/boundaries/shapes.js';
import { COMPARISON_COLOURS, COMPARISON_WORDS, escapeXml, openSvg, px, type ComparisonKey } from './svg.js';
import { LEGEND_ROW, legendRows, wrap, type Tile } from './tile-map.js';

/** The boundary map as the server holds it: the places' shapes, made at start, and the licence line to show. */
export interface PlaceMap {
  readonly shapes: MapShapes;
  readonly attribution: string;
}

/** A number of tenths as short as SVG reads it: 12.3, -.5, 0. */
function tenths(n: number): string {
  return String(n / 10).replace(/^(-?)0\./, '$1.');
}

/**
 * A ring as path data: an absolute move, then relative lines between points already rounded to tenths (differences
 * of rounded values, so nothing drifts), a minus sign serving as the separator where it can.
 */
export function ringPath(ring: readonly (readonly [number, number])[]): string {
  const points = ring.map(([x, y]) => [Math.round(x * 10), Math.round(y * 10)] as const);
  const [first, ...rest] = points;
  if (first === undefined) return '';
  let d = `M${tenths(first[0])} ${tenths(first[1])}`;
  if (rest.length > 0) d += 'l';
  let previous = first;
  let start = true;
  for (const point of rest) {
    for (const n of [point[0] - previous[0], point[1] - previous[1]]) {
      const text = tenths(n);
      d += start || text.startsWith('-') ? text : ` ${text}`;
      start = false;
    }
    previous = point;
  }
  return `${d}z`;
}

/** A place's path data: its rings, which fill by the nonzero rule (holes run the other way). */
export const shapePath = (shape: PlaceShape): string => shape.rings.map(ringPath).join('');

const LINE = 14;
/** About the width of a character of the 12-unit font, to size the label's box. */
const CHAR = 6.6;

function label(shape: PlaceShape, tile: Tile): string {
  const words = COMPARISON_WORDS[tile.comparison];
  const lines = [...wrap(tile.name, 16).slice(0, 3), `${tile.valueText}, ${words}`];
  const width = Math.max(...lines.map((l) => l.length)) * CHAR + 10;
  const height = lines.length * LINE + 6;
  const [x, y] = shape.label;
  const top = y - height / 2;
  return (
    `<rect x="${px(x - width / 2)}" y="${px(top)}" width="${px(width)}" height="${height}" rx="3" fill="#ffffff" ` +
    `fill-opacity="0.9" stroke="#212b32" stroke-width="0.5"/>` +
    lines
      .map(
        (text, i) =>
          `<text x="${px(x)}" y="${px(top + 3 + (i + 1) * LINE - 3)}" font-size="12"` +
          `${i < lines.length - 1 ? ' font-weight="bold"' : ''} text-anchor="middle" fill="#212b32">` +
          `${escapeXml(text)}</text>`,
      )
      .join('')
  );
}

/**
 * The map, or undefined when a tile's place has no shape (the caller draws the tile map instead). `tiles` are the
 * tile map's: one per place, with its comparison and value.
 */
export function boundaryMap(input: {
  readonly title: string;
  readonly description: string;
  readonly tiles: readonly Tile[];
  readonly shapes: MapShapes;
  /** The comparisons to name in the legend (default: those the tiles use). */
  readonly legend?: readonly ComparisonKey[];
}): string | undefined {
  const byId = new Map(input.shapes.places.map((s) => [s.id, s]));
  const drawn = input.tiles.map((tile) => ({ tile, shape: byId.get(tile.id) }));
  if (drawn.some((d) => d.shape === undefined || d.shape.rings.length === 0)) return undefined;
  const legend = input.legend ?? [...new Set(input.tiles.map((t) => t.comparison))];
  const { width, height } = input.shapes;
  const parts = [
    openSvg(
      width,
      height + 12 + legend.length * LEGEND_ROW,
      input.title,
      input.description,
      'accord-boundary-map',
      'group',
    ),
    '<g stroke="#212b32" stroke-width="1" stroke-linejoin="round">',
  ];
  for (const { tile, shape } of drawn) {
    if (shape === undefined) continue;
    const name = `${tile.name}: ${tile.valueText}, ${COMPARISON_WORDS[tile.comparison]}`;
    parts.push(
      `<path role="img" aria-label="${escapeXml(name)}" fill="${COMPARISON_COLOURS[tile.comparison].fill}" ` +
        `d="${shapePath(shape)}"><title>${escapeXml(name)}</title></path>`,
    );
  }
  parts.push('</g><g aria-hidden="true">');
  for (const { tile, shape } of drawn) if (shape !== undefined) parts.push(label(shape, tile));
  parts.push('</g>', `<g aria-hidden="true">${legendRows(legend, height + 12)}</g>`, '</svg>');
  return parts.join('');
}
