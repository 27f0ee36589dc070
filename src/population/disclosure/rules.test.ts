import { describe, expect, it } from 'vitest';
import { checkPolicy, DEFAULT_POLICY, isSmall, roundCount } from './rules.js';

describe('the disclosure policy', () => {
  it('defaults to OpenSAFELY’s and NHS Digital’s rules: 1–7 withheld, round to 5, rates from 10', () => {
    expect(DEFAULT_POLICY).toEqual({
      suppressAtOrBelow: 7,
      roundTo: 5,
      minEventsForRate: 10,
      suppressZero: false,
    });
    expect(checkPolicy(DEFAULT_POLICY).ok).toBe(true);
  });

  it('withholds 1 to 7 but not 0 or 8, unless the policy withholds zeros', () => {
    expect([0, 1, 7, 8].map((n) => isSmall(n, DEFAULT_POLICY))).toEqual([false, true, true, false]);
    expect(isSmall(0, { ...DEFAULT_POLICY, suppressZero: true })).toBe(true);
  });

  it('rounds to the nearest 5 (whole counts have no ties); a tie of an even base rounds up', () => {
    expect([8, 9, 10, 12, 13, 17, 18, 1234].map((n) => roundCount(n, DEFAULT_POLICY))).toEqual([
      10, 10, 10, 10, 15, 15, 20, 1235,
    ]);
    expect(roundCount(15, { ...DEFAULT_POLICY, roundTo: 10 })).toBe(20);
    expect(roundCount(37, { ...DEFAULT_POLICY, roundTo: 1 })).toBe(37);
  });

  it('names every part of a policy that makes no sense', () => {
    const result = checkPolicy({
      suppressAtOrBelow: -1,
      roundTo: 2.5,
      minEventsForRate: 0,
      suppressZero: false,
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.map((issue) => issue.path)).toEqual([
        'suppressAtOrBelow',
        'roundTo',
        'minEventsForRate',
      ]);
    }
  });
});
