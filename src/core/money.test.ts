import { describe, expect, it } from 'vitest';
import { formatPence, parsePounds, penceAsPoundsText, poundsToPence } from './money.js';

describe('money in pence', () => {
  it.each([
    [500000, 50_000_000],
    [0.29, 29],
    [1250.5, 125_050],
    [0, 0],
  ])('poundsToPence(%s) is %s exactly', (pounds, pence) => {
    expect(poundsToPence(pounds)).toBe(pence);
  });

  it.each([1250.505, -1, Number.NaN, 2 ** 60])(
    'poundsToPence(%s) refuses what is not whole pence',
    (pounds) => {
      expect(poundsToPence(pounds)).toBeUndefined();
    },
  );

  it.each([
    ['250000', 25_000_000],
    ['250,000', 25_000_000],
    ['£1,250.50', 125_050],
    [' £ 12.5 ', 1250],
    ['0.07', 7],
  ])('parsePounds(%j) is %s pence', (text, pence) => {
    expect(parsePounds(text)).toEqual({ ok: true, value: pence });
  });

  it.each(['', 'ten pounds', '12.345', '1,25', '-5', '1e6', '12,5000'])(
    'parsePounds(%j) says how to write it',
    (text) => {
      const parsed = parsePounds(text);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error).toMatch(/Enter an amount in pounds/);
    },
  );

  it('formats for people and for forms', () => {
    expect(formatPence(50_000_000)).toBe('£500,000');
    expect(formatPence(125_050)).toBe('£1,250.50');
    expect(penceAsPoundsText(125_005)).toBe('1250.05');
    expect(penceAsPoundsText(50_000_000)).toBe('500000');
  });
});
