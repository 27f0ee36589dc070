/**
 * The need model on a two-place example worked by hand (HAND_WEIGHTS): place A has 100 boys of 5–9 in IMD quintile
 * 1 (weight 1 × 1.5 each = 150), place B 100 women of 70–74 in quintile 5, 20 of them multimorbid
 * (3 × (80 + 20 × 2) = 360). Scaled to the 200 registered: A 200 × 150/510, B 200 × 360/510.
 */
import { describe, expect, it } from 'vitest';
import { allocate, apportion, bandStart, needModel } from './model.js';
import type { NeedCell } from './need-cells.js';
import { HAND_WEIGHTS } from './testing.js';

const PLACES = [
  { id: 'a', name: 'Place A' },
  { id: 'b', name: 'Place B' },
];
const CELLS: NeedCell[] = [
  { place: 'a', ageBand: 2, sex: 'male', imdQuintile: 1, persons: 100, multimorbid: 0 },
  { place: 'b', ageBand: 15, sex: 'female', imdQuintile: 5, persons: 100, multimorbid: 20 },
  { place: null, ageBand: 15, sex: 'female', imdQuintile: 5, persons: 7, multimorbid: 1 },
  { place: 'elsewhere', ageBand: 3, sex: 'male', imdQuintile: 2, persons: 5, multimorbid: 0 },
];

describe('the need model', () => {
  it('weights each place by age, sex, deprivation and multimorbidity, scaled to the registered total', () => {
    const model = needModel(CELLS, HAND_WEIGHTS, PLACES);
    if (!model.ok) throw new Error(JSON.stringify(model.error));
    const [a, b] = model.value.places;
    expect(model.value.population).toBe(200);
    expect(model.value.outsidePlaces).toBe(12);
    expect(a?.weightedPopulation).toBeCloseTo((200 * 150) / 510, 10);
    expect(b?.weightedPopulation).toBeCloseTo((200 * 360) / 510, 10);
    expect(a?.targetShare).toBeCloseTo(150 / 510, 12);
    expect(b?.targetShare).toBeCloseTo(360 / 510, 12);
    // Age and sex alone: A 100 × 1, B 100 × 3, scaled to 200 → 50 and 150.
    expect(a?.ageSexIndex).toBeCloseTo(0.5, 12);
    expect(b?.ageSexIndex).toBeCloseTo(1.5, 12);
    expect(a?.needIndex).toBeCloseTo(150 / 510 / 0.25, 10);
    expect(b?.needIndex).toBeCloseTo(360 / 510 / 0.75, 10);
    expect(b?.multimorbid).toBe(20);
  });

  it('gives target allocations of the same total to the penny, and distances from target', () => {
    const model = needModel(CELLS, HAND_WEIGHTS, PLACES);
    if (!model.ok) throw new Error('model');
    const result = allocate(
      model.value,
      new Map([
        ['a', 10_000],
        ['b', 10_000],
      ]),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const [a, b] = result.value.places;
    // 20,000p × 150/510 = 5,882.35p and × 360/510 = 14,117.65p: the spare penny goes to the larger remainder.
    expect(a?.targetPence).toBe(5882);
    expect(b?.targetPence).toBe(14118);
    expect(a?.distance).toBeCloseTo((10_000 - 5882) / 5882, 12);
    expect(b?.distance).toBeCloseTo((10_000 - 14_118) / 14_118, 12);
    expect(a?.currentPerHeadPence).toBe(100);
    expect(b?.targetPerHeadPence).toBe(141);
  });

  it('gives the mean of the two sexes and quintile 3 where they are not known', () => {
    const cells: NeedCell[] = [
      { place: 'a', ageBand: 15, sex: 'unknown', imdQuintile: null, persons: 10, multimorbid: 0 },
      { place: 'b', ageBand: 15, sex: 'female', imdQuintile: 3, persons: 10, multimorbid: 0 },
    ];
    const model = needModel(cells, HAND_WEIGHTS, PLACES);
    if (!model.ok) throw new Error('model');
    expect(model.value.places[0]?.targetShare).toBeCloseTo(0.5, 12);
  });

  it('refuses impossible cells, repeated places, and allocations that do not match the places', () => {
    const bad = needModel(
      [{ place: 'a', ageBand: 1, sex: 'male', imdQuintile: 6, persons: 3, multimorbid: 4 }],
      HAND_WEIGHTS,
      [...PLACES, PLACES[0]!],
    );
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.map((i) => i.message).join('\n')).toMatch(/listed twice[\s\S]*multimorbid/);
    const model = needModel(CELLS, HAND_WEIGHTS, PLACES);
    if (!model.ok) throw new Error('model');
    const wrong = allocate(
      model.value,
      new Map([
        ['a', 1.5],
        ['c', 3],
      ]),
    );
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) {
      expect(wrong.error.map((i) => i.message)).toEqual([
        'the allocation of Place A must be whole pence ≥ 0',
        'no current allocation for Place B',
        'c is not one of the places',
      ]);
    }
    expect(needModel([], HAND_WEIGHTS, PLACES).ok).toBe(false);
  });

  it('splits a total by largest remainders, adding up exactly', () => {
    expect(apportion(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(apportion(10, [0, 1])).toEqual([0, 10]);
    expect(apportion(550_000_000_000, [0.1, 0.2, 0.7]).reduce((s, p) => s + p, 0)).toBe(550_000_000_000);
    expect(() => apportion(10, [0, 0])).toThrow();
  });

  it('knows where each of the store’s age bands starts', () => {
    expect([0, 1, 2, 3, 19].map(bandStart)).toEqual([0, 1, 5, 10, 90]);
  });
});
