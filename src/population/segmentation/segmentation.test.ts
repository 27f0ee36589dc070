/**
 * The segmentation rules as data and as SQL. The rules file loads against the indicator catalogue with its 36 eFI
 * deficits; planted faults are each named with their path. Then a store of hand-made people, each placed to test
 * one rule, is graded in SQL and by the plain TypeScript reading of the rules (rules.ts), which must agree person
 * by person; and the cells add up.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../core/paths.js';
import { loadCatalogue, type Catalogue } from '../indicators/catalogue.js';
import { AnalyticStore } from '../store/analytic-store.js';
import { factsSql, personFeaturesSql, windowStart } from './cells-sql.js';
import { readRiskScores, writeRiskScores } from '../store/risk-scores.js';
import { core20Cells, listsRecorded, modelCells, segmentCells } from './cells.js';
import { segmentationFigures } from './figures.js';
import {
  efiCategoryOf,
  efiCoverage,
  efiCutPoints,
  loadSegmentationRules,
  PLUS_GROUPS_FILE,
  SEGMENTATION_FILE,
  type SegmentationRules,
} from './reference.js';
import { grade, windowKey } from './rules.js';
import { latestFullYear } from './run.js';

const loaded = loadCatalogue(join(packageRoot, 'indicators'));
if (!loaded.ok) throw new Error('the catalogue does not load');
const catalogue: Catalogue = loaded.value;
const rulesResult = loadSegmentationRules(catalogue.codeLists);
if (!rulesResult.ok) throw new Error(JSON.stringify(rulesResult.error));
const rules: SegmentationRules = rulesResult.value;

describe('the segmentation rules', () => {
  it('load with the eFI’s 36 deficits, ten of them measured from the feeds', () => {
    expect(rules.efi.deficits).toHaveLength(36);
    // Ten from the catalogue's lists (the feeds carry them), nine checked SNOMED CT concepts the feeds do not.
    expect(efiCoverage(rules).measured).toHaveLength(19);
    expect(efiCoverage(rules).measured).toContain('Falls');
    expect(efiCoverage(rules).notMeasured).toContain('Polypharmacy');
    expect(rules.segments.map((s) => s.number)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it('put a score of d/36 in the category of Clegg et al.: fit to 0.12, mild to 0.24, moderate to 0.36', () => {
    const cuts = efiCutPoints(rules);
    expect(cuts).toEqual([4, 8, 12]); // 4/36 = 0.111, 5/36 = 0.139; 8/36 = 0.222, 9/36 = 0.25; 12/36 = 0.333
    expect([0, 4, 5, 8, 9, 12, 13, 36].map((d) => efiCategoryOf(d, cuts))).toEqual([
      'fit',
      'fit',
      'mild',
      'mild',
      'moderate',
      'moderate',
      'severe',
      'severe',
    ]);
  });

  it('name every planted fault with its path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'accord-segmentation-'));
    const file = join(dir, 'segmentation.yaml');
    const text = readText(SEGMENTATION_FILE)
      .replace('- { ever: heart-failure }', '- { ever: no-such-list }')
      .replace('- { name: Weight loss and anorexia }\n', '');
    writeFileSync(file, text);
    const result = loadSegmentationRules(catalogue.codeLists, undefined, file);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const messages = result.error.map((issue) => `${issue.path ?? ''}: ${issue.message}`);
    expect(messages).toContain(
      'segments[1].anyOf[0]: names the code list no-such-list, which neither the catalogue nor extraCodeLists defines',
    );
    expect(messages).toContain('efi.deficits: lists 35 deficits; the eFI has 36 (its denominator)');
  });

  it('take the PLUS groups from the partnership’s own file when it has one, its sources checked', () => {
    const wyh = loadSegmentationRules(
      catalogue.codeLists,
      join(packageRoot, 'partnerships', 'west-yorkshire-and-harrogate'),
    );
    expect(wyh.ok && wyh.value.core20plus5.plusGroups.map((g) => g.id)).toEqual([
      'ethnic-minority',
      'smi',
      'learning-disability',
      'carers',
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'accord-plus-'));
    writeFileSync(join(dir, 'sources.yaml'), 'sources:\n  - { id: our-plan, title: Plan }\n');
    writeFileSync(
      join(dir, PLUS_GROUPS_FILE),
      'plusGroups:\n  - { id: carers, name: Unpaid carers, where: { ever: carer }, source: our-plan }\n',
    );
    const own = loadSegmentationRules(catalogue.codeLists, dir);
    expect(own.ok && own.value.core20plus5.plusGroups.map((g) => g.id)).toEqual(['carers']);
    writeFileSync(
      join(dir, PLUS_GROUPS_FILE),
      'plusGroups:\n  - { id: x, name: X, where: { ever: carer }, source: their-plan }\n',
    );
    const unsourced = loadSegmentationRules(catalogue.codeLists, dir);
    expect(unsourced.ok).toBe(false);
    if (!unsourced.ok)
      expect(unsourced.error[0]).toMatchObject({
        line: 2,
        path: 'plusGroups[0].source',
        message: "names the source their-plan, which the partnership's sources.yaml does not list",
      });
    writeFileSync(
      join(dir, PLUS_GROUPS_FILE),
      'plusGroups:\n  - { id: x, name: X, where: { ever: nope }, source: our-plan }\n',
    );
    const bad = loadSegmentationRules(catalogue.codeLists, dir);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error[0]?.message).toContain('names the code list nope');
  });

  it('tell the latest full year and the windows’ first days', () => {
    expect(latestFullYear('2025-12-31')).toBe(2025);
    expect(latestFullYear('2025-11-30')).toBe(2024);
    expect(windowStart(2020, 12)).toBe('2020-01-01');
    expect(windowStart(2020, 24)).toBe('2019-01-01');
    expect(windowStart(2020, 3)).toBe('2020-10-01');
  });
});

const readText = (path: string) => readFileSync(path, 'utf8');

const code = (id: string) => rules.codeLists[id]?.codes[0] ?? 'missing';
// person, sex, birth year, death, quintile, ethnic category, events [code list, date, value code?]
type Person = [string, string, number, string | null, number | null, string, [string, string, string?][]];
const PEOPLE: Person[] = [
  ['healthy', 'female', 1980, null, 3, 'A', []],
  ['infant', 'male', 2020, null, 1, 'J', []],
  ['acute', 'female', 1990, null, 1, 'A', [['emergency-admission', '2020-03-01']]],
  ['acute-old', 'female', 1990, null, 1, 'A', [['emergency-admission', '2019-03-01']]], // before the window
  ['chronic', 'male', 1970, null, 2, 'N', [['hypertension', '2010-01-01']]],
  ['chronic-later', 'male', 1970, null, 2, 'A', [['hypertension', '2021-01-01']]], // after 31 Dec 2020
  ['disability', 'female', 2000, null, 5, 'A', [['learning-disability', '2005-01-01']]],
  ['cancer-4', 'male', 1950, null, 4, 'A', [['cancer', '2019-06-01', 'cancer-stage-4']]],
  ['cancer-2', 'male', 1950, null, 4, 'A', [['cancer', '2019-06-01', 'cancer-stage-1-2']]],
  [
    'organ',
    'female',
    1945,
    null,
    1,
    'A',
    [
      ['copd', '2015-01-01'],
      ['influenza-vaccination', '2020-10-10'],
    ],
  ],
  ['dementia', 'female', 1935, null, 1, 'A', [['dementia', '2018-01-01']]],
  [
    'frail',
    'male',
    1940,
    null,
    2,
    'A',
    [
      // nine deficits: moderate frailty at 80 (9/36 = 0.25)
      ['heart-failure', '2010-01-01'],
      ['atrial-fibrillation', '2010-01-01'],
      ['stroke', '2010-01-01'],
      ['diabetes-type2', '2010-01-01'],
      ['hypertension', '2010-01-01'],
      ['coronary-heart-disease', '2010-01-01'],
      ['asthma', '2010-01-01'],
      ['has-carer', '2010-01-01'],
      ['epilepsy', '2010-01-01'], // not a deficit
      ['ckd-stage-3-5', '2010-01-01'],
      ['depression', '2010-01-01'], // not a deficit
    ],
  ],
  [
    'mild',
    'female',
    1950,
    null,
    5,
    'A',
    [
      ['hypertension', '2010-01-01'],
      ['diabetes-type2', '2010-01-01'],
      ['stroke', '2012-01-01'],
      ['asthma', '2012-01-01'],
      ['social-care-contact', '2012-01-01'],
    ],
  ],
  [
    'young-many',
    'female',
    1980,
    null,
    5,
    'A',
    [
      ['hypertension', '2010-01-01'],
      ['diabetes-type2', '2010-01-01'],
      ['stroke', '2012-01-01'],
      ['asthma', '2012-01-01'],
      ['social-care-contact', '2012-01-01'],
    ],
  ],
  ['died', 'male', 1950, '2020-06-01', 3, 'A', [['heart-failure', '2015-01-01']]],
  ['admitted-next', 'female', 1960, null, 3, 'A', [['emergency-admission', '2021-05-01']]],
  ['carer', 'female', 1985, null, 1, 'A', [['carer', '2015-01-01']]],
];

let store: AnalyticStore;
beforeAll(async () => {
  const opened = await AnalyticStore.open(':memory:', 'test');
  if (!opened.ok) throw new Error(opened.error);
  store = opened.value;
  for (const [person, sex, year, death, quintile, ethnic, events] of PEOPLE) {
    await store.connection.run(
      `INSERT INTO person (person, sex, birth_year, birth_month, death_date, ethnic_category, place, imd_quintile, practice, registered)
       VALUES ('${person}', '${sex}', ${year}, 6, ${death === null ? 'NULL' : `DATE '${death}'`}, '${ethnic}', 'north-bank', ${quintile ?? 'NULL'}, 'Y00001', true)`,
    );
    for (const [list, date, valueList] of events) {
      await store.connection.run(
        `INSERT INTO event (person, kind, date, code_system, code, value_code, organisation)
         VALUES ('${person}', 'condition', DATE '${date}', '${rules.codeLists[list]?.system ?? 'snomed'}', '${code(list)}', ${valueList === undefined ? 'NULL' : `'${code(valueList)}'`}, 'Y00001')`,
      );
    }
  }
});
afterAll(() => store.close());

const emergencyAdmission = catalogue.codeLists['emergency-admission'];
if (emergencyAdmission === undefined) throw new Error('no emergency-admission list');
const input = { rules, years: { from: 2020, to: 2020 }, emergencyAdmission };

describe('the segmentation in SQL', () => {
  it('grades each person as the rules do', async () => {
    const rows = await store.rows(
      `${factsSql(input)} SELECT person, age, ltc, efi_deficits, efi_rank, segment, outcome FROM graded ORDER BY person`,
    );
    const onDay = '2020-12-31';
    const expected = PEOPLE.filter(([, , , death]) => death === null || death >= onDay).map(
      ([person, , year, , , ethnic, events]) => {
        const past = events.filter(([, date]) => date <= onDay);
        const within = new Set<string>();
        for (const [list, date, valueList] of past) {
          for (const months of [12, 24]) {
            if (date >= windowStart(2020, months)) {
              within.add(windowKey({ months, codeList: list }));
              if (valueList !== undefined)
                within.add(windowKey({ months, codeList: list, valueCodes: valueList }));
            }
          }
        }
        const g = grade(
          { age: 2020 - year, ever: new Set(past.map(([list]) => list)), within, ethnicCategory: ethnic },
          rules,
        );
        return { person, segment: g.segment, ltc: g.longTermConditions, efi: g.efi ?? null };
      },
    );
    const efiNames = ['fit', 'mild', 'moderate', 'severe'];
    const actual = rows.map((r) => ({
      person: String(r['person']),
      segment: Number(r['segment']),
      ltc: Number(r['ltc']),
      efi: Number(r['efi_rank']) < 0 ? null : (efiNames[Number(r['efi_rank'])] ?? null),
    }));
    expect(actual).toEqual(expected.sort((a, b) => a.person.localeCompare(b.person)));
    const segmentOf = (person: string) => actual.find((a) => a.person === person)?.segment;
    expect(
      [
        'healthy',
        'infant',
        'acute',
        'acute-old',
        'chronic',
        'chronic-later',
        'disability',
        'cancer-4',
        'cancer-2',
        'organ',
        'dementia',
        'frail',
        'mild',
        'young-many',
      ].map(segmentOf),
    ).toEqual([1, 2, 3, 1, 4, 1, 5, 6, 4, 7, 8, 8, 4, 4]);
    expect(actual.find((a) => a.person === 'frail')?.efi).toBe('moderate');
    expect(actual.find((a) => a.person === 'mild')?.efi).toBe('mild');
    expect(actual.find((a) => a.person === 'young-many')?.efi).toBeNull();
    expect(rows.find((r) => r['person'] === 'admitted-next')?.['outcome']).toBe(1);
  });

  it('counts the cells, the Core20PLUS5 cohorts and the model’s cells', async () => {
    const cells = await segmentCells(store, input);
    const alive = PEOPLE.filter(([, , , death]) => death === null).length;
    expect(cells.reduce((sum, c) => sum + c.persons, 0)).toBe(alive);
    const figures = segmentationFigures(
      rules,
      input.years,
      ['north-bank'],
      cells,
      await core20Cells(store, input),
    );
    const year = figures.byYear[0];
    expect(year?.segments.byPlace.cells.map((row) => row[0])).toEqual([2, 1, 1, 1, 4, 1, 1, 5]); // segments 8 … 1
    expect(year?.efi.bySex.cells.flat().reduce((a, b) => a + b, 0)).toBe(6); // aged 65 and over, alive
    const c = figures.core20plus5[0]?.system ?? {};
    expect(c['adults']).toBe(alive - 1); // the infant is not an adult
    expect(c['core20']).toBe(5); // acute, acute-old, organ, dementia, carer
    expect(c['plus_0']).toBe(1); // ethnic minority: chronic (N); the infant (J) is not an adult
    expect(c['plus_3']).toBe(1); // the carer
    expect(c['area_2']).toBe(1); // COPD
    expect(c['measure_2']).toBe(1); // … vaccinated against flu in 2020
    const recorded = await listsRecorded(store, rules, ['hypertension', 'falls', 'has-carer']);
    expect([...recorded].sort()).toEqual(['has-carer', 'hypertension']);
    const model = await modelCells(store, { ...input, years: { from: 2020, to: 2020 } });
    expect(model.every((m) => m.year === 2021)).toBe(true);
    expect(model.reduce((sum, m) => sum + m.admitted, 0)).toBe(1);
  });

  it('scores each person by the risk of their features, the model cells regrouped, in a file only Accord reads', async () => {
    const model = await modelCells(store, input);
    // A made-up risk per combination of features, so each person's can be told apart.
    const risks = model.map((m, i) => ({ ...m, risk: (i + 1) / 100 }));
    const file = join(mkdtempSync(join(tmpdir(), 'accord-scores-')), 'risk-scores.parquet');
    const written = await writeRiskScores(store, personFeaturesSql(input), risks, '2020-12-31', file);
    expect(written).toBe(model.reduce((sum, m) => sum + m.persons, 0));
    expect(statSync(file).mode & 0o077).toBe(0);
    const rows = await store.rows(
      `SELECT band, sex, imd_quintile, conditions, prior, efi_rank, segment, risk, COUNT(*) AS persons,
              MIN(CAST(features_on AS VARCHAR)) AS features_on
         FROM read_parquet('${file}') GROUP BY ALL`,
    );
    const key = (c: Record<string, unknown>) =>
      ['band', 'sex', 'imdQuintile', 'conditions', 'prior', 'efiRank', 'segment']
        .map((k) => String(c[k]))
        .join('|');
    const byKey = new Map(risks.map((r) => [key(r), r]));
    for (const row of rows) {
      const cell = byKey.get(
        key({
          band: row['band'],
          sex: row['sex'],
          imdQuintile: row['imd_quintile'],
          conditions: row['conditions'],
          prior: row['prior'],
          efiRank: row['efi_rank'],
          segment: row['segment'],
        }),
      );
      expect(row['risk']).toBe(cell?.risk);
      expect(row['persons']).toBe(cell?.persons);
      expect(row['features_on']).toBe('2020-12-31');
    }
    expect(rows).toHaveLength(model.length);
    expect((await readRiskScores(file, ['healthy'])).ok).toBe(false); // not a pseudonym: never put in the SQL
    const missing = await readRiskScores(join(tmpdir(), 'no-such-scores.parquet'), []);
    expect(missing).toEqual({ ok: false, error: expect.stringContaining('accord population build') });
  });
});
