import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { referenceDir } from '../../core/paths.js';
import type { Issue } from '../../core/problem.js';
import { CAUSES_OF_DEATH, SETTINGS, type AgeBand, type LifeCourseReference } from './model.js';
import {
  LIFE_TABLE_LAST_AGE,
  loadLifeCourseReference,
  REFERENCE_FILES,
  SHARE_TOLERANCE,
  snomedConceptIdProblem,
  verhoeffCheckDigit,
  verhoeffValid,
} from './reference.js';

// These tests read the committed reference folder (or temporary copies of it), nothing else.

function loaded(): LifeCourseReference {
  const result = loadLifeCourseReference();
  if (!result.ok) throw new Error(JSON.stringify(result.error.slice(0, 20), null, 2));
  return result.value;
}

describe('Verhoeff check digits', () => {
  it('accepts the published example and known SNOMED CT ids, and computes their check digits', () => {
    expect(verhoeffCheckDigit('236')).toBe(3); // the textbook example: 2363
    expect(verhoeffValid('2363')).toBe(true);
    for (const id of [
      '44054006',
      '195967001',
      '38598009',
      '1082441000000108',
      '822851000000102',
      '2640006',
    ]) {
      expect(verhoeffValid(id)).toBe(true);
      expect(verhoeffCheckDigit(id.slice(0, -1))).toBe(Number(id.slice(-1)));
    }
  });

  it('detects every single-digit error and every swap of adjacent digits', () => {
    for (const id of ['44054006', '1082441000000108', '230690007']) {
      for (let i = 0; i < id.length; i++) {
        for (let d = 0; d <= 9; d++) {
          if (String(d) === id[i]) continue;
          expect(verhoeffValid(id.slice(0, i) + String(d) + id.slice(i + 1))).toBe(false);
        }
        const a = id[i];
        const b = id[i + 1];
        if (a !== undefined && b !== undefined && a !== b) {
          expect(verhoeffValid(id.slice(0, i) + b + a + id.slice(i + 2))).toBe(false);
        }
      }
    }
  });

  it('tells a concept id from a malformed, mistyped or description id', () => {
    expect(snomedConceptIdProblem('44054006')).toBeUndefined();
    expect(snomedConceptIdProblem('1082441000000108')).toBeUndefined();
    expect(snomedConceptIdProblem('12345')).toMatch(/6 to 18 digits/);
    expect(snomedConceptIdProblem('4405400X')).toMatch(/6 to 18 digits/);
    expect(snomedConceptIdProblem('044054006')).toMatch(/cannot start with 0/);
    expect(snomedConceptIdProblem('44054007')).toMatch(/Verhoeff/);
    const description = `1234501${String(verhoeffCheckDigit('1234501'))}`; // partition 01: a description id
    expect(snomedConceptIdProblem(description)).toMatch(/not a concept id/);
  });
});

