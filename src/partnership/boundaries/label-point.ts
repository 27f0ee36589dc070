/**
 * @module partnership/boundaries/label-point
 * Where to write a place's name on the map: a point well inside it, as far from its border as a coarse search finds
 * (an approximation of the pole of inaccessibility). A centroid can fall outside a crescent-shaped place or on a
 * narrow neck; this point has the most room around it for a label. Searches the place's largest ring's bounding box
 * on a grid, then finer grids around the best point. Pure.
 */
import { signedArea } from './outlines.js';
import type { Point } from './plane.js';
import { distanceToSegment } from './simplify.js';

function inside(p: Point, rings: readonly (readonly Point[])[]): boolean {
  let crossings = 0;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i] as Point;
      const [xj, yj] = ring[j] as Point;
      if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) crossings += 1;
    }
  }
  return crossings % 2 === 1;
}

function distanceToEdges(p: Point, rings: readonly (readonly Point[])[]): number {
  let best = Infinity;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      best = Math.min(best, distanceToSegment(p, ring[j] as Point, ring[i] as Point));
    }
  }
  return best;
}

const area = (ring: readonly Point[]) => Math.abs(signedArea(ring));

const STEPS = 16;

/** A point inside the place with room around it; the middle of its largest ring's box when none is found. */
export function labelPoint(rings: readonly (readonly Point[])[]): Point {
  const largest = rings.reduce<readonly Point[]>((a, b) => (area(b) > area(a) ? b : a), []);
  if (largest.length === 0) return [0, 0];
  const xs = largest.map((p) => p[0]);
  const ys = largest.map((p) => p[1]);
  let [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  let best: Point = [(minX + maxX) / 2, (minY + maxY) / 2];
  let bestDistance = inside(best, rings) ? distanceToEdges(best, rings) : -1;
  for (let round = 0; round < 4; round++) {
    const stepX = (maxX - minX) / STEPS;
    const stepY = (maxY - minY) / STEPS;
    for (let i = 0; i <= STEPS; i++) {
      for (let j = 0; j <= STEPS; j++) {
        const p: Point = [minX + i * stepX, minY + j * stepY];
        if (!inside(p, rings)) continue;
        const d = distanceToEdges(p, rings);
        if (d > bestDistance) {
          bestDistance = d;
          best = p;
        }
      }
    }
    // Search again, finer, in the cells around the best point so far.
    [minX, maxX, minY, maxY] = [
      best[0] - 2 * stepX,
      best[0] + 2 * stepX,
      best[1] - 2 * stepY,
      best[1] + 2 * stepY,
    ];
  }
  return best;
}
