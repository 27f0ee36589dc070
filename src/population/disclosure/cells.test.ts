import { describe, expect, it } from 'vitest';
import {
  formatForCsv,
  formatForDisplay,
  formatLimitsForCsv,
  SUPPRESSED_SYMBOL,
  type PublishedCount,
  type PublishedRate,
} from './cells.js';
import { protectRate } from './rates.js';
import { protectCount } from './table.js';

function published(count: number): PublishedCount {
  const result = protectCount(count);
  if (!result.ok) throw new Error('refused');
  return result.value;
}

function rate(events: number): PublishedRate {
  const result = protectRate({ value: 1234.56, lower: 1100.04, upper: 1390.5, events });
  if (!result.ok) throw new Error('refused');
  return result.value.estimate;
}

describe('published cells', () => {
  it('shows a withheld figure as [c] (the GSS and ONS convention) in pages and CSV alike', () => {
    expect(SUPPRESSED_SYMBOL).toBe('[c]');
    expect(formatForDisplay(published(3))).toBe('[c]');
    expect(formatForCsv(published(3))).toBe('[c]');
    expect(formatForDisplay(rate(9))).toBe('[c]');
    expect(formatLimitsForCsv(rate(9))).toEqual(['[c]', '[c]']);
  });

  it('shows counts with thousands separators on pages and as plain digits in CSV', () => {
    expect(formatForDisplay(published(12_344))).toBe('12,345');
    expect(formatForCsv(published(12_344))).toBe('12345');
    expect(formatForDisplay(published(0))).toBe('0');
  });

  it('shows a rate with its limits on pages, and its value and limits in separate CSV fields', () => {
    expect(formatForDisplay(rate(10))).toBe('1,234.6 (1,100.0 to 1,390.5)');
    expect(formatForDisplay(rate(10), { decimals: 0 })).toBe('1,235 (1,100 to 1,391)');
    expect(formatForCsv(rate(10), { decimals: 2 })).toBe('1234.56');
    expect(formatLimitsForCsv(rate(10))).toEqual(['1100.0', '1390.5']);
  });

  it('holds nothing but the kind and reason of a withheld figure, and cannot be changed', () => {
    const cell = published(5);
    expect(JSON.stringify(cell)).toBe('{"kind":"suppressed","reason":"small-count"}');
    expect(Object.isFrozen(cell)).toBe(true);
    expect(Object.isFrozen(published(50))).toBe(true);
  });
});
