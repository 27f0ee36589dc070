import { describe, expect, it } from 'vitest';
import { labelPoint } from './label-point.js';
import type { PlaceOutline } from './outlines.js';
import { fitTo, type Point } from './plane.js';
import { mapShapes } from './shapes.js';
import { simplifyRing } from './simplify.js';

describe('fitTo', () => {
  it('scales longitude by the cosine of the mean latitude, north up, to the width asked', () => {
    // One degree by one degree around 60° N: cos 60° = 0.5, so it is drawn twice as tall as wide.
    const fit = fitTo(
      [
        [
          [0, 59.5],
          [1, 59.5],
          [1, 60.5],
          [0, 60.5],
        ],
      ],
      100,
    );
    expect(fit.height).toBeCloseTo(200, 6);
    expect(fit.project([0, 60.5])).toEqual([0, 0]);
    const [x, y] = fit.project([1, 59.5]);
    expect(x).toBeCloseTo(100, 9);
    expect(y).toBeCloseTo(200, 6);
  });
});

describe('simplifyRing', () => {
  it('drops points within the tolerance of the line through their kept neighbours, and keeps corners', () => {
    const wobbly: Point[] = [];
    for (let x = 0; x < 100; x += 1) wobbly.push([x, x % 2 === 0 ? 0 : 0.2]);
    wobbly.push([100, 0], [100, 50], [0, 50]);
    const simplified = simplifyRing(wobbly, 0.4);
    expect(simplified).toEqual([
      [0, 0],
      [100, 0],
      [100, 50],
      [0, 50],
    ]);
    expect(simplifyRing(wobbly, 0.1).length).toBeGreaterThan(90);
  });

  it('returns a ring that collapses below three points empty', () => {
    const sliver: Point[] = [
      [0, 0],
      [50, 0.1],
      [100, 0],
      [50, -0.1],
    ];
    expect(simplifyRing(sliver, 1)).toEqual([]);
  });
});

describe('labelPoint', () => {
  it('finds a point well inside a U-shaped place, where its centre is outside', () => {
    const u: Point[] = [
      [0, 0],
      [30, 0],
      [30, 100],
      [70, 100],
      [70, 0],
      [100, 0],
      [100, 130],
      [0, 130],
    ];
    const [x, y] = labelPoint([u]);
    expect(y).toBeGreaterThan(100); // in the bar of the U, not in its gap
    expect(x).toBeGreaterThan(0);
    expect(x).toBeLessThan(100);
  });
});

describe('mapShapes', () => {
  const outline = (id: string, rings: PlaceOutline['rings']): PlaceOutline => ({
    id,
    name: id,
    rings,
    sharedEdges: 0,
    features: 1,
  });

  it('fits every place into one drawing, rounds to tenths and drops what could not be seen', () => {
    const shapes = mapShapes(
      [
        outline('west', [
          [
            [-2, 53.5],
            [-1.5, 53.5],
            [-1.5, 54],
            [-2, 54],
          ],
        ]),
        outline('east', [
          [
            [-1.5, 53.5],
            [-1, 53.5],
            [-1, 54],
            [-1.5, 54],
          ],
          // A crack a thousandth of a degree wide: nobody could see it as a hole.
          [
            [-1.4, 53.6],
            [-1.4, 53.9],
            [-1.399, 53.9],
            [-1.399, 53.6],
          ],
        ]),
      ],
      { width: 300, margin: 0 },
    );
    expect(shapes.width).toBe(300);
    // One degree of longitude by half a degree of latitude at 53.75° N.
    expect(shapes.height).toBe(Math.ceil((300 * 0.5) / Math.cos((53.75 * Math.PI) / 180)));
    const east = shapes.places.find((p) => p.id === 'east');
    expect(east?.rings).toHaveLength(1);
    for (const place of shapes.places) {
      for (const [x, y] of place.rings.flat()) {
        expect(Math.round(x * 10) / 10).toBe(x);
        expect(Math.round(y * 10) / 10).toBe(y);
      }
    }
    expect(shapes.places[0]?.rings[0]?.[1]).toEqual([150, 253.7]); // west's south-east corner
    expect(shapes.pointsIn).toBe(12);
    expect(shapes.pointsOut).toBe(8);
  });
});
