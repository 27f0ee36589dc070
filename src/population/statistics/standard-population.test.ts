import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ESP2013,
  ESP2013_BANDS,
  esp2013BandIndex,
  LIFE_TABLE_BANDS,
  lifeTableBandIndex,
} from './standard-population.js';

describe('the 2013 European Standard Population', () => {
  it('has 19 bands summing to 100,000 (Eurostat 2013)', () => {
    expect(ESP2013).toHaveLength(19);
    expect(ESP2013_BANDS).toHaveLength(19);
    expect(ESP2013.reduce((s, w) => s + w, 0)).toBe(100_000);
  });

  it('maps ages to bands: 0 and 4 → 0-4, 5 → 5-9, 89 → 85-89, 90 and 107 → 90+', () => {
    expect([0, 4, 5, 89, 90, 107].map((age) => ESP2013_BANDS[esp2013BandIndex(age) ?? -1])).toEqual([
      '0-4',
      '0-4',
      '5-9',
      '85-89',
      '90+',
      '90+',
    ]);
    expect(esp2013BandIndex(-1)).toBeUndefined();
    expect(esp2013BandIndex(2.5)).toBeUndefined();
  });

  it('maps ages to life-table bands: 0 → <1, 1 and 4 → 1-4, 5 → 5-9, 95 → 90+', () => {
    expect([0, 1, 4, 5, 95].map((age) => LIFE_TABLE_BANDS[lifeTableBandIndex(age) ?? -1])).toEqual([
      '<1',
      '1-4',
      '1-4',
      '5-9',
      '90+',
    ]);
  });

  // The shared reference copy of ESP2013 (with <1/1-4 and 90-94/95+ split) must add up to the same 19 bands.
  const shared = '/work/shared/data/standard-population/esp2013_with_infant_and_95plus.csv';
  it.skipIf(!existsSync(shared))('agrees with the shared reference file (skipped where it is absent)', () => {
    const rows = readFileSync(shared, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','));
    const totals = new Array<number>(19).fill(0);
    for (const [, lower, , weight] of rows) {
      const index = esp2013BandIndex(Number(lower)) ?? -1;
      totals[index] = (totals[index] ?? 0) + Number(weight);
    }
    expect(totals).toEqual(ESP2013);
  });
});
