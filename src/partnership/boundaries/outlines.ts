/**
 * @module partnership/boundaries/outlines
 * The outline of each place from the features of a boundary file: a place is the union of the features whose local
 * authority code is one of the place's `localAuthorityCodes` (Bradford District and Craven is Bradford and Craven;
 * a file of LSOAs gives each place as the union of its LSOAs, by the LSOAs' LAD code). Pure.
 *
 * The union dissolves shared edges rather than clipping polygons: boundary files cut from one set of boundaries
 * (ONS's generalised LADs, the LSOAs' 30 m simplification) share the exact vertices along a common border, so an
 * edge found in two features, run in opposite directions, is inside the place and the edges left chain into the
 * place's outline and its holes. Where neighbours do not share vertices nothing cancels and the features are drawn
 * side by side (same fill, the inner border showing), which is still right.
 */
import type { BoundaryCollection, Polygon, Position, Ring } from './geojson.js';

export interface MapPlace {
  readonly id: string;
  readonly name: string;
  readonly localAuthorityCodes: readonly string[];
}

export interface PlaceOutline {
  readonly id: string;
  readonly name: string;
  /**
   * Rings in longitude and latitude, outer rings anticlockwise and holes clockwise, so they fill with the nonzero
   * rule whether or not they were dissolved.
   */
  readonly rings: readonly Ring[];
  /** How many edges the place's features share, dissolved (0 for a place of several: drawn side by side). */
  readonly sharedEdges: number;
  /** How many features of the file make the place. */
  readonly features: number;
}

/** A place the file does not cover: the codes it has no feature for. */
export interface UncoveredPlace {
  readonly id: string;
  readonly name: string;
  readonly missingCodes: readonly string[];
}

export type Outlines =
  | { readonly covered: true; readonly outlines: readonly PlaceOutline[] }
  | { readonly covered: false; readonly uncovered: readonly UncoveredPlace[] };

/** Twice the signed area of a ring (positive: anticlockwise with y up). */
export function signedArea(ring: Ring): number {
  let sum = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i] as Position;
    const [x2, y2] = ring[(i + 1) % ring.length] as Position;
    sum += x1 * y2 - x2 * y1;
  }
  return sum;
}

/** The polygon with its outer ring anticlockwise and its holes clockwise. */
function oriented(polygon: Polygon): Ring[] {
  return polygon.map((ring, i) => {
    const anticlockwise = signedArea(ring) > 0;
    return anticlockwise === (i === 0) ? ring : [...ring].reverse();
  });
}

const key = (p: Position) => `${p[0]},${p[1]}`;

/**
 * The union of oriented rings that meet along shared edges: the edges left once each edge is cancelled by its
 * reverse, chained into rings, and how many edges were cancelled. Each vertex keeps as many edges in as out (a
 * cancelled pair takes one of each), so the edges left always close into rings.
 */
export function dissolve(rings: readonly Ring[]): { rings: Ring[]; shared: number } {
  // Directed edges still open, by "from→to"; an edge whose reverse is open cancels it.
  const open = new Map<string, number>();
  const edges: [Position, Position][] = [];
  let shared = 0;
  for (const ring of rings) {
    for (let i = 0; i < ring.length; i++) {
      const a = ring[i] as Position;
      const b = ring[(i + 1) % ring.length] as Position;
      const from = key(a);
      const to = key(b);
      if (from === to) continue;
      const reverse = `${to}>${from}`;
      const waiting = open.get(reverse) ?? 0;
      if (waiting > 0) {
        open.set(reverse, waiting - 1);
        shared += 1;
      } else {
        open.set(`${from}>${to}`, (open.get(`${from}>${to}`) ?? 0) + 1);
        edges.push([a, b]);
      }
    }
  }
  // The edges that stayed open, by their start, in the order met (so the result does not depend on hashing).
  const remaining = new Map(open);
  const outgoing = new Map<string, [Position, Position][]>();
  for (const edge of edges) {
    const id = `${key(edge[0])}>${key(edge[1])}`;
    const left = remaining.get(id) ?? 0;
    if (left === 0) continue;
    remaining.set(id, left - 1);
    const from = key(edge[0]);
    outgoing.set(from, [...(outgoing.get(from) ?? []), edge]);
  }
  const out: Ring[] = [];
  for (const [start, list] of outgoing) {
    while (list.length > 0) {
      const ring: Position[] = [];
      let edge = list.shift();
      while (edge !== undefined) {
        ring.push(edge[0]);
        const next = key(edge[1]);
        if (next === start && ring.length > 1) break;
        const choices = outgoing.get(next);
        edge = choices?.shift();
        // Cannot happen (see above); were it to, the rings as given are still a true drawing of the place.
        if (edge === undefined) return { rings: [...rings], shared: 0 };
      }
      if (ring.length >= 3) out.push(ring);
    }
  }
  return { rings: out, shared };
}

/** Each place's outline, or the places the file has no feature for (every missing code named). */
export function placeOutlines(collection: BoundaryCollection, places: readonly MapPlace[]): Outlines {
  const byCode = new Map<string, Polygon[]>();
  const count = new Map<string, number>();
  for (const feature of collection.features) {
    byCode.set(feature.code, [...(byCode.get(feature.code) ?? []), ...feature.polygons]);
    count.set(feature.code, (count.get(feature.code) ?? 0) + 1);
  }
  const uncovered: UncoveredPlace[] = [];
  const outlines: PlaceOutline[] = [];
  for (const place of places) {
    const missing = place.localAuthorityCodes.filter((code) => !byCode.has(code));
    if (missing.length > 0 || place.localAuthorityCodes.length === 0) {
      uncovered.push({ id: place.id, name: place.name, missingCodes: missing });
      continue;
    }
    const rings = place.localAuthorityCodes.flatMap((code) => (byCode.get(code) ?? []).flatMap(oriented));
    const features = place.localAuthorityCodes.reduce((n, code) => n + (count.get(code) ?? 0), 0);
    const dissolved = features > 1 ? dissolve(rings) : { rings, shared: 0 };
    outlines.push({
      id: place.id,
      name: place.name,
      rings: dissolved.rings,
      sharedEdges: dissolved.shared,
      features,
    });
  }
  return uncovered.length > 0 ? { covered: false, uncovered } : { covered: true, outlines };
}
