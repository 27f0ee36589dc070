/**
 * The carers' register on a store of a few hand-made people, each placed to test one rule: coded before or after
 * the year's end, the cared-for code (not a carer), a death during the year, someone not registered, a child under
 * 5, an unknown sex. Then the figures: expected from the census shares, sums by area, the identified share.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyticStore } from '../population/store/analytic-store.js';
import type { AgeBand } from '../synthetic/life-course/model.js';
import { bandIndexOf, shareOf } from './census-estimate.js';
import { carersFigures, identifiedShare, sumAreas } from './figures.js';
import { registerCells } from './register.js';

const BANDS: AgeBand[] = [
  { from: 0, to: 4, male: 0, female: 0 },
  { from: 5, to: 17, male: 0.01, female: 0.02 },
  { from: 18, to: 64, male: 0.1, female: 0.15 },
  { from: 65, male: 0.08, female: 0.06 },
];
const CARER = '224484003';
const CARED_FOR = '407542009';

let store: AnalyticStore;
beforeAll(async () => {
  const opened = await AnalyticStore.open(':memory:', 'test');
  if (!opened.ok) throw new Error(opened.error);
  store = opened.value;
  const people: [string, string | null, number, string | null, boolean, string][] = [
    // person, sex, birth year, death date, registered, practice
    ['coded-2019', 'female', 1970, null, true, 'Y00001'],
    ['coded-2021', 'male', 1950, null, true, 'Y00001'],
    ['cared-for', 'female', 1940, null, true, 'Y00001'],
    ['died-2020', 'female', 1960, '2020-06-30', true, 'Y00002'],
    ['left', 'male', 1980, null, false, 'Y00002'],
    ['child', 'female', 2018, null, true, 'Y00002'],
    ['young-carer', null, 2008, null, true, 'Y00002'],
  ];
  for (const [person, sex, year, death, registered, practice] of people) {
    await store.connection.run(
      `INSERT INTO person (person, sex, birth_year, birth_month, death_date, ethnic_category, place, imd_quintile, practice, registered)
       VALUES ('${person}', ${sex === null ? 'NULL' : `'${sex}'`}, ${year}, 6, ${death === null ? 'NULL' : `DATE '${death}'`}, 'A', 'north-bank', 1, '${practice}', ${registered})`,
    );
  }
  const events: [string, string, string][] = [
    ['coded-2019', CARER, '2019-03-01'],
    ['coded-2019', CARER, '2022-03-01'], // coded again: still one carer
    ['coded-2021', CARER, '2021-12-31'], // the last day of the year counts
    ['cared-for', CARED_FOR, '2018-01-01'],
    ['died-2020', CARER, '2015-01-01'],
    ['left', CARER, '2015-01-01'],
    ['young-carer', CARER, '2020-05-01'],
  ];
  for (const [person, code, date] of events) {
    await store.connection.run(
      `INSERT INTO event (person, kind, date, code_system, code, organisation)
       VALUES ('${person}', 'observation', DATE '${date}', 'snomed', '${code}', 'Y00001')`,
    );
  }
});
afterAll(() => store.close());

describe("the carers' register", () => {
  it('counts the registered and living aged 5 and over, and those coded as carers by the end of each year', async () => {
    const cells = await registerCells(store, {
      years: { from: 2019, to: 2021 },
      bands: BANDS,
      carerCodes: [CARER],
    });
    const total = (year: number, what: 'persons' | 'identified') =>
      cells.filter((cell) => cell.year === year).reduce((sum, cell) => sum + cell[what], 0);
    // 2019: coded-2019, coded-2021, cared-for, died-2020 (alive at the end of 2019), young-carer (11); the child is
    // 1, and `left` is not registered.
    expect(total(2019, 'persons')).toBe(5);
    expect(total(2019, 'identified')).toBe(2); // coded-2019 and died-2020
    // 2020: died-2020 has gone; young-carer is coded.
    expect(total(2020, 'persons')).toBe(4);
    expect(total(2020, 'identified')).toBe(2);
    // 2021: coded on 31 December counts; the child is 3, still too young.
    expect(total(2021, 'persons')).toBe(4);
    expect(total(2021, 'identified')).toBe(3);
    const young = cells.find((cell) => cell.year === 2021 && cell.sex === 'unknown');
    expect(young).toMatchObject({ band: 1, practice: 'Y00002', identified: 1 });
  });

  it('expects the census shares of each band and sex, and sums areas year by year', async () => {
    const cells = await registerCells(store, {
      years: { from: 2019, to: 2021 },
      bands: BANDS,
      carerCodes: [CARER],
    });
    const figures = carersFigures(cells, BANDS, { from: 2019, to: 2021 }, 'test-source');
    // 2021: coded-2019 (51, female) 0.15 + coded-2021 (71, male) 0.08 + cared-for (81, female) 0.06 + young-carer
    // (13, sex unknown: the mean of 0.01 and 0.02) 0.015.
    const latest = figures.system.years.at(-1);
    expect(latest?.expected).toBeCloseTo(0.305, 10);
    expect(figures.practices.map((area) => area.id)).toEqual(['Y00001', 'Y00002']);
    // The practices add up to the system: counts exactly, expected numbers (sums of fractions) to rounding.
    const summed = sumAreas('pcn', figures.practices, figures.years);
    expect(summed.years.map(({ expected: _, ...counts }) => counts)).toEqual(
      figures.system.years.map(({ expected: _, ...counts }) => counts),
    );
    summed.years.forEach((year, i) =>
      expect(year.expected).toBeCloseTo(figures.system.years[i]!.expected, 10),
    );
    expect(figures.byAgeAndSex.map((row) => row.band)).not.toContain('0–4');
  });

  it('gives the identified share as observed over expected, with Poisson limits', () => {
    const share = identifiedShare({ identified: 20, expected: 100 });
    expect(share?.value).toBeCloseTo(20, 10);
    expect(share?.lower).toBeLessThan(20);
    expect(share?.upper).toBeGreaterThan(20);
    expect(identifiedShare({ identified: 0, expected: 0 })).toBeUndefined();
    expect(bandIndexOf(BANDS, 4)).toBe(0);
    expect(bandIndexOf(BANDS, 90)).toBe(3);
    expect(shareOf(BANDS[2]!, 'unknown')).toBeCloseTo(0.125, 10);
  });
});