describe('the national life-course reference', () => {
  const reference = loaded();

  it('loads with no problems, with every part of the model', () => {
    expect(loadLifeCourseReference(referenceDir).ok).toBe(true);
    expect(reference.conditions.length).toBeGreaterThanOrEqual(17);
    expect(reference.encounters.map((e) => e.setting).sort()).toEqual([...SETTINGS].sort());
    expect(reference.immunisations.length).toBeGreaterThanOrEqual(3);
    expect(reference.mortality.lifeTable.qx).toHaveLength(LIFE_TABLE_LAST_AGE + 1);
  });

  it('has the conditions the generator calibrates, each on its QOF register with the register minimum age', () => {
    const byGroup = new Map(reference.conditions.map((c) => [c.qofGroup, c]));
    const expected: Record<string, number | undefined> = {
      DM: 17,
      HYP: undefined,
      OB: 18,
      CHD: undefined,
      STIA: undefined,
      COPD: undefined,
      AST: undefined, // no minimum in 2019-20; 6 and over only from 2020-21
      DEP: 18,
      MH: undefined,
      DEM: undefined,
      CKD: 18,
      CAN: undefined,
      LD: undefined,
      AF: undefined,
      HF: undefined,
      EP: 18,
    };
    for (const [group, minimumAge] of Object.entries(expected)) {
      expect(byGroup.get(group)?.qofMinimumAge, group).toBe(minimumAge);
    }
    const ndh = reference.conditions.find((c) => c.id === 'non-diabetic-hyperglycaemia');
    expect(ndh?.qofGroup).toBeUndefined();
    expect(ndh?.deprivation).toBeDefined();
    const cancer = byGroup.get('CAN');
    expect(cancer?.stages?.shares.map((s) => s.stage)).toEqual(['1', '2', '3', '4']);
  });

  // One walk over every module, independent of the loader's own checks: Synthea's habit of a test that visits all
  // the data and asserts the invariants a reader relies on.
  it('walks every module: sources resolve, codes check, bands are contiguous and open, shares add up', () => {
    const sourceIds = new Set(reference.sources.map((s) => s.id));
    expect(sourceIds.size).toBe(reference.sources.length);
    const problems: string[] = [];
    const minimumAge = new Map<AgeBand, number>();
    for (const c of reference.conditions) {
      for (const band of c.prevalence.bands) minimumAge.set(band, c.qofMinimumAge ?? 0);
    }
    for (const band of reference.bmi.mean.bands) minimumAge.set(band, reference.bmi.minimumAge);

    const walk = (value: unknown, path: string) => {
      if (Array.isArray(value)) {
        value.forEach((item, i) => {
          walk(item, `${path}[${i}]`);
        });
        if (path.endsWith('.bands')) checkBands(value as AgeBand[], path);
        return;
      }
      if (typeof value !== 'object' || value === null) return;
      const record = value as Record<string, unknown>;
      if (typeof record.source === 'string') {
        for (const id of record.source.split(' '))
          if (!sourceIds.has(id)) problems.push(`${path}: source ${id}`);
      }
      if (typeof record.code === 'string' && typeof record.display === 'string' && !path.endsWith('.icd10')) {
        const problem = snomedConceptIdProblem(record.code);
        if (problem !== undefined) problems.push(`${path}: ${problem}`);
      }
      for (const [key, child] of Object.entries(record)) walk(child, `${path}.${key}`);
    };
    const checkBands = (bands: AgeBand[], path: string) => {
      const first = bands[0];
      if (first === undefined) return problems.push(`${path}: empty`);
      if (first.from !== 0 && first.from !== minimumAge.get(first))
        problems.push(`${path}: starts at ${first.from}`);
      bands.forEach((band, i) => {
        const next = bands[i + 1];
        if (next === undefined && band.to !== undefined) problems.push(`${path}: last band closed`);
        if (next !== undefined && (band.to === undefined || next.from !== band.to + 1)) {
          problems.push(`${path}[${i + 1}]: not contiguous`);
        }
      });
      return undefined;
    };
    const { sources: _sources, ...modules } = reference;
    walk(modules, 'reference');
    expect(problems).toEqual([]);

    // Proportions are proportions.
    const proportions: [string, number][] = [
      ...reference.conditions.flatMap((c) =>
        c.prevalence.bands.flatMap((b): [string, number][] => [
          [`${c.id} male`, b.male],
          [`${c.id} female`, b.female],
        ]),
      ),
      ...reference.conditions.flatMap((c): [string, number][] =>
        c.mortality === undefined ? [] : [[`${c.id} shareOfDeaths`, c.mortality.shareOfDeaths]],
      ),
      ...reference.immunisations.map((m): [string, number] => [m.id, m.coverage.value]),
      ['carers recorded', reference.carers.recorded.value],
      ['moves within district', reference.moves.withinDistrict.value],
      ['smoking recorded', reference.smoking.recordedPerYear.rate],
      ['bmi recorded', reference.bmi.recordedPerYear.rate],
    ];
    for (const [what, value] of proportions) {
      expect(value, what).toBeGreaterThanOrEqual(0);
      expect(value, what).toBeLessThanOrEqual(1);
    }

    // Cancer stages, and causes of death at every age and sex, sum to 1.
    for (const c of reference.conditions) {
      if (c.stages === undefined) continue;
      const total = c.stages.shares.reduce((sum, s) => sum + s.share, 0);
      expect(Math.abs(total - 1), c.id).toBeLessThanOrEqual(SHARE_TOLERANCE);
    }
    expect(reference.mortality.causes.shares.map((s) => s.cause).sort()).toEqual([...CAUSES_OF_DEATH].sort());
    expect(reference.mortality.causeCodes.map((s) => s.cause).sort()).toEqual([...CAUSES_OF_DEATH].sort());
    for (let age = 0; age <= LIFE_TABLE_LAST_AGE; age++) {
      for (const sex of ['male', 'female'] as const) {
        const total = reference.mortality.causes.shares.reduce((sum, s) => {
          const band = s.bands.find((b) => age >= b.from && (b.to === undefined || age <= b.to));
          return sum + (band?.[sex] ?? Number.NaN);
        }, 0);
        expect(Math.abs(total - 1), `${sex} ${age}`).toBeLessThanOrEqual(SHARE_TOLERANCE);
      }
    }

    // The life table: every age once, 0 < qx ≤ 1, rising with age after childhood, and closing at 100.
    const qx = reference.mortality.lifeTable.qx;
    expect(qx.map((row) => row.age)).toEqual(
      Array.from({ length: LIFE_TABLE_LAST_AGE + 1 }, (_, age) => age),
    );
    for (const row of qx) {
      for (const q of [row.male, row.female]) {
        expect(q).toBeGreaterThan(0);
        expect(q).toBeLessThanOrEqual(1);
      }
      if (row.age >= 30 && row.age < LIFE_TABLE_LAST_AGE) {
        const next = qx[row.age + 1];
        expect(next?.male).toBeGreaterThan(row.male);
        expect(next?.female).toBeGreaterThan(row.female);
      }
    }
    expect(qx.at(-1)).toEqual({ age: LIFE_TABLE_LAST_AGE, male: 1, female: 1 });

    // Deciles 1 to 10 once each, life expectancy rising as deprivation falls.
    const deciles = reference.mortality.lifeExpectancyByDecile.deciles;
    expect(deciles.map((d) => d.decile)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    deciles.forEach((d, i) => {
      const previous = deciles[i - 1];
      if (previous === undefined) return;
      expect(d.male).toBeGreaterThan(previous.male);
      expect(d.female).toBeGreaterThan(previous.female);
    });
  });

  it('has a life table whose life expectancy at birth is England’s of 2017–2019 (79.8 males, 83.4 females)', () => {
    const expectancy = (sex: 'male' | 'female') => {
      let alive = 1;
      let years = 0;
      for (const row of reference.mortality.lifeTable.qx) {
        const q = row[sex];
        years += row.age === LIFE_TABLE_LAST_AGE ? alive * 2 : alive * (1 - q * (row.age === 0 ? 0.9 : 0.5));
        alive *= 1 - q;
      }
      return years;
    };
    expect(expectancy('male')).toBeCloseTo(79.8, 1);
    expect(expectancy('female')).toBeCloseTo(83.4, 1);
  });
});

describe('faults planted in a copy of the reference', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A temporary copy of the reference folder with `edits` applied: file → [text to find, replacement]. */
  function plant(edits: Partial<Record<keyof typeof REFERENCE_FILES, [string, string][]>>): string {
    const dir = mkdtempSync(join(tmpdir(), 'accord-reference-'));
    dirs.push(dir);
    cpSync(referenceDir, dir, { recursive: true });
    for (const [part, replacements] of Object.entries(edits)) {
      const path = join(dir, REFERENCE_FILES[part as keyof typeof REFERENCE_FILES]);
      let text = readFileSync(path, 'utf8');
      for (const [find, replace] of replacements) {
        if (!text.includes(find)) throw new Error(`${part}: "${find}" is not in the file`);
        text = text.replace(find, replace);
      }
      writeFileSync(path, text);
    }
    return dir;
  }

  function issuesOf(dir: string): Issue[] {
    const result = loadLifeCourseReference(dir);
    if (result.ok) throw new Error('expected the folder to be refused');
    return result.error;
  }

  /** The 1-based line of the first occurrence of `text` in a file of the folder. */
  function lineOf(dir: string, part: keyof typeof REFERENCE_FILES, text: string): number {
    const lines = readFileSync(join(dir, REFERENCE_FILES[part]), 'utf8').split('\n');
    const index = lines.findIndex((line) => line.includes(text));
    if (index < 0) throw new Error(`${part}: "${text}" is not in the file`);
    return index + 1;
  }

  it('reports an unknown source with its file and line', () => {
    const dir = plant({
      smoking: [['rate: 0.35, source: booth-2013', 'rate: 0.35, source: booth-2013 no-such-source']],
    });
    expect(issuesOf(dir)).toEqual([
      {
        file: 'life-course/smoking.yaml',
        line: lineOf(dir, 'smoking', 'no-such-source'),
        path: 'smoking.recordedPerYear.source',
        message: 'unknown source no-such-source: add it to sources.yaml',
      },
    ]);
  });

  it('reports a SNOMED CT id with a bad check digit', () => {
    const dir = plant({ conditions: [["code: '44054006'", "code: '44054007'"]] });
    expect(issuesOf(dir)).toEqual([
      {
        file: 'life-course/conditions.yaml',
        line: lineOf(dir, 'conditions', '44054007'),
        path: 'conditions[0].snomed.code',
        message: expect.stringMatching(/44054007 fails the Verhoeff check digit/),
      },
    ]);
  });

  it('reports a gap in age bands', () => {
    const dir = plant({ moves: [['{ from: 18, to: 19,', '{ from: 19, to: 19,']] });
    expect(issuesOf(dir)).toEqual([
      {
        file: 'life-course/moves.yaml',
        line: lineOf(dir, 'moves', '{ from: 19, to: 19,'),
        path: 'moves.perYear.bands[3].from',
        message: 'leaves a gap: age 18 is in no band (the band before ends at 17)',
      },
    ]);
  });

  it('reports overlapping bands and a closed last band', () => {
    const dir = plant({
      violence: [
        ['{ from: 25, to: 34, male: 0.0012', '{ from: 24, to: 34, male: 0.0012'],
        ['{ from: 65, male: 0.0001', '{ from: 65, to: 99, male: 0.0001'],
      ],
    });
    expect(issuesOf(dir)).toEqual([
      expect.objectContaining({
        file: 'life-course/violence.yaml',
        line: lineOf(dir, 'violence', '{ from: 24, to: 34'),
        path: 'violence.admissionsPerYear.bands[2].from',
        message: 'overlaps the band before, which ends at 24: must be 25',
      }),
      expect.objectContaining({
        line: lineOf(dir, 'violence', '{ from: 65, to: 99'),
        path: 'violence.admissionsPerYear.bands[6].to',
      }),
    ]);
  });

  it('reports shares that do not sum to 1: cancer stages and causes of death', () => {
    const dir = plant({
      conditions: [["- { stage: '1', share: 0.3,", "- { stage: '1', share: 0.35,"]],
      mortality: [['- { from: 85, male: 0.26, female: 0.25 }', '- { from: 85, male: 0.26, female: 0.2 }']],
    });
    const issues = issuesOf(dir);
    expect(issues).toEqual([
      {
        file: 'life-course/conditions.yaml',
        line: lineOf(dir, 'conditions', "- { stage: '1'"), // a list's line is that of its first item
        path: expect.stringMatching(/^conditions\[\d+\]\.stages\.shares$/),
        message: 'stage shares sum to 1.05, not 1',
      },
      {
        file: 'life-course/mortality.yaml',
        line: lineOf(dir, 'mortality', '- { from: 85, male: 0.26, female: 0.2 }'),
        path: 'mortality.causes.shares[0].bands[6].female',
        message: 'female shares at age 85 sum to 0.95 across the causes, not 1',
      },
    ]);
  });

  it('reports a risk factor naming an unknown condition', () => {
    const dir = plant({
      conditions: [['{ condition: obesity, relativeRisk: 3.0,', '{ condition: obesty, relativeRisk: 3.0,']],
    });
    expect(issuesOf(dir)).toEqual([
      {
        file: 'life-course/conditions.yaml',
        line: lineOf(dir, 'conditions', 'obesty'),
        path: 'conditions[0].riskFactors[0].condition',
        message: 'unknown condition obesty: not an id in conditions.yaml',
      },
    ]);
  });

  it('reports a cycle of risk factors once, where it closes', () => {
    // Obesity ← hypertension ← obesity.
    const dir = plant({
      conditions: [
        [
          '    mortality: { hazardRatio: 1.4, cause: circulatory',
          '    riskFactors:\n      - { condition: hypertension, relativeRisk: 1.1, source: hse-2019 }\n    mortality: { hazardRatio: 1.4, cause: circulatory',
        ],
      ],
    });
    const issues = issuesOf(dir);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toEqual({
      file: 'life-course/conditions.yaml',
      line: expect.any(Number),
      path: expect.stringMatching(/^conditions\[\d+\]\.riskFactors\[0\]\.condition$/),
      message: expect.stringMatching(
        /^risk factors form a cycle: (hypertension → obesity → hypertension|obesity → hypertension → obesity)/,
      ),
    });
    const text = readFileSync(join(dir, REFERENCE_FILES.conditions), 'utf8').split('\n');
    expect(text[(issues[0]?.line ?? 0) - 1]).toMatch(/condition: (hypertension|obesity)/);
  });

  it('reports a gap in the life table, a table that does not close, and a missing setting', () => {
    const dir = plant({
      mortality: [
        ['      - { age: 57,', '      - { age: 58,'],
        ['      - { age: 100, male: 1, female: 1 }', '      - { age: 100, male: 0.5, female: 1 }'],
      ],
      encounters: [['  - setting: ambulance\n', '  - setting: community\n']],
    });
    const issues = issuesOf(dir);
    expect(issues).toContainEqual(
      expect.objectContaining({
        file: 'life-course/mortality.yaml',
        message: expect.stringMatching(/no row for age\(s\) 57:/),
      }),
    );
    expect(issues).toContainEqual(
      expect.objectContaining({
        path: 'mortality.lifeTable.qx[58].age',
        message: 'duplicate age 58: already at [57]',
      }),
    );
    expect(issues).toContainEqual({
      file: 'life-course/mortality.yaml',
      line: lineOf(dir, 'mortality', '{ age: 100, male: 0.5'),
      path: 'mortality.lifeTable.qx[100].male',
      message: expect.stringMatching(/^must be 1/),
    });
    expect(issues).toContainEqual(
      expect.objectContaining({
        path: 'encounters[7].setting',
        message: 'duplicate setting community: already at [6]',
      }),
    );
    expect(issues).toContainEqual(
      expect.objectContaining({
        path: 'encounters',
        message: expect.stringMatching(/no entry for ambulance/),
      }),
    );
  });

  it('reports every fault of every file in one pass, and schema faults with their line', () => {
    const dir = plant({
      smoking: [['rate: 0.35, source: booth-2013', 'rate: 1.35, source: booth-2013']],
      moves: [['{ from: 18, to: 19,', '{ from: 19, to: 19,']],
      encounters: [['    recorded: yearly\n', '    recorded: monthly\n']],
      carers: [["isCarer: { code: '224484003'", 'isCarer: { code: 224484003']],
    });
    const issues = issuesOf(dir);
    expect(issues).toContainEqual({
      file: 'life-course/smoking.yaml',
      line: lineOf(dir, 'smoking', 'rate: 1.35'),
      path: 'smoking.recordedPerYear.rate',
      message: 'must be a proportion between 0 and 1',
    });
    expect(issues).toContainEqual(
      expect.objectContaining({ file: 'life-course/moves.yaml', path: 'moves.perYear.bands[3].from' }),
    );
    expect(issues).toContainEqual({
      file: 'life-course/encounters.yaml',
      line: lineOf(dir, 'encounters', 'recorded: monthly'),
      path: 'encounters[0].recorded',
      message: "must be 'each' (a dated event a contact) or 'yearly'",
    });
    expect(issues).toContainEqual(
      expect.objectContaining({
        file: 'life-course/carers.yaml',
        line: lineOf(dir, 'carers', 'code: 224484003'),
        path: 'carers.codes.isCarer.code',
        message: expect.stringMatching(/quoted string of digits/),
      }),
    );
    for (const issue of issues) expect(issue.line, JSON.stringify(issue)).toBeGreaterThan(0);
  });

  it('reports a missing file and a folder that is not there', () => {
    const dir = plant({});
    rmSync(join(dir, REFERENCE_FILES.bmi));
    expect(issuesOf(dir)).toEqual([
      { file: 'life-course/bmi.yaml', message: expect.stringMatching(/missing/) },
    ]);
    expect(issuesOf(join(dir, 'nowhere'))).toEqual([
      { file: join(dir, 'nowhere'), message: expect.stringMatching(/not a folder/) },
    ]);
  });
});
