/**
 * Generated people (fast-check): the segmentation's SQL grades every person on every year as the plain reading of
 * the rules (rules.ts) does — segment, number of long-term conditions, eFI category, emergency admissions in the
 * year before and after — whatever their ages, deaths and events, with dates near the windows' edges.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../core/paths.js';
import { loadCatalogue } from '../indicators/catalogue.js';
import { AnalyticStore } from '../store/analytic-store.js';
import { factsSql, windowStart } from './cells-sql.js';
import { EFI_CATEGORIES, loadSegmentationRules, type SegmentationRules } from './reference.js';
import { grade, windowKey } from './rules.js';

const catalogue = loadCatalogue(join(packageRoot, 'indicators'));
if (!catalogue.ok) throw new Error('the catalogue does not load');
const loaded = loadSegmentationRules(catalogue.value.codeLists);
if (!loaded.ok) throw new Error('the rules do not load');
const rules: SegmentationRules = loaded.value;
const emergencyAdmission = catalogue.value.codeLists['emergency-admission'];
if (emergencyAdmission === undefined) throw new Error('no emergency-admission list');

const YEARS = { from: 2019, to: 2020 };
/** Every list a rule names, and the stage value lists. */
const LISTS = [
  ...new Set([
    ...rules.longTermConditions.codeLists,
    ...rules.efi.deficits.flatMap((d) => d.codeLists ?? []),
    'emergency-admission',
    'ed-attendance',
    'carer',
    'influenza-vaccination',
  ]),
];
const VALUE_LISTS = ['cancer-stage-4', 'cancer-stage-1-2'];

// Dates near the edges that matter: the windows' first days, 31 December, 1 January.
const EDGES = [
  '2017-12-31',
  '2018-01-01',
  '2018-12-31',
  '2019-01-01',
  '2019-12-31',
  '2020-01-01',
  '2020-12-31',
  '2021-01-01',
  '2021-12-31',
  '2022-01-01',
];
const dayArb = fc.oneof(
  fc.constantFrom(...EDGES),
  fc
    .integer({ min: Date.UTC(2010, 0, 1), max: Date.UTC(2022, 11, 31) })
    .map((ms) => new Date(Math.floor(ms / 86_400_000) * 86_400_000).toISOString().slice(0, 10)),
);

interface Generated {
  readonly birthYear: number;
  readonly death: string | null;
  readonly ethnic: string | null;
  readonly events: readonly { list: string; date: string; value: string | null }[];
}

const personArb: fc.Arbitrary<Generated> = fc.record({
  birthYear: fc.oneof(fc.integer({ min: 1920, max: 2021 }), fc.constantFrom(1954, 1955, 2019, 2020)),
  death: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: dayArb }),
  ethnic: fc.option(fc.constantFrom('A', 'J', 'Z'), { nil: null }),
  events: fc.array(
    fc.record({
      list: fc.constantFrom(...LISTS),
      date: dayArb,
      value: fc.option(fc.constantFrom(...VALUE_LISTS), { nil: null }),
    }),
    { maxLength: 14 },
  ),
});

const code = (id: string) => rules.codeLists[id]?.codes[0] ?? 'missing';
const system = (id: string) => rules.codeLists[id]?.system ?? 'snomed';
const sql = (v: string | null) => (v === null ? 'NULL' : `'${v}'`);

/** What rules.ts says of one person on 31 December of `year`, or undefined when not counted then. */
function expected(p: Generated, year: number) {
  const onDay = `${year}-12-31`;
  if (p.birthYear > year || (p.death !== null && p.death < onDay)) return undefined;
  const past = p.events.filter((e) => e.date <= onDay);
  const within = new Set<string>();
  const windows = [
    ...rules.segments.flatMap((s) => s.anyOf.flatMap((t) => ('within' in t ? [t.within] : []))),
    ...rules.core20plus5.clinicalAreas.flatMap((a) => (a.measure === undefined ? [] : [a.measure.within])),
  ];
  for (const w of windows) {
    const from = windowStart(year, w.months);
    const hit = past.some(
      (e) =>
        e.list === w.codeList &&
        e.date >= from &&
        (w.valueCodes === undefined || (e.value !== null && code(e.value) === code(w.valueCodes))),
    );
    if (hit) within.add(windowKey(w));
  }
  const g = grade(
    { age: year - p.birthYear, ever: new Set(past.map((e) => e.list)), within, ethnicCategory: p.ethnic },
    rules,
  );
  const admissions = (from: string, to: string) =>
    p.events.filter((e) => e.list === 'emergency-admission' && e.date >= from && e.date <= to).length;
  return {
    segment: g.segment,
    ltc: g.longTermConditions,
    efi: g.efi === undefined ? -1 : EFI_CATEGORIES.indexOf(g.efi),
    prior: admissions(`${year}-01-01`, onDay),
    outcome: admissions(`${year + 1}-01-01`, `${year + 1}-12-31`) > 0 ? 1 : 0,
  };
}

let store: AnalyticStore;
beforeAll(async () => {
  const opened = await AnalyticStore.open(':memory:', 'test');
  if (!opened.ok) throw new Error(opened.error);
  store = opened.value;
});
afterAll(() => store.close());

describe('the segmentation SQL', () => {
  it('grades generated people as the rules do, year by year', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(personArb, { minLength: 1, maxLength: 25 }), async (people) => {
        await store.connection.run('DELETE FROM person; DELETE FROM event;');
        const persons = people.map(
          (p, i) =>
            `('p${i}', 'female', ${p.birthYear}, 6, ${p.death === null ? 'NULL' : `DATE '${p.death}'`}, ${sql(p.ethnic)}, 'north-bank', 1, 'Y00001', true)`,
        );
        await store.connection.run(
          `INSERT INTO person (person, sex, birth_year, birth_month, death_date, ethnic_category, place, imd_quintile, practice, registered) VALUES ${persons.join(', ')}`,
        );
        const events = people.flatMap((p, i) =>
          p.events.map(
            (e) =>
              `('p${i}', 'condition', DATE '${e.date}', '${system(e.list)}', '${code(e.list)}', ${e.value === null ? 'NULL' : `'${code(e.value)}'`}, 'Y00001')`,
          ),
        );
        if (events.length > 0) {
          await store.connection.run(
            `INSERT INTO event (person, kind, date, code_system, code, value_code, organisation) VALUES ${events.join(', ')}`,
          );
        }
        const rows = await store.rows(
          `${factsSql({ rules, years: YEARS, emergencyAdmission })}
           SELECT person, year, segment, ltc, efi_rank, prior_admissions, outcome FROM graded ORDER BY person, year`,
        );
        const actual = rows.map((r) => ({
          key: `${String(r['person'])}/${String(r['year'])}`,
          segment: Number(r['segment']),
          ltc: Number(r['ltc']),
          efi: Number(r['efi_rank']),
          prior: Number(r['prior_admissions']),
          outcome: Number(r['outcome']),
        }));
        const wanted = people
          .flatMap((p, i) =>
            [YEARS.from, YEARS.to].map((year) => {
              const e = expected(p, year);
              return e === undefined ? [] : [{ key: `p${i}/${year}`, ...e }];
            }),
          )
          .flat()
          .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
        expect(actual).toEqual(wanted);
      }),
      { numRuns: 40, seed: 20261125 },
    );
  });
});
