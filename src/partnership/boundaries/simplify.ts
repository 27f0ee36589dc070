/**
 * @module partnership/boundaries/simplify
 * Douglas–Peucker simplification of a closed ring in the plane of the drawing: drops the points that lie within
 * `tolerance` of the line through their neighbours that are kept. With a tolerance below a pixel the shape drawn
 * does not change, and the map's markup shrinks several times. Neighbouring places are simplified one by one, so
 * their shared border can differ by at most the tolerance: hidden under the outline's stroke. Pure.
 */
import type { Point } from './plane.js';

/** Distance from p to the segment a–b. */
export function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2));
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

/** Marks the points of an open line to keep (iteratively: a long border would overflow the stack recursively). */
function keepOpen(
  points: readonly Point[],
  tolerance: number,
  keep: boolean[],
  from: number,
  to: number,
): void {
  const stack: [number, number][] = [[from, to]];
  while (stack.length > 0) {
    const [first, last] = stack.pop() as [number, number];
    let farthest = -1;
    let distance = tolerance;
    for (let i = first + 1; i < last; i++) {
      const d = distanceToSegment(points[i] as Point, points[first] as Point, points[last] as Point);
      if (d > distance) {
        distance = d;
        farthest = i;
      }
    }
    if (farthest >= 0) {
      keep[farthest] = true;
      stack.push([first, farthest], [farthest, last]);
    }
  }
}

/**
 * The ring simplified (not closed: the first point is not repeated). A ring is split at its first point and the
 * point farthest from it, which are both kept; a ring that shrinks below three points is returned empty.
 */
export function simplifyRing(ring: readonly Point[], tolerance: number): Point[] {
  if (ring.length <= 3) return [...ring];
  const start = ring[0] as Point;
  let far = 0;
  let farDistance = -1;
  ring.forEach((p, i) => {
    const d = Math.hypot(p[0] - start[0], p[1] - start[1]);
    if (d > farDistance) {
      farDistance = d;
      far = i;
    }
  });
  const closed = [...ring, start];
  const keep = closed.map(() => false);
  keep[0] = true;
  keep[far] = true;
  keep[closed.length - 1] = true;
  keepOpen(closed, tolerance, keep, 0, far);
  keepOpen(closed, tolerance, keep, far, closed.length - 1);
  const kept = ring.filter((_, i) => keep[i]);
  return kept.length < 3 ? [] : kept;
}
