/**
 * @module partnership/boundaries/plane
 * From longitude and latitude to the plane of a drawing: an equirectangular projection with the longitudes scaled by
 * the cosine of the mean latitude, then scaled and moved to fit a box of a given width.
 *
 * Why this projection: a partnership is at most a couple of hundred kilometres across, and over West Yorkshire and
 * Harrogate (53.5° to 54.3° N) the cosine changes by about 1% from the mean, so shapes and areas are true to within
 * about 1% — less than a line's width at the size the map is drawn. A true map projection (the British National
 * Grid's transverse Mercator) would need a datum shift and a library, and look the same here. Pure.
 */
import type { Position, Ring } from './geojson.js';

/** A point in the drawing: x to the right, y down. */
export type Point = readonly [number, number];

export interface Fit {
  readonly width: number;
  readonly height: number;
  /** Where a longitude and latitude are drawn. */
  project(position: Position): Point;
}

/**
 * The projection that fits every ring given into `width` across (less `margin` on each side), north up; the height
 * follows from the shape.
 */
export function fitTo(rings: readonly Ring[], width: number, margin = 0): Fit {
  let west = Infinity;
  let east = -Infinity;
  let south = Infinity;
  let north = -Infinity;
  for (const ring of rings) {
    for (const [lon, lat] of ring) {
      west = Math.min(west, lon);
      east = Math.max(east, lon);
      south = Math.min(south, lat);
      north = Math.max(north, lat);
    }
  }
  if (!Number.isFinite(west)) return { width, height: 0, project: () => [margin, margin] };
  const cos = Math.cos((((south + north) / 2) * Math.PI) / 180);
  const spanX = Math.max((east - west) * cos, 1e-9);
  const spanY = Math.max(north - south, 1e-9);
  const scale = (width - 2 * margin) / spanX;
  return {
    width,
    height: spanY * scale + 2 * margin,
    project: ([lon, lat]) => [margin + (lon - west) * cos * scale, margin + (north - lat) * scale],
  };
}
