import { describe, expect, it } from 'vitest';
import {
  isSyntheticRangeNhsNumber,
  isTestRangeNhsNumber,
  isValidNhsNumber,
  TEST_RANGE_CAPACITY,
} from '../identity/nhs-number.js';
import { NhsNumberPool } from './nhs-number-pool.js';

describe('NHS number pool', () => {
  it('holds every valid number of the test range once, in an order set by the seed', () => {
    const pool = new NhsNumberPool(7, 'test');
    const seen = new Set<string>();
    for (let position = 0; position < TEST_RANGE_CAPACITY; position++) {
      const number = pool.at(position);
      if (position % 1000 === 0) {
        expect(isValidNhsNumber(number)).toBe(true);
        expect(isTestRangeNhsNumber(number)).toBe(true);
      }
      seen.add(number);
    }
    expect(seen.size).toBe(TEST_RANGE_CAPACITY);
    expect(() => pool.at(TEST_RANGE_CAPACITY)).toThrow(/beyond the range/);
    expect(new NhsNumberPool(7, 'test').at(12_345)).toBe(pool.at(12_345));
    expect(new NhsNumberPool(8, 'test').at(12_345)).not.toBe(pool.at(12_345));
    expect(String(pool.valueAt(12_345))).toBe(pool.at(12_345));
  });

  it('gives the same number at a position whatever was asked before it', () => {
    const inOrder = new NhsNumberPool(3, 'test');
    const expected = [0, 1, 500, 40_000, 200_000].map((position) => inOrder.at(position));
    const backwards = new NhsNumberPool(3, 'test');
    expect([200_000, 40_000, 500, 1, 0].map((position) => backwards.at(position)).reverse()).toEqual(
      expected,
    );
    expect(new NhsNumberPool(3, 'test').at(40_000)).toBe(expected[3]);
  });

  it('checks the first numbers of the wider range one by one', () => {
    const pool = new NhsNumberPool(1, 'synthetic');
    for (let position = 0; position < 20_000; position++) {
      const number = pool.at(position);
      expect(isValidNhsNumber(number) && isSyntheticRangeNhsNumber(number)).toBe(true);
    }
  });
});
