import { describe, expect, it } from 'vitest';
import {
  checkDigit,
  formatNhsNumber,
  isSyntheticRangeNhsNumber,
  isTestRangeNhsNumber,
  isValidNhsNumber,
  checkDigitOfStem,
  nhsNumberOfStem,
  nhsNumberProblem,
  SYNTHETIC_RANGE_CAPACITY,
  TEST_RANGE_CAPACITY,
  testRangeNhsNumber,
} from './nhs-number.js';

describe('NHS number', () => {
  it('accepts the NHS Data Dictionary example 943 476 5919, typed with or without spaces or hyphens', () => {
    expect(isValidNhsNumber('9434765919')).toBe(true);
    expect(isValidNhsNumber('943 476 5919')).toBe(true);
    expect(isValidNhsNumber('943-476-5919')).toBe(true);
  });

  it('computes the check digit by modulus 11 with weights 10…2 (worked by hand)', () => {
    // 9×10 + 4×9 + 3×8 + 4×7 + 7×6 + 6×5 + 5×4 + 9×3 + 1×2 = 299; 299 mod 11 = 2; 11 − 2 = 9.
    expect(checkDigit('943476591')).toBe(9);
    // 999000001: 9×10 + 9×9 + 9×8 + 1×2 = 245; 245 mod 11 = 3; 11 − 3 = 8.
    expect(checkDigit('999000001')).toBe(8);
    // A remainder of 0 gives 11, which is written 0.
    expect(checkDigit('000000000')).toBe(0);
  });

  it('gives the same check digit from a numeric stem as from its digits, leading zeros included', () => {
    for (const stem of [943_476_591, 999_000_001, 999_000_000, 0, 12_345, 990_000_017, 999_999_999]) {
      expect(checkDigitOfStem(stem)).toBe(checkDigit(String(stem).padStart(9, '0')));
    }
    for (let stem = 990_000_000; stem < 990_002_000; stem++) {
      expect(checkDigitOfStem(stem)).toBe(checkDigit(String(stem)));
    }
    expect(() => checkDigitOfStem(1_000_000_000)).toThrow();
  });

  it('says what is wrong with an invalid one', () => {
    expect(nhsNumberProblem('9434765918')).toBe('check-digit-mismatch');
    expect(nhsNumberProblem('943476591')).toBe('not-ten-digits');
    expect(nhsNumberProblem('94347659190')).toBe('not-ten-digits');
    expect(nhsNumberProblem('94347659a9')).toBe('not-ten-digits');
    // 999000000: 9×10 + 9×9 + 9×8 = 243; 243 mod 11 = 1; 11 − 1 = 10: no digit can make it valid.
    expect(checkDigit('999000000')).toBeUndefined();
    expect(nhsNumberProblem('9990000000')).toBe('no-valid-check-digit');
  });

  it('formats 3-3-4', () => {
    expect(formatNhsNumber('9434765919')).toBe('943 476 5919');
    expect(() => formatNhsNumber('123')).toThrow();
  });

  it('draws synthetic numbers only from the test range, each valid, and knows how many there are', () => {
    expect(testRangeNhsNumber(0)).toBeUndefined();
    expect(testRangeNhsNumber(1)).toBe('9990000018');
    let count = 0;
    for (let stem = 0; stem <= 999_999; stem++) {
      const number = testRangeNhsNumber(stem);
      if (number === undefined) continue;
      count++;
      if (stem % 9973 === 0) {
        expect(isValidNhsNumber(number)).toBe(true);
        expect(isTestRangeNhsNumber(number)).toBe(true);
      }
    }
    expect(count).toBe(TEST_RANGE_CAPACITY);
    expect(isTestRangeNhsNumber('9434765919')).toBe(false);
  });
});

describe('the synthetic range', () => {
  it('holds 9,090,909 valid numbers, all beginning 99, the test range among them', () => {
    let valid = 0;
    for (let stem = 990_000_000; stem <= 999_999_999; stem += 1) {
      if (nhsNumberOfStem(stem) !== undefined) valid++;
    }
    expect(valid).toBe(SYNTHETIC_RANGE_CAPACITY);
    expect(isSyntheticRangeNhsNumber(nhsNumberOfStem(990_000_001) ?? '')).toBe(true);
    expect(nhsNumberOfStem(999_000_001)).toBe(testRangeNhsNumber(1));
    expect(isSyntheticRangeNhsNumber('9434765919')).toBe(false);
  });
});
