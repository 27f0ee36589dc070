import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { directlyStandardisedRate } from './dsr.js';
import { ESP2013 } from './standard-population.js';

describe('directlyStandardisedRate', () => {
  // Hand computation (no published worked example with its inputs was found; PHE/OHID's "Technical Guide:
  // Directly standardised rates" gives the formulas used here):
  //   band  events  population  standard   rate
  //   1        5      10,000      5,000    0.0005
  //   2       20       8,000      3,000    0.0025
  //   3       40       4,000      2,000    0.01
  //   DSR = 100,000 × (5000×0.0005 + 3000×0.0025 + 2000×0.01) / 10,000 = 100,000 × 30 / 10,000 / 10,000 = 300
  //   var = 100,000² × (5000²×5/10⁸ + 3000²×20/(6.4×10⁷) + 2000²×40/(1.6×10⁷)) / 10,000²
  //       = 10¹⁰ × (1.25 + 2.8125 + 10) / 10⁸ = 1406.25
  //   O = 65; Byar's limits of 65 at 95%: 50.163188, 82.849139; √(var/O) = √(1406.25/65) = 4.651303
  //   lower = 300 + 4.651303 × (50.163188 − 65) = 230.989497
  //   upper = 300 + 4.651303 × (82.849139 − 65) = 383.021744
  const bands = [
    { events: 5, population: 10_000, standard: 5000 },
    { events: 20, population: 8000, standard: 3000 },
    { events: 40, population: 4000, standard: 2000 },
  ];

  it('gives 300 (230.99 to 383.02) per 100,000 for the hand-computed example', () => {
    const dsr = directlyStandardisedRate(bands);
    expect(dsr.ok).toBe(true);
    if (!dsr.ok) return;
    expect(dsr.value.value).toBeCloseTo(300, 10);
    expect(dsr.value.lower).toBeCloseTo(230.989497, 5);
    expect(dsr.value.upper).toBeCloseTo(383.021744, 5);
    expect(dsr.value.events).toBe(65);
    expect(dsr.value.publishable).toBe(true);
  });

  it('is not publishable below 10 events, and has no limits with none', () => {
    const few = directlyStandardisedRate(
      ESP2013.map((_, i) => ({ events: i < 9 ? 1 : 0, population: 1000 })),
    );
    expect(few.ok && few.value.publishable).toBe(false);
    const none = directlyStandardisedRate(ESP2013.map(() => ({ events: 0, population: 1000 })));
    expect(none.ok).toBe(true);
    if (!none.ok) return;
    expect(none.value.value).toBe(0);
    expect(none.value.lower).toBeUndefined();
    expect(none.value.publishable).toBe(false);
  });

  it('refuses a wrong number of ESP2013 bands, negative events and empty populations', () => {
    expect(directlyStandardisedRate([{ events: 1, population: 10 }]).ok).toBe(false);
    expect(directlyStandardisedRate(ESP2013.map(() => ({ events: -3, population: 10 })))).toEqual({
      ok: false,
      error: 'events in band 1 is negative (-3); counts must be whole numbers ≥ 0',
    });
    expect(directlyStandardisedRate(ESP2013.map(() => ({ events: 3, population: 0 }))).ok).toBe(false);
  });

  const esp = fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 19, maxLength: 19 });

  it('equals the crude rate for a population shaped like the standard', () => {
    fc.assert(
      fc.property(esp, fc.integer({ min: 1, max: 50 }), (events, scale) => {
        const population = ESP2013.map((w) => w * scale);
        const dsr = directlyStandardisedRate(
          events.map((e, i) => ({ events: e, population: population[i] ?? 1 })),
        );
        if (!dsr.ok) throw new Error(dsr.error);
        const crude = (events.reduce((s, e) => s + e, 0) / (100_000 * scale)) * 100_000;
        expect(dsr.value.value).toBeCloseTo(crude, 8);
      }),
    );
  });

  it('holds the rate within its limits, which widen with the level', () => {
    fc.assert(
      fc.property(
        esp,
        fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 19, maxLength: 19 }),
        (e, n) => {
          const input = e.map((events, i) => ({ events, population: n[i] ?? 1 }));
          const at95 = directlyStandardisedRate(input, { level: 95 });
          const at998 = directlyStandardisedRate(input, { level: 99.8 });
          if (!at95.ok || !at998.ok) throw new Error('refused valid bands');
          if (at95.value.lower === undefined || at95.value.upper === undefined) return;
          expect(at95.value.lower).toBeLessThanOrEqual(at95.value.value);
          expect(at95.value.upper).toBeGreaterThanOrEqual(at95.value.value);
          expect(at998.value.lower ?? 0).toBeLessThanOrEqual(at95.value.lower + 1e-9);
          expect(at998.value.upper ?? 0).toBeGreaterThanOrEqual(at95.value.upper - 1e-9);
        },
      ),
    );
  });
});
