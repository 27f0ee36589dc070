/**
 * @module partnership/boundaries/shapes
 * The places' outlines made ready to draw: projected to the plane (plane.ts), fitted to a drawing `width` units
 * across, simplified below the size of a pixel (simplify.ts), rounded to tenths of a unit, with a point to write
 * each label at (label-point.ts). Made once, when Accord starts; drawing a page then only writes them out. Pure.
 */
import { labelPoint } from './label-point.js';
import type { PlaceOutline } from './outlines.js';
import { fitTo, type Point } from './plane.js';
import { simplifyRing } from './simplify.js';

export interface PlaceShape {
  readonly id: string;
  readonly name: string;
  /** Rings in drawing units, x right and y down, each coordinate a multiple of 0.1. */
  readonly rings: readonly (readonly Point[])[];
  readonly label: Point;
}

export interface MapShapes {
  readonly width: number;
  readonly height: number;
  readonly places: readonly PlaceShape[];
  /** How many points the rings hold in all, before and after simplification (for the start-up log). */
  readonly pointsIn: number;
  readonly pointsOut: number;
}

export interface ShapeOptions {
  /** Drawing units across (default 600: about the width of a page's main column, so a unit is about a pixel). */
  readonly width?: number;
  /** Douglas–Peucker tolerance in drawing units (default 0.4: under half a pixel at the default width). */
  readonly tolerance?: number;
  readonly margin?: number;
}

const tenth = (n: number) => Math.round(n * 10) / 10;

/**
 * A ring's mean width (twice its area over its perimeter): a long thin crack between LSOAs that do not quite meet
 * is a hole of a place some tenths of a unit wide, a real hole (an enclave) is tens of units wide.
 */
function meanWidth(ring: readonly Point[]): number {
  let area = 0;
  let perimeter = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xj, yj] = ring[j] as Point;
    const [xi, yi] = ring[i] as Point;
    area += xj * yi - xi * yj;
    perimeter += Math.hypot(xi - xj, yi - yj);
  }
  return perimeter === 0 ? 0 : Math.abs(area) / perimeter;
}

/** Rings narrower than this (in drawing units) are not drawn: slivers and cracks nobody could see as areas. */
const MIN_WIDTH = 1.5;

export function mapShapes(outlines: readonly PlaceOutline[], options: ShapeOptions = {}): MapShapes {
  const width = options.width ?? 600;
  const tolerance = options.tolerance ?? 0.4;
  const fit = fitTo(
    outlines.flatMap((o) => o.rings),
    width,
    options.margin ?? 2,
  );
  let pointsIn = 0;
  let pointsOut = 0;
  const places = outlines.map((outline) => {
    const rings: Point[][] = [];
    for (const ring of outline.rings) {
      pointsIn += ring.length;
      const simplified = simplifyRing(
        ring.map((position) => fit.project(position)),
        tolerance,
      );
      const rounded: Point[] = [];
      for (const [x, y] of simplified) {
        const p: Point = [tenth(x), tenth(y)];
        const last = rounded.at(-1);
        if (last === undefined || last[0] !== p[0] || last[1] !== p[1]) rounded.push(p);
      }
      if (rounded.length >= 3 && meanWidth(rounded) >= MIN_WIDTH) {
        rings.push(rounded);
        pointsOut += rounded.length;
      }
    }
    const label = labelPoint(rings);
    return { id: outline.id, name: outline.name, rings, label: [tenth(label[0]), tenth(label[1])] as const };
  });
  return { width, height: Math.ceil(fit.height), places, pointsIn, pointsOut };
}
