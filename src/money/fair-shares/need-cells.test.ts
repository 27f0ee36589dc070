/**
 * The need cells on a store of a few hand-made people, each placed to test one rule: two conditions (multimorbid),
 * one condition recorded twice (not), a second condition recorded after the year's end (not yet), a death during
 * the year, someone not registered, someone outside the places, an unknown sex and quintile, and the code lists
 * read from Accord's own catalogue.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../core/paths.js';
import { loadCatalogue, type Catalogue } from '../../population/indicators/catalogue.js';
import { AnalyticStore } from '../../population/store/analytic-store.js';
import { LONG_TERM_CONDITIONS, needCells, needCellsSql } from './need-cells.js';

let store: AnalyticStore;
let catalogue: Catalogue;
const code = (id: string) => catalogue.codeLists[id]?.codes[0] ?? 'missing';

beforeAll(async () => {
  const loaded = loadCatalogue(join(packageRoot, 'indicators'));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.error));
  catalogue = loaded.value;
  const opened = await AnalyticStore.open(':memory:', 'test');
  if (!opened.ok) throw new Error(opened.error);
  store = opened.value;
  const people: [string, string | null, number, string | null, boolean, string | null, number | null][] = [
    // person, sex, birth year, death date, registered, place, IMD quintile
    ['two', 'female', 1950, null, true, 'north-bank', 1],
    ['same-twice', 'female', 1952, null, true, 'north-bank', 1],
    ['second-late', 'male', 1960, null, true, 'north-bank', 2],
    ['died', 'male', 1940, '2020-06-30', true, 'south-bank', 5],
    ['left', 'male', 1980, null, false, 'south-bank', 5],
    ['away', 'female', 1990, null, true, null, null],
    ['unknown', null, 2010, null, true, 'south-bank', null],
  ];
  for (const [person, sex, year, death, registered, place, quintile] of people) {
    await store.connection.run(
      `INSERT INTO person (person, sex, birth_year, birth_month, death_date, place, imd_quintile, registered)
       VALUES ('${person}', ${sex === null ? 'NULL' : `'${sex}'`}, ${year}, 6, ${death === null ? 'NULL' : `DATE '${death}'`},
               ${place === null ? 'NULL' : `'${place}'`}, ${quintile ?? 'NULL'}, ${registered})`,
    );
  }
  const events: [string, string, string][] = [
    ['two', code('diabetes-type2'), '2015-01-01'],
    ['two', code('hypertension'), '2020-12-31'], // the last day of the year counts
    ['same-twice', code('asthma'), '2010-01-01'],
    ['same-twice', code('asthma'), '2012-01-01'],
    ['second-late', code('copd'), '2019-01-01'],
    ['second-late', code('depression'), '2021-01-01'],
    ['died', code('stroke'), '2010-01-01'],
    ['died', code('dementia'), '2011-01-01'],
    ['left', code('cancer'), '2010-01-01'],
    ['left', code('epilepsy'), '2010-01-01'],
  ];
  for (const [person, c, date] of events) {
    await store.connection.run(
      `INSERT INTO event (person, kind, date, code_system, code, organisation)
       VALUES ('${person}', 'condition', DATE '${date}', 'snomed', '${c}', 'Y00001')`,
    );
  }
});
afterAll(() => store.close());

describe('the need cells', () => {
  it('count the registered and living by place, age band, sex and quintile, and the multimorbid among them', async () => {
    const cells = await needCells(store, catalogue, 2020);
    const total = (what: 'persons' | 'multimorbid') => cells.reduce((s, c) => s + c[what], 0);
    // Registered and alive on 31 December 2020: two, same-twice, second-late, away, unknown.
    expect(total('persons')).toBe(5);
    expect(total('multimorbid')).toBe(1);
    expect(cells.find((c) => c.multimorbid === 1)).toMatchObject({
      place: 'north-bank',
      sex: 'female',
      imdQuintile: 1,
      ageBand: 15, // 70 on 31 December 2020: 70–74
    });
    expect(cells.find((c) => c.sex === 'unknown')).toMatchObject({
      place: 'south-bank',
      imdQuintile: null,
      ageBand: 3,
    });
    expect(cells.find((c) => c.place === null)?.persons).toBe(1);
    // 2021: second-late's depression is now recorded.
    const later = await needCells(store, catalogue, 2021);
    expect(later.reduce((s, c) => s + c.multimorbid, 0)).toBe(2);
    // 2019: died is alive, with two conditions; two's hypertension is not yet recorded.
    const earlier = await needCells(store, catalogue, 2019);
    expect(earlier.reduce((s, c) => s + c.multimorbid, 0)).toBe(1);
    expect(earlier.find((c) => c.multimorbid === 1)?.place).toBe('south-bank');
    expect(earlier.reduce((s, c) => s + c.persons, 0)).toBe(6);
  });

  it('name every condition from the catalogue, and refuse a list it does not have', () => {
    for (const id of LONG_TERM_CONDITIONS) expect(catalogue.codeLists[id], id).toBeDefined();
    expect(() => needCellsSql(catalogue, 2020, ['no-such-list'])).toThrow(/no-such-list/);
    expect(() => needCellsSql(catalogue, 20.5)).toThrow(/not a year/);
  });
});
