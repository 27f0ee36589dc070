/**
 * Logistic regression on grouped data, checked against two worked examples: Bliss's beetle mortality data (1935)
 * as fitted in Dobson & Barnett, "An Introduction to Generalized Linear Models" (3rd ed., 2008, section 7.3.1:
 * b1 = −60.72 (SE 5.18), b2 = 34.27 (SE 2.91)), and a 2 × 2 table, whose maximum likelihood estimate is known in
 * closed form (the log odds ratio, with Woolf's standard error).
 */
import { describe, expect, it } from 'vitest';
import { areaUnderCurve, calibrationGroups } from './discrimination.js';
import { fitLogistic, predict } from './logistic.js';

const beetles = [
  [1.6907, 59, 6],
  [1.7242, 60, 13],
  [1.7552, 62, 18],
  [1.7842, 56, 28],
  [1.8113, 63, 52],
  [1.8369, 59, 53],
  [1.861, 62, 61],
  [1.8839, 60, 60],
].map(([dose, n, y]) => ({ x: [1, dose as number], n: n as number, y: y as number }));

describe('fitLogistic', () => {
  it('reproduces the beetle mortality fit of Dobson & Barnett', () => {
    const fit = fitLogistic(beetles);
    expect(fit.ok).toBe(true);
    if (!fit.ok) return;
    expect(fit.value.coefficients[0]).toBeCloseTo(-60.72, 1);
    expect(fit.value.coefficients[1]).toBeCloseTo(34.27, 1);
    expect(fit.value.standardErrors[0]).toBeCloseTo(5.18, 1);
    expect(fit.value.standardErrors[1]).toBeCloseTo(2.91, 1);
  });

  it('gives the log odds ratio and Woolf’s standard error for a 2 × 2 table', () => {
    // Exposed: 30 of 100 had the outcome; unexposed: 10 of 100. OR = (30 × 90) / (70 × 10) = 27/7.
    const fit = fitLogistic([
      { x: [1, 1], n: 100, y: 30 },
      { x: [1, 0], n: 100, y: 10 },
    ]);
    expect(fit.ok).toBe(true);
    if (!fit.ok) return;
    expect(fit.value.coefficients[1]).toBeCloseTo(Math.log(27 / 7), 10);
    expect(fit.value.coefficients[0]).toBeCloseTo(Math.log(10 / 90), 10);
    expect(fit.value.standardErrors[1]).toBeCloseTo(Math.sqrt(1 / 30 + 1 / 70 + 1 / 10 + 1 / 90), 10);
    expect(predict(fit.value, [1, 1])).toBeCloseTo(0.3, 10);
  });

  it('names bad input and a singular design', () => {
    expect(fitLogistic([])).toEqual({ ok: false, error: 'there are no rows to fit' });
    expect(fitLogistic([{ x: [1], n: 3, y: 4 }])).toEqual({
      ok: false,
      error: 'row 1: the outcome count must be a whole number from 0 to the persons',
    });
    const collinear = fitLogistic([
      { x: [1, 1, 1], n: 50, y: 10 },
      { x: [1, 0, 0], n: 50, y: 20 },
    ]);
    expect(collinear.ok).toBe(false);
    if (!collinear.ok) expect(collinear.error).toContain('singular');
  });
});

describe('areaUnderCurve', () => {
  it('counts ties as half (a hand-worked example)', () => {
    // Scores 0.1: 1 event, 3 without; 0.5: 2 events, 2 without; 0.9: 3 events, 1 without.
    // Pairs: 6 events × 6 non-events = 36. Concordant: the 0.5 events beat 3 (×2 = 6), the 0.9 events beat 5
    // (×3 = 15); ties: 0.1 (1 × 3 / 2 = 1.5), 0.5 (2 × 2 / 2 = 2), 0.9 (3 × 1 / 2 = 1.5). (6 + 15 + 5) / 36.
    const auc = areaUnderCurve([
      { score: 0.1, persons: 4, events: 1 },
      { score: 0.5, persons: 4, events: 2 },
      { score: 0.9, persons: 4, events: 3 },
    ]);
    expect(auc).toBeCloseTo(26 / 36, 12);
    expect(areaUnderCurve([{ score: 0.3, persons: 10, events: 4 }])).toBe(0.5);
    expect(areaUnderCurve([{ score: 0.3, persons: 10, events: 0 }])).toBeUndefined();
  });
});

describe('calibrationGroups', () => {
  it('keeps persons of one score together and sums predicted risks', () => {
    const groups = calibrationGroups(
      [
        { score: 0.2, persons: 50, events: 12 },
        { score: 0.1, persons: 50, events: 4 },
      ],
      2,
    );
    expect(groups).toEqual([
      { group: 1, persons: 50, predicted: 5, observed: 4, minScore: 0.1, maxScore: 0.1 },
      { group: 2, persons: 50, predicted: 10, observed: 12, minScore: 0.2, maxScore: 0.2 },
    ]);
  });
});
