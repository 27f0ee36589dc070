import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Issue } from '../core/problem.js';
import {
  compilePeople,
  defaultPeopleSources,
  ETHNIC_GROUPS,
  loadPeople,
  MIDDLE_NAME_SHARE,
  PERCENT_SUM_TOLERANCE,
  type EthnicGroup,
  type People,
  type PeopleContext,
  type PeopleTables,
} from './people.js';
import { createRandom } from './random.js';

// These tests read only the committed tables (partnership calibration folder and reference/names), never ../shared.

function loadedTables(): PeopleTables {
  const result = loadPeople();
  if (!result.ok) throw new Error(JSON.stringify(result.error.slice(0, 20), null, 2));
  return result.value;
}

function compiled(tables: PeopleTables): People {
  const result = compilePeople(tables);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

const WYH_DISTRICTS = [
  'E07000163',
  'E07000165',
  'E08000032',
  'E08000033',
  'E08000034',
  'E08000035',
  'E08000036',
];

describe('the ethnic groups', () => {
  it('are the 19 groups of Census 2021, each with its TS021 code 1 to 19 once', () => {
    expect(ETHNIC_GROUPS).toHaveLength(19);
    expect(ETHNIC_GROUPS.map((group) => group.onsCode).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 19 }, (_, i) => i + 1),
    );
  });

  it('map to the NHS ethnic category codes A to S as NHS records carry them', () => {
    const nhs = Object.fromEntries(ETHNIC_GROUPS.map((group) => [group.id, group.nhsCode]));
    expect(nhs).toEqual({
      'white-british': 'A',
      'white-irish': 'B',
      'white-gypsy-or-irish-traveller': 'C', // no code of its own: any other White background
      'white-roma': 'C', // new in 2021, likewise
      'white-other': 'C',
      'mixed-white-and-black-caribbean': 'D',
      'mixed-white-and-black-african': 'E',
      'mixed-white-and-asian': 'F',
      'mixed-other': 'G',
      'asian-indian': 'H',
      'asian-pakistani': 'J',
      'asian-bangladeshi': 'K',
      'asian-other': 'L',
      'black-caribbean': 'M',
      'black-african': 'N',
      'black-other': 'P',
      'asian-chinese': 'R', // Asian in Census 2021, but R (Other ethnic groups - Chinese) in the NHS codes
      'other-arab': 'S', // no code of its own: any other ethnic group
      'other-any': 'S',
    });
    // Every NHS code A-S except the unused letters is reached.
    expect(new Set(Object.values(nhs))).toEqual(new Set(Array.from('ABCDEFGHJKLMNPRS')));
  });
});

