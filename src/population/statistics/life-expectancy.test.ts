import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lifeExpectancy } from './life-expectancy.js';

// The worked example of PHEindicatormethods' tests (tests/testthat/testLifeExpectancy.R, data frame df1 and its
// expected answer1), itself checked against PHE's life expectancy calculator: deaths and population in the 20
// bands <1, 1-4, …, 85-89, 90+, and the published life expectancy with its 95% limits at the start of each band.
// PHE's calculator takes z = 1.96 for 95% where this library takes 1.959964, so limits agree to about 1e-5: the
// published test compares them at 4 decimal places, as does this one.
const POPULATION = [
  7060, 35059, 46974, 48489, 43219, 38561, 46009, 57208, 61435, 55601, 50209, 56416, 46411, 39820, 37978,
  37039, 33288, 23306, 11936, 11936,
];
const DEATHS = [17, 9, 4, 8, 20, 15, 24, 33, 50, 71, 100, 163, 263, 304, 536, 872, 1390, 1605, 1936, 1937];
const PUBLISHED: readonly (readonly [number, number, number])[] = [
  [80.16960813, 79.88268548, 80.45653078],
  [79.36245674, 79.0898816, 79.63503188],
  [75.44193645, 75.17407307, 75.70979983],
  [70.47299936, 70.20675732, 70.7392414],
  [65.52909542, 65.26548673, 65.79270412],
  [60.67510088, 60.41876577, 60.931436],
  [55.78835987, 55.53801579, 56.03870395],
  [50.92752727, 50.68279939, 51.17225516],
  [46.06740425, 45.82666794, 46.30814055],
  [41.24505636, 41.00842831, 41.48168441],
  [36.49322717, 36.26223216, 36.72422219],
  [31.83343842, 31.60996318, 32.05691365],
  [27.26027992, 27.04337271, 27.47718713],
  [22.9719144, 22.76653134, 23.17729746],
  [18.76856852, 18.57570352, 18.96143352],
  [14.95858336, 14.77985004, 15.13731667],
  [11.51684445, 11.34831778, 11.68537112],
  [8.618849241, 8.451134045, 8.786564437],
  [6.163942934, 5.978358351, 6.349527517],
  [6.16210635, 5.887683386, 6.436529314],
];
const bands = POPULATION.map((population, i) => ({ population, deaths: DEATHS[i] ?? 0 }));

describe('lifeExpectancy', () => {
  it('matches the published worked example in every band (PHEindicatormethods, PHE calculator)', () => {
    const le = lifeExpectancy(bands);
    expect(le.ok).toBe(true);
    if (!le.ok) return;
    expect(le.value.rows.map((row) => row.band)).toEqual([
      '<1',
      '1-4',
      '5-9',
      '10-14',
      '15-19',
      '20-24',
      '25-29',
      '30-34',
      '35-39',
      '40-44',
      '45-49',
      '50-54',
      '55-59',
      '60-64',
      '65-69',
      '70-74',
      '75-79',
      '80-84',
      '85-89',
      '90+',
    ]);
    le.value.rows.forEach((row, i) => {
      const [value, lower, upper] = PUBLISHED[i] ?? [0, 0, 0];
      expect(row.value).toBeCloseTo(value, 6);
      expect(row.lower).toBeCloseTo(lower, 4);
      expect(row.upper).toBeCloseTo(upper, 4);
    });
    expect(le.value.publishable).toBe(true);
  });

  it('in the open band is 1/M, with standard error 1/(M√D)', () => {
    const le = lifeExpectancy(bands);
    if (!le.ok) throw new Error(le.error);
    const last = le.value.rows[19];
    const m = 1937 / 11936;
    expect(last?.value).toBeCloseTo(1 / m, 10);
    expect(last?.standardError).toBeCloseTo(1 / (m * Math.sqrt(1937)), 10);
  });

  it('refuses missing bands, deaths above population and a last band without deaths', () => {
    expect(lifeExpectancy(bands.slice(1)).ok).toBe(false);
    expect(lifeExpectancy(bands.map((b, i) => (i === 3 ? { deaths: 10, population: 5 } : b)))).toEqual({
      ok: false,
      error: 'band 10-14 has more deaths (10) than population (5)',
    });
    expect(lifeExpectancy(bands.map((b, i) => (i === 19 ? { deaths: 0, population: 100 } : b))).ok).toBe(
      false,
    );
  });

  it('flags a small population as not publishable and a band without deaths', () => {
    const small = lifeExpectancy(bands.map((_, i) => ({ deaths: i === 2 ? 0 : 1, population: 200 })));
    expect(small.ok).toBe(true);
    if (!small.ok) return;
    expect(small.value.publishable).toBe(false);
    expect(small.value.warnings).toContain('band 5-9 has no deaths');
  });

  it('holds each value within its limits, which widen with the level; doubling every rate shortens life', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.0005, max: 0.2, noNaN: true }), { minLength: 20, maxLength: 20 }),
        (rates) => {
          const input = rates.map((m) => ({
            deaths: Math.max(1, Math.round(m * 10_000)),
            population: 10_000,
          }));
          const at95 = lifeExpectancy(input, { level: 95 });
          const at998 = lifeExpectancy(input, { level: 99.8 });
          const doubled = lifeExpectancy(
            input.map((b) => ({ ...b, deaths: Math.min(b.deaths * 2, b.population) })),
          );
          if (!at95.ok || !at998.ok || !doubled.ok) throw new Error('refused valid bands');
          at95.value.rows.forEach((row, i) => {
            expect(row.lower).toBeLessThanOrEqual(row.value);
            expect(row.upper).toBeGreaterThanOrEqual(row.value);
            expect(at998.value.rows[i]?.lower ?? 0).toBeLessThanOrEqual(row.lower);
          });
          expect(doubled.value.rows[0]?.value ?? 0).toBeLessThan(at95.value.rows[0]?.value ?? 0);
        },
      ),
    );
  });
});
