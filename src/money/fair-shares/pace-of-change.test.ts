/**
 * The pace-of-change policy: a worked three-place example, the checks on its parameters, and properties over
 * generated partnerships (fast-check) — every year adds up to its total to the penny, no place under target falls
 * further behind, the floor and the line below target hold, and the same inputs give the same years.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPolicy, DEFAULT_POLICY, simulate, type PaceOfChangePolicy } from './pace-of-change.js';

const policyArb: fc.Arbitrary<PaceOfChangePolicy> = fc
  .record({
    years: fc.integer({ min: 1, max: 8 }),
    upliftPercent: fc.double({ min: 0, max: 10, noNaN: true }),
    floorFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    ceilingExtra: fc.double({ min: 0, max: 10, noNaN: true }),
    maxBelowTargetPercent: fc.double({ min: 0, max: 20, noNaN: true }),
  })
  .map((p) => ({
    years: p.years,
    upliftPercent: p.upliftPercent,
    floorUpliftPercent: p.upliftPercent * p.floorFraction,
    ceilingUpliftPercent: p.upliftPercent + p.ceilingExtra,
    maxBelowTargetPercent: p.maxBelowTargetPercent,
  }));

const placesArb = fc
  .array(
    fc.record({
      currentPence: fc.integer({ min: 100_000_000, max: 200_000_000_000 }),
      weight: fc.double({ min: 0.01, max: 1, noNaN: true }),
    }),
    { minLength: 1, maxLength: 8 },
  )
  .map((places) => {
    const sum = places.reduce((s, p) => s + p.weight, 0);
    return places.map((p, i) => ({ id: `p${i}`, currentPence: p.currentPence, targetShare: p.weight / sum }));
  });

describe('the pace of change', () => {
  it('moves a worked example towards target', () => {
    const years = simulate({
      places: [
        { id: 'over', currentPence: 60_000, targetShare: 0.5 },
        { id: 'under', currentPence: 40_000, targetShare: 0.5 },
      ],
      policy: {
        years: 2,
        upliftPercent: 10,
        floorUpliftPercent: 2,
        ceilingUpliftPercent: 20,
        maxBelowTargetPercent: 0,
      },
    });
    if (!years.ok) throw new Error(JSON.stringify(years.error));
    // Year 1: the total 110,000; targets 55,000 each. Under rises to its ceiling, +20% = 48,000; what is left goes to
    // over (62,000, +3.3%): the ceiling holds while any place is below its own.
    const [, first, second] = years.value;
    expect(first?.totalPence).toBe(110_000);
    expect(first?.places.map((p) => p.allocationPence)).toEqual([62_000, 48_000]);
    expect(first?.places[1]?.targetPence).toBe(55_000);
    expect(second?.totalPence).toBe(121_000);
    // Year 2: total 121,000, targets 60,500; under +20% again = 57,600; over 63,400.
    expect(second?.places.map((p) => p.allocationPence)).toEqual([63_400, 57_600]);
  });

  it('checks its parameters, naming each problem', () => {
    const bad = checkPolicy({
      years: 0,
      upliftPercent: 3,
      floorUpliftPercent: 4,
      ceilingUpliftPercent: 2,
      maxBelowTargetPercent: Number.NaN,
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.map((i) => i.path)).toEqual([
        'years',
        'maxBelowTargetPercent',
        'floorUpliftPercent',
        'ceilingUpliftPercent',
      ]);
      expect(bad.error[2]?.message).toBe('floorUpliftPercent is 4; it must be a number from 0 to 3');
    }
    expect(checkPolicy(DEFAULT_POLICY).ok).toBe(true);
    expect(simulate({ places: [], policy: DEFAULT_POLICY }).ok).toBe(false);
    expect(
      simulate({ places: [{ id: 'a', currentPence: 0, targetShare: 1 }], policy: DEFAULT_POLICY }).ok,
    ).toBe(false);
  });

  it('adds up every year to the penny, keeps the floor, and never leaves a place under target further behind', () => {
    fc.assert(
      fc.property(placesArb, policyArb, (places, policy) => {
        const result = simulate({ places, policy });
        if (!result.ok) throw new Error(JSON.stringify(result.error));
        const years = result.value;
        expect(years).toHaveLength(policy.years + 1);
        for (let y = 1; y < years.length; y++) {
          const before = years[y - 1]!;
          const year = years[y]!;
          expect(year.places.reduce((s, p) => s + p.allocationPence, 0)).toBe(year.totalPence);
          expect(year.places.reduce((s, p) => s + p.targetPence, 0)).toBe(year.totalPence);
          year.places.forEach((p, i) => {
            const was = before.places[i]!;
            expect(Number.isSafeInteger(p.allocationPence)).toBe(true);
            expect(p.allocationPence).toBeGreaterThanOrEqual(
              Math.floor(was.allocationPence * (1 + policy.floorUpliftPercent / 100)) - 1,
            );
            if (was.distance !== null && was.distance < 0 && p.distance !== null) {
              expect(p.distance).toBeGreaterThanOrEqual(was.distance - 1e-7);
            }
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('brings a place far below target to the line first, as far as the money allows', () => {
    const policy = {
      years: 1,
      upliftPercent: 5,
      floorUpliftPercent: 1,
      ceilingUpliftPercent: 30,
      maxBelowTargetPercent: 10,
    };
    const places = [
      { id: 'far', currentPence: 700_000, targetShare: 0.3 },
      { id: 'near', currentPence: 950_000, targetShare: 0.35 },
      { id: 'over', currentPence: 1_350_000, targetShare: 0.35 },
    ];
    const result = simulate({ places, policy });
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const year = result.value[1]!;
    // Total 3,150,000; targets 945,000, 1,102,500, 1,102,500. Holding position (+5%): far 735,000, near 997,500;
    // over's floor (+1%) 1,363,500; 54,000 left. Far's line (90% of target) is 850,500, 115,500 away: more than is
    // left, so all 54,000 go to far (789,000). Near is within 10% already; over gets only its floor.
    expect(year.places.map((p) => p.allocationPence)).toEqual([789_000, 997_500, 1_363_500]);
    expect(year.places[0]!.distance!).toBeGreaterThan(result.value[0]!.places[0]!.distance!);
  });

  it('adds up to the penny on small amounts too, where rounding matters most', () => {
    const small = fc
      .array(
        fc.record({
          currentPence: fc.integer({ min: 0, max: 1000 }),
          weight: fc.integer({ min: 0, max: 5 }),
        }),
        {
          minLength: 1,
          maxLength: 6,
        },
      )
      .filter((ps) => ps.some((p) => p.currentPence > 0) && ps.some((p) => p.weight > 0));
    fc.assert(
      fc.property(small, policyArb, (ps, policy) => {
        const result = simulate({
          places: ps.map((p, i) => ({ id: `p${i}`, currentPence: p.currentPence, targetShare: p.weight })),
          policy,
        });
        if (!result.ok) throw new Error(JSON.stringify(result.error));
        for (const year of result.value) {
          expect(year.places.reduce((s, p) => s + p.allocationPence, 0)).toBe(year.totalPence);
          for (const p of year.places) expect(p.allocationPence).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same years for the same inputs', () => {
    fc.assert(
      fc.property(placesArb, policyArb, (places, policy) => {
        expect(simulate({ places, policy })).toEqual(
          simulate({ places: places.map((p) => ({ ...p })), policy: { ...policy } }),
        );
      }),
      { numRuns: 100 },
    );
  });
});