describe('the committed ethnicity and name tables', () => {
  const tables = loadedTables();
  const people = compiled(tables);

  it('give every WY&H district all 19 groups, adding up to 100 (±0.2)', () => {
    expect([...people.districts].sort()).toEqual(WYH_DISTRICTS);
    for (const lad of WYH_DISTRICTS) {
      const rows = tables.ethnicity.filter((row) => row.lad === lad);
      expect(rows).toHaveLength(19);
      const sum = rows.reduce((total, row) => total + row.pct, 0);
      expect(Math.abs(sum - 100)).toBeLessThanOrEqual(PERCENT_SUM_TOLERANCE);
    }
  });

  it('keep the published Census 2021 figures as published (Bradford 25.5% Pakistani, Wakefield 88.2% White British)', () => {
    const pct = (lad: string, group: EthnicGroup) =>
      tables.ethnicity.find((row) => row.lad === lad && row.group === group);
    expect(pct('E08000032', 'asian-pakistani')).toMatchObject({ pct: 25.5, basis: 'published' });
    expect(pct('E08000032', 'white-british')).toMatchObject({ pct: 56.7, basis: 'published' });
    expect(pct('E08000036', 'white-british')).toMatchObject({ pct: 88.2, basis: 'published' });
    expect(pct('E08000033', 'asian-pakistani')).toMatchObject({ pct: 8.5, basis: 'published' });
    // Leeds: 31,405 Pakistani of 811,932 residents.
    expect(pct('E08000035', 'asian-pakistani')?.pct).toBeCloseTo((31405 / 811932) * 100, 2);
  });

  it("draws ethnic groups in the district's proportions (100,000 Bradford residents)", () => {
    const random = createRandom(1, 'ethnicity');
    const n = 100_000;
    const counts = new Map<EthnicGroup, number>();
    for (let i = 0; i < n; i++) {
      const group = people.drawEthnicity('E08000032', random);
      counts.set(group, (counts.get(group) ?? 0) + 1);
    }
    for (const row of tables.ethnicity.filter((r) => r.lad === 'E08000032')) {
      const p = row.pct / 100;
      const observed = (counts.get(row.group) ?? 0) / n;
      // Five standard errors of a proportion, plus the table's rounding.
      expect(Math.abs(observed - p), row.group).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n) + 0.0005);
    }
    expect((counts.get('asian-pakistani') ?? 0) / n).toBeGreaterThan(0.24);
  });

  it('compiles from a calibration folder too (its ethnicity.csv with the national name tables)', () => {
    const fromFolder = compilePeople(dirname(defaultPeopleSources.ethnicityFile));
    expect(fromFolder.ok && [...fromFolder.value.districts].sort()).toEqual(WYH_DISTRICTS);
    const missing = compilePeople(join(tmpdir(), 'accord-no-such-calibration-folder'));
    expect(missing.ok).toBe(false);
  });

  it('refuses a district it has no table for, rather than guessing', () => {
    expect(() => people.drawEthnicity('E09000001', createRandom(1, 'x'))).toThrow(/E09000001/);
  });

  it("names a Pakistani-heritage resident from the Pakistani lists, the cohort's forenames and sex's surnames", () => {
    const random = createRandom(7, 'names');
    const forenames = (sex: string, from: number) =>
      new Set(
        tables.forenames
          .filter((r) => r.family === 'muslim-south-asian' && r.sex === sex && r.bornFrom === from)
          .map((r) => r.name),
      );
    const surnames = (sex: string) =>
      new Set(
        tables.surnames
          .filter((r) => r.family === 'pakistani' && (r.sex === 'any' || r.sex === sex))
          .map((r) => r.name),
      );
    let middles = 0;
    const n = 6000;
    for (let i = 0; i < n; i++) {
      const sex = i % 2 === 0 ? 'female' : 'male';
      const [birthYear, cohort] = i % 3 === 0 ? [1950, 1900] : i % 3 === 1 ? [1988, 1980] : [2015, 2000];
      const name = people.drawName('asian-pakistani', sex, birthYear, random);
      expect(forenames(sex, cohort).has(name.given), name.given).toBe(true);
      expect(surnames(sex).has(name.family), name.family).toBe(true);
      if (name.middle !== undefined) {
        middles++;
        expect(forenames(sex, cohort).has(name.middle)).toBe(true);
        expect(name.middle).not.toBe(name.given);
      }
    }
    // About a third have a middle name.
    expect(middles / n).toBeGreaterThan(MIDDLE_NAME_SHARE - 0.03);
    expect(middles / n).toBeLessThan(MIDDLE_NAME_SHARE + 0.03);
  });

  it('weights forenames as the tables do: Muhammad : Mohammed : Mohammad about 3,710 : 1,615 : 751 for boys born 2015', () => {
    const random = createRandom(3, 'muhammad');
    const counts = new Map<string, number>();
    for (let i = 0; i < 40_000; i++) {
      const { given } = people.drawName('asian-pakistani', 'male', 2015, random);
      counts.set(given, (counts.get(given) ?? 0) + 1);
    }
    const ratio = (counts.get('Muhammad') ?? 0) / (counts.get('Mohammed') ?? 1);
    expect(ratio).toBeGreaterThan((3710 / 1615) * 0.85);
    expect(ratio).toBeLessThan((3710 / 1615) * 1.15);
  });

  it('gives the names of the birth cohort (a White British man born in 1954 is not called Noah)', () => {
    const random = createRandom(5, 'cohort');
    const fifties = new Set(
      tables.forenames
        .filter((r) => r.family === 'english' && r.sex === 'male' && r.bornFrom === 1950)
        .map((r) => r.name),
    );
    for (let i = 0; i < 2000; i++) {
      expect(fifties.has(people.drawName('white-british', 'male', 1954, random).given)).toBe(true);
    }
    const recent = new Set(
      tables.forenames
        .filter((r) => r.family === 'english' && r.sex === 'female' && r.bornFrom === 2016)
        .map((r) => r.name),
    );
    // A year beyond the last cohort takes the nearest one.
    expect(recent.has(people.drawName('white-british', 'female', 2045, random).given)).toBe(true);
  });

  it('gives sex-specific surnames only to that sex (no male Kaur, no female Singh or Kowalski)', () => {
    const random = createRandom(11, 'sex');
    for (let i = 0; i < 3000; i++) {
      expect(people.drawName('asian-indian', 'male', 1970, random).family).not.toBe('Kaur');
      expect(people.drawName('asian-indian', 'female', 1970, random).family).not.toBe('Singh');
      expect(people.drawName('white-other', 'female', 1990, random).family).not.toBe('Kowalski');
    }
  });

  it("names a Mixed resident from both parents' groups: surname from one, forenames from either", () => {
    const random = createRandom(13, 'mixed');
    const familyOf = new Map<string, Set<string>>();
    for (const r of tables.surnames) familyOf.set(r.name, (familyOf.get(r.name) ?? new Set()).add(r.family));
    const english = new Set(tables.surnames.filter((r) => r.family === 'english').map((r) => r.name));
    const caribbean = new Set(tables.surnames.filter((r) => r.family === 'caribbean').map((r) => r.name));
    const caribbeanForenames = new Set(
      tables.forenames.filter((r) => r.family === 'caribbean').map((r) => r.name),
    );
    let onlyCaribbeanSurname = 0;
    let caribbeanGiven = 0;
    for (let i = 0; i < 4000; i++) {
      const name = people.drawName('mixed-white-and-black-caribbean', 'male', 1995, random);
      expect(english.has(name.family) || caribbean.has(name.family), name.family).toBe(true);
      if (caribbean.has(name.family) && !english.has(name.family)) onlyCaribbeanSurname++;
      if (caribbeanForenames.has(name.given)) caribbeanGiven++;
    }
    expect(onlyCaribbeanSurname).toBeGreaterThan(200);
    expect(caribbeanGiven).toBeGreaterThan(200);
  });

  it('is reproducible: the same seed and stream give the same names', () => {
    const draw = () => {
      const random = createRandom(42, 'resident 17');
      return Array.from({ length: 50 }, (_, i) =>
        people.drawName(
          people.drawEthnicity('E08000034', random),
          i % 2 ? 'male' : 'female',
          1940 + i,
          random,
        ),
      );
    };
    expect(draw()).toEqual(draw());
  });
});

