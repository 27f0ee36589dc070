import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { indirectlyStandardisedRatio } from './isr.js';

describe('indirectlyStandardisedRatio', () => {
  // Hand computation: two bands of 1,000 and 2,000 people with 3 and 12 events; the reference population has 50
  // and 300 events per 100,000 in them. Expected = 1000 × 0.0005 + 2000 × 0.003 = 6.5; observed = 15;
  // ISR = 15 / 6.5 = 2.307692. Byar's limits of 15 at 95% (8.389264, 24.741631) / 6.5 = 1.290656 to 3.806405.
  it('gives 2.3077 (1.2907 to 3.8064) for the hand-computed example', () => {
    const isr = indirectlyStandardisedRatio([
      { events: 3, population: 1000, referenceEvents: 50, referencePopulation: 100_000 },
      { events: 12, population: 2000, referenceEvents: 300, referencePopulation: 100_000 },
    ]);
    expect(isr.ok).toBe(true);
    if (!isr.ok) return;
    expect(isr.value.expected).toBeCloseTo(6.5, 12);
    expect(isr.value.value).toBeCloseTo(2.307692, 6);
    expect(isr.value.lower).toBeCloseTo(1.290656, 6);
    expect(isr.value.upper).toBeCloseTo(3.806405, 6);
  });

  it('multiplies by 100 for an SMR as published', () => {
    const smr = indirectlyStandardisedRatio(
      [{ events: 20, population: 1000, referenceEvents: 2, referencePopulation: 100 }],
      { multiplier: 100 },
    );
    expect(smr.ok && smr.value.value).toBeCloseTo(100, 10);
  });

  it('refuses bands where nothing is expected', () => {
    expect(
      indirectlyStandardisedRatio([
        { events: 2, population: 10, referenceEvents: 0, referencePopulation: 10 },
      ]).ok,
    ).toBe(false);
  });

  it('is 1 when the population has exactly the reference rates, within its limits', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 20 }), (events) => {
        const isr = indirectlyStandardisedRatio(
          events.map((e) => ({
            events: e,
            population: 10_000,
            referenceEvents: e * 10,
            referencePopulation: 100_000,
          })),
        );
        if (!isr.ok) throw new Error(isr.error);
        expect(isr.value.value).toBeCloseTo(1, 10);
        expect(isr.value.lower).toBeLessThan(1);
        expect(isr.value.upper).toBeGreaterThan(1);
      }),
    );
  });
});
