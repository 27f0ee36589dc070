import { describe, expect, it } from 'vitest';
import { normaliseName, normalisePostcode, outwardCode, parseDate } from './normalise.js';

describe('name normalisation', () => {
  it.each([
    ["O'Brien", 'OBRIEN'],
    ['o brien', 'OBRIEN'],
    ['Smith-Jones', 'SMITHJONES'],
    ['  zoë ', 'ZOE'],
    ['Łukasz', 'LUKASZ'],
    ['Müller', 'MULLER'],
    ['Øyvind', 'OYVIND'],
    ['Strauß', 'STRAUSS'],
  ])('%s → %s', (raw, expected) => {
    expect(normaliseName(raw)).toBe(expected);
  });

  it('treats a name with no letters as missing', () => {
    expect(normaliseName(' - ')).toBeUndefined();
    expect(normaliseName(undefined)).toBeUndefined();
  });
});

describe('postcodes', () => {
  it('compacts and finds the outward code of UK postcodes only', () => {
    expect(normalisePostcode('ls1 4ap')).toBe('LS14AP');
    expect(outwardCode('LS14AP')).toBe('LS1');
    expect(outwardCode('BD100AA')).toBe('BD10');
    expect(outwardCode('EC1A1BB')).toBe('EC1A');
    expect(outwardCode('4223')).toBeUndefined();
  });
});

describe('dates', () => {
  it('parses ISO and compact dates and refuses impossible ones', () => {
    expect(parseDate('1970-02-28')).toEqual({ year: 1970, month: 2, day: 28 });
    expect(parseDate('19151111')).toEqual({ year: 1915, month: 11, day: 11 });
    expect(parseDate('1970-02-31')).toBeUndefined();
    expect(parseDate('1970-13-01')).toBeUndefined();
    expect(parseDate('')).toBeUndefined();
  });
});