describe('loadPeople on a bad table', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** Copies of the committed tables in a temporary folder, with the context read from the committed sources. */
  function copies(): { ethnicityFile: string; namesDir: string; context: PeopleContext } {
    const good = loadPeople();
    if (!good.ok) throw new Error('the committed tables must load');
    const dir = mkdtempSync(join(tmpdir(), 'accord-people-'));
    dirs.push(dir);
    const ethnicityFile = join(dir, 'ethnicity.csv');
    const namesDir = join(dir, 'names');
    cpSync(defaultPeopleSources.ethnicityFile, ethnicityFile);
    cpSync(defaultPeopleSources.namesDir, namesDir, { recursive: true });
    const ids = (rows: readonly { sources: readonly string[] }[]) =>
      new Set(rows.flatMap((row) => row.sources));
    const context: PeopleContext = {
      partnershipSourceIds: ids(good.value.ethnicity),
      placeIds: new Set(good.value.ethnicity.map((row) => row.place)),
      nameSourceIds: new Set([
        ...ids(good.value.forenames),
        ...ids(good.value.surnames),
        ...ids(good.value.groupFamilies),
        ...ids(good.value.mixedParents),
        ...ids(good.value.nicknames),
      ]),
    };
    return { ethnicityFile, namesDir, context };
  }

  /** Replaces line `line` (1-based) of a file with what `edit` makes of it. */
  function editLine(file: string, line: number, edit: (text: string) => string): void {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[line - 1] = edit(lines[line - 1] ?? '');
    writeFileSync(file, lines.join('\n'));
  }

  function issuesOf(result: ReturnType<typeof loadPeople>): Issue[] {
    if (result.ok) throw new Error('expected issues');
    return result.error;
  }

  it('reports a bad percentage and an unknown ethnic group with their file, line and column, without throwing', () => {
    const { ethnicityFile, namesDir, context } = copies();
    // Line 2 is the first data row (Craven, White British); line 5 is Craven's Roma row.
    editLine(ethnicityFile, 2, (text) =>
      text.replace(/,\d+(\.\d+)?,(published|apportioned),/, ',12.3.4,$2,'),
    );
    editLine(ethnicityFile, 5, (text) => text.replace('white-roma', 'white-romany'));
    const issues = issuesOf(loadPeople({ ethnicityFile, namesDir }, context));
    expect(issues).toEqual(
      expect.arrayContaining([
        { file: 'ethnicity.csv', line: 2, path: 'persons_pct', message: 'must be a number such as 12.5' },
        expect.objectContaining({
          file: 'ethnicity.csv',
          line: 5,
          path: 'ethnic_group',
          message: expect.stringMatching(/^unknown ethnic group "white-romany": use one of white-british/),
        }),
      ]),
    );
  });

  it('reports a percentage over 100, a wrong ONS code and a district that does not add up to 100', () => {
    const { ethnicityFile, namesDir, context } = copies();
    editLine(ethnicityFile, 3, (text) => text.replace(/,\d+(\.\d+)?,(published|apportioned),/, ',101,$2,'));
    editLine(ethnicityFile, 4, (text) => text.replace(',15,', ',16,'));
    const issues = issuesOf(loadPeople({ ethnicityFile, namesDir }, context));
    expect(issues).toContainEqual({
      file: 'ethnicity.csv',
      line: 3,
      path: 'persons_pct',
      message: 'must be a percentage between 0 and 100',
    });
    expect(issues).toContainEqual({
      file: 'ethnicity.csv',
      line: 4,
      path: 'ons_code',
      message: 'must be 15, the Census 2021 code of white-gypsy-or-irish-traveller',
    });

    // A valid but wrong figure: every row reads, the district no longer adds up.
    const fresh = copies();
    editLine(fresh.ethnicityFile, 2, (text) =>
      text.replace(/,\d+(\.\d+)?,(published|apportioned),/, ',50,$2,'),
    );
    const sum = issuesOf(loadPeople(fresh, fresh.context));
    expect(sum).toEqual([
      expect.objectContaining({
        file: 'ethnicity.csv',
        line: 2,
        path: 'persons_pct',
        message: expect.stringMatching(
          /^the percentages of E07000163 add up to \d+\.\d\d: they must add up to 100/,
        ),
      }),
    ]);
  });

  it('reports bad name rows: a weight, a sex, an unknown source, an unknown family and a duplicate', () => {
    const { ethnicityFile, namesDir, context } = copies();
    const forenames = join(namesDir, 'forenames.csv');
    editLine(forenames, 2, (text) => text.replace(/,1000,/, ',-3,'));
    editLine(forenames, 3, (text) => text.replace(',male,', ',boy,'));
    editLine(forenames, 4, (text) => text.replace('ons-baby-names-1904-1994', 'no-such-source'));
    const groups = join(namesDir, 'group-families.csv');
    editLine(groups, 2, (text) =>
      text.replace('white-british,english,english', 'white-british,english,klingon'),
    );
    const surnames = join(namesDir, 'surnames.csv');
    const second = readFileSync(surnames, 'utf8').split('\n')[1] ?? '';
    editLine(surnames, 3, () => second);
    const issues = issuesOf(loadPeople({ ethnicityFile, namesDir }, context));
    expect(issues).toContainEqual({
      file: 'forenames.csv',
      line: 2,
      path: 'weight',
      message: 'must be a weight above 0: rows that are never drawn do not belong in the table',
    });
    expect(issues).toContainEqual({
      file: 'forenames.csv',
      line: 3,
      path: 'sex',
      message: 'must be female or male',
    });
    expect(issues).toContainEqual({
      file: 'forenames.csv',
      line: 4,
      path: 'source',
      message: 'unknown source no-such-source: add it to the name tables’ sources.yaml',
    });
    expect(issues).toContainEqual({
      file: 'surnames.csv',
      line: 3,
      path: 'name',
      message: 'duplicate family, sex and name english any Smith: first on line 2',
    });
    // The family check runs only on complete tables: fix forenames and it is reported.
    cpSync(join(defaultPeopleSources.namesDir, 'forenames.csv'), forenames);
    const again = issuesOf(loadPeople({ ethnicityFile, namesDir }, context));
    expect(again).toContainEqual({
      file: 'group-families.csv',
      line: 2,
      path: 'surname_family',
      message: 'klingon has no surnames a female resident can take in surnames.csv',
    });
  });

  it('reports a missing file and a wrong header instead of throwing', () => {
    const { ethnicityFile, namesDir, context } = copies();
    rmSync(join(namesDir, 'mixed-parents.csv'));
    editLine(join(namesDir, 'nicknames.csv'), 1, () => 'formal,variant,sort,source,note');
    const issues = issuesOf(loadPeople({ ethnicityFile, namesDir }, context));
    expect(issues).toContainEqual(
      expect.objectContaining({
        file: 'mixed-parents.csv',
        message: expect.stringMatching(/^file is missing/),
      }),
    );
    expect(issues).toContainEqual({
      file: 'nicknames.csv',
      line: 1,
      message: 'header: missing column(s) kind; unknown column(s) sort',
    });
  });
});
