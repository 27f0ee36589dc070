/**
 * @module synthetic/people
 * Who the residents are, beyond where they live and how old they are: an ethnic group in the proportions Census 2021
 * found in their district, and names with realistic frequencies for that group, sex and birth cohort. The partner-feed
 * generator then varies these names (name-variants.ts) to plant the faults record linkage has to see through, so the
 * names must look like West Yorkshire's — Hussain and Khan as well as Smith and Taylor, Gurpreet born in 1965 and
 * Muhammad born in 2015 — or the linkage tests would be too easy.
 *
 * Tables (described in their folders' README.md files):
 *   <partnership>/calibration/ethnicity.csv  % of usual residents in each of the 19 Census 2021 ethnic groups, by district
 *   reference/names/forenames.csv            forenames by naming family, sex and birth cohort, with relative weights
 *   reference/names/surnames.csv             surnames by naming family (and sex, where the form differs: Kaur, Kowalska)
 *   reference/names/group-families.csv       which naming families each ethnic group draws its names from
 *   reference/names/mixed-parents.csv        the parents' ethnic groups of each Mixed group
 *   reference/names/nicknames.csv            nicknames, transliterations and spellings (read by name-variants.ts)
 *
 * As in calibration.ts, every cell is checked and every problem is reported with its file, line and column — never
 * thrown — and the checked tables are compiled once into alias tables, so each draw is constant time.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { readYamlFile } from '../core/input-file.js';
import { defaultPartnershipDir, packageRoot } from '../core/paths.js';
import type { Issue } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import { loadPartnership } from '../partnership/load.js';
import { Id, OnsCode } from '../partnership/schema.js';
import { buildAlias, drawAlias, type AliasTable } from './alias.js';
import {
  checkSources,
  checkUnique,
  decimalNumber,
  Percent,
  readTable,
  Sources,
  Text,
  valuesOf,
  type Located,
  type RowSchema,
} from './csv-table.js';
import type { Sex } from './demography.js';
import type { Random } from './random.js';

// --- Ethnic groups --------------------------------------------------------------------------------------------------

/**
 * The 19 ethnic groups of Census 2021 (table TS021) with the NHS Data Dictionary ethnic category code each falls under
 * (the 2001-based codes A–S that NHS records carry). Census 2021 added Roma and moved Chinese under Asian; the NHS codes
 * did not change, so Gypsy or Irish Traveller and Roma are C (any other White background), Chinese stays R and Arab is
 * S (any other ethnic group).
 */
export const ETHNIC_GROUPS = [
  {
    id: 'white-british',
    onsCode: 13,
    nhsCode: 'A',
    nhsName: 'White - British',
    censusName: 'White: English, Welsh, Scottish, Northern Irish or British',
  },
  { id: 'white-irish', onsCode: 14, nhsCode: 'B', nhsName: 'White - Irish', censusName: 'White: Irish' },
  {
    id: 'white-gypsy-or-irish-traveller',
    onsCode: 15,
    nhsCode: 'C',
    nhsName: 'White - Any other White background',
    censusName: 'White: Gypsy or Irish Traveller',
  },
  {
    id: 'white-roma',
    onsCode: 16,
    nhsCode: 'C',
    nhsName: 'White - Any other White background',
    censusName: 'White: Roma',
  },
  {
    id: 'white-other',
    onsCode: 17,
    nhsCode: 'C',
    nhsName: 'White - Any other White background',
    censusName: 'White: Other White',
  },
  {
    id: 'mixed-white-and-black-caribbean',
    onsCode: 11,
    nhsCode: 'D',
    nhsName: 'Mixed - White and Black Caribbean',
    censusName: 'Mixed or Multiple ethnic groups: White and Black Caribbean',
  },
  {
    id: 'mixed-white-and-black-african',
    onsCode: 10,
    nhsCode: 'E',
    nhsName: 'Mixed - White and Black African',
    censusName: 'Mixed or Multiple ethnic groups: White and Black African',
  },
  {
    id: 'mixed-white-and-asian',
    onsCode: 9,
    nhsCode: 'F',
    nhsName: 'Mixed - White and Asian',
    censusName: 'Mixed or Multiple ethnic groups: White and Asian',
  },
  {
    id: 'mixed-other',
    onsCode: 12,
    nhsCode: 'G',
    nhsName: 'Mixed - Any other mixed background',
    censusName: 'Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups',
  },
  {
    id: 'asian-indian',
    onsCode: 3,
    nhsCode: 'H',
    nhsName: 'Asian or Asian British - Indian',
    censusName: 'Asian, Asian British or Asian Welsh: Indian',
  },
  {
    id: 'asian-pakistani',
    onsCode: 4,
    nhsCode: 'J',
    nhsName: 'Asian or Asian British - Pakistani',
    censusName: 'Asian, Asian British or Asian Welsh: Pakistani',
  },
  {
    id: 'asian-bangladeshi',
    onsCode: 1,
    nhsCode: 'K',
    nhsName: 'Asian or Asian British - Bangladeshi',
    censusName: 'Asian, Asian British or Asian Welsh: Bangladeshi',
  },
  {
    id: 'asian-chinese',
    onsCode: 2,
    nhsCode: 'R',
    nhsName: 'Other Ethnic Groups - Chinese',
    censusName: 'Asian, Asian British or Asian Welsh: Chinese',
  },
  {
    id: 'asian-other',
    onsCode: 5,
    nhsCode: 'L',
    nhsName: 'Asian or Asian British - Any other Asian background',
    censusName: 'Asian, Asian British or Asian Welsh: Other Asian',
  },
  {
    id: 'black-african',
    onsCode: 6,
    nhsCode: 'N',
    nhsName: 'Black or Black British - African',
    censusName: 'Black, Black British, Black Welsh, Caribbean or African: African',
  },
  {
    id: 'black-caribbean',
    onsCode: 7,
    nhsCode: 'M',
    nhsName: 'Black or Black British - Caribbean',
    censusName: 'Black, Black British, Black Welsh, Caribbean or African: Caribbean',
  },
  {
    id: 'black-other',
    onsCode: 8,
    nhsCode: 'P',
    nhsName: 'Black or Black British - Any other Black background',
    censusName: 'Black, Black British, Black Welsh, Caribbean or African: Other Black',
  },
  {
    id: 'other-arab',
    onsCode: 18,
    nhsCode: 'S',
    nhsName: 'Other Ethnic Groups - Any other ethnic group',
    censusName: 'Other ethnic group: Arab',
  },
  {
    id: 'other-any',
    onsCode: 19,
    nhsCode: 'S',
    nhsName: 'Other Ethnic Groups - Any other ethnic group',
    censusName: 'Other ethnic group: Any other ethnic group',
  },
] as const;

export type EthnicGroup = (typeof ETHNIC_GROUPS)[number]['id'];
export type EthnicGroupInfo = (typeof ETHNIC_GROUPS)[number];
export type NhsEthnicCode = EthnicGroupInfo['nhsCode'] | 'Z';

/** NHS ethnic category Z: the code a record carries when no ethnic group was stated. */
export const NOT_STATED = { nhsCode: 'Z', nhsName: 'Not stated' } as const;

const GROUP_IDS: readonly string[] = ETHNIC_GROUPS.map((group) => group.id);
const groupInfo = new Map<string, EthnicGroupInfo>(ETHNIC_GROUPS.map((group) => [group.id, group]));

export function isEthnicGroup(text: string): text is EthnicGroup {
  return groupInfo.has(text);
}

/** The four Mixed groups take their names from their parents' groups (mixed-parents.csv). */
export function isMixed(group: EthnicGroup): boolean {
  return group.startsWith('mixed-');
}

export function ethnicGroupInfo(group: EthnicGroup): EthnicGroupInfo {
  return groupInfo.get(group) as EthnicGroupInfo;
}

// --- Files ----------------------------------------------------------------------------------------------------------

export const PEOPLE_FILES = {
  ethnicity: 'ethnicity.csv',
  forenames: 'forenames.csv',
  surnames: 'surnames.csv',
  groupFamilies: 'group-families.csv',
  mixedParents: 'mixed-parents.csv',
  nicknames: 'nicknames.csv',
} as const;

/** Where the tables are: the partnership's ethnicity table and the national name tables. */
export interface PeopleSources {
  readonly ethnicityFile: string;
  readonly namesDir: string;
}

export const defaultPeopleSources: PeopleSources = {
  ethnicityFile: join(defaultPartnershipDir, 'calibration', PEOPLE_FILES.ethnicity),
  namesDir: join(packageRoot, 'reference', 'names'),
};

/** What the tables refer to outside themselves. */
export interface PeopleContext {
  /** Source ids of the partnership's sources.yaml (cited by ethnicity.csv). */
  readonly partnershipSourceIds: ReadonlySet<string>;
  readonly placeIds: ReadonlySet<string>;
  /** Source ids of the name tables' sources.yaml (reference/sources.yaml and/or reference/names/sources.yaml). */
  readonly nameSourceIds: ReadonlySet<string>;
}

// --- Cells ----------------------------------------------------------------------------------------------------------
// As well as the common ones of csv-table.ts (numbers, percentages, text, source ids).

const Weight = decimalNumber.pipe(
  z.number().positive('must be a weight above 0: rows that are never drawn do not belong in the table'),
);
const Year = z
  .string()
  .regex(/^\d{4}$/, 'must be a year such as 1954, or empty for every year')
  .transform(Number);
const OptionalYear = z.union([z.literal('').transform(() => undefined), Year]);
const SexCell = z.enum(['female', 'male'], { error: 'must be female or male' });
const GroupCell = z.string().transform((text, ctx) => {
  if (isEthnicGroup(text)) return text;
  ctx.addIssue({
    code: 'custom',
    message: `unknown ethnic group ${JSON.stringify(text)}: use one of ${GROUP_IDS.join(', ')}`,
  });
  return z.NEVER;
});

// --- Rows -----------------------------------------------------------------------------------------------------------

export const EthnicityRow = z
  .object({
    lad_code: OnsCode,
    lad_name: Text,
    place: Id,
    ethnic_group: GroupCell,
    ons_code: z
      .string()
      .regex(/^\d{1,2}$/, 'must be a Census 2021 ethnic group code, 1 to 19')
      .transform(Number),
    persons_pct: Percent,
    basis: z.enum(['published', 'apportioned'], { error: 'must be published or apportioned' }),
    source: Sources,
  })
  // A transform, not a refinement: it runs only once every cell has passed, so one bad cell gives one issue.
  .transform((row, ctx) => {
    const expected = ethnicGroupInfo(row.ethnic_group).onsCode;
    if (row.ons_code !== expected) {
      ctx.addIssue({
        code: 'custom',
        path: ['ons_code'],
        message: `must be ${expected}, the Census 2021 code of ${row.ethnic_group}`,
      });
    }
    return {
      lad: row.lad_code,
      ladName: row.lad_name,
      place: row.place,
      group: row.ethnic_group,
      onsCode: row.ons_code,
      pct: row.persons_pct,
      basis: row.basis,
      sources: row.source,
    };
  });

export const ForenameRow = z
  .object({
    family: Id,
    sex: SexCell,
    born_from: OptionalYear,
    born_to: OptionalYear,
    name: Text,
    weight: Weight,
    source: Sources,
    note: z.string(),
  })
  .transform((row, ctx) => {
    if ((row.born_from === undefined) !== (row.born_to === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [row.born_from === undefined ? 'born_from' : 'born_to'],
        message: 'born_from and born_to must both be years, or both empty for names of every cohort',
      });
    } else if (row.born_from !== undefined && row.born_to !== undefined && row.born_to < row.born_from) {
      ctx.addIssue({ code: 'custom', path: ['born_to'], message: 'must not be before born_from' });
    }
    return {
      family: row.family,
      sex: row.sex,
      bornFrom: row.born_from,
      bornTo: row.born_to,
      name: row.name,
      weight: row.weight,
      sources: row.source,
      note: row.note,
    };
  });

export const SurnameRow = z
  .object({
    family: Id,
    sex: z.enum(['any', 'female', 'male'], { error: 'must be any, female or male' }),
    name: Text,
    weight: Weight,
    source: Sources,
    note: z.string(),
  })
  .transform((row) => ({
    family: row.family,
    sex: row.sex,
    name: row.name,
    weight: row.weight,
    sources: row.source,
    note: row.note,
  }));

export const GroupFamilyRow = z
  .object({
    ethnic_group: GroupCell,
    forename_family: Id,
    surname_family: Id,
    weight: Weight,
    source: Sources,
    note: z.string(),
  })
  .transform((row, ctx) => {
    if (isMixed(row.ethnic_group)) {
      ctx.addIssue({
        code: 'custom',
        path: ['ethnic_group'],
        message: `${row.ethnic_group} is a Mixed group: its names come from its parents' groups in ${PEOPLE_FILES.mixedParents}`,
      });
    }
    return {
      group: row.ethnic_group,
      forenameFamily: row.forename_family,
      surnameFamily: row.surname_family,
      weight: row.weight,
      sources: row.source,
    };
  });

export const MixedParentRow = z
  .object({
    ethnic_group: GroupCell,
    side: z.enum(['a', 'b'], { error: 'must be a or b (one parent each)' }),
    parent_group: GroupCell,
    weight: Weight,
    source: Sources,
    note: z.string(),
  })
  .transform((row, ctx) => {
    if (!isMixed(row.ethnic_group)) {
      ctx.addIssue({
        code: 'custom',
        path: ['ethnic_group'],
        message: `must be a Mixed group; ${row.ethnic_group} takes its names from ${PEOPLE_FILES.groupFamilies}`,
      });
    }
    if (isMixed(row.parent_group)) {
      ctx.addIssue({
        code: 'custom',
        path: ['parent_group'],
        message: 'must not be a Mixed group: a parent group names its own naming families',
      });
    }
    return {
      group: row.ethnic_group,
      side: row.side,
      parent: row.parent_group,
      weight: row.weight,
      sources: row.source,
    };
  });

export const NameVariantRow = z
  .object({
    formal: Text,
    variant: Text,
    kind: z.enum(['nickname', 'transliteration', 'spelling'], {
      error: 'must be nickname, transliteration or spelling',
    }),
    source: Sources,
    note: z.string(),
  })
  .transform((row, ctx) => {
    if (row.formal === row.variant) {
      ctx.addIssue({ code: 'custom', path: ['variant'], message: 'must differ from formal' });
    }
    return { formal: row.formal, variant: row.variant, kind: row.kind, sources: row.source, note: row.note };
  });

export type EthnicityShare = z.output<typeof EthnicityRow>;
export type Forename = z.output<typeof ForenameRow>;
export type Surname = z.output<typeof SurnameRow>;
export type GroupFamily = z.output<typeof GroupFamilyRow>;
export type MixedParent = z.output<typeof MixedParentRow>;
export type NameVariant = z.output<typeof NameVariantRow>;
export type NameVariantKind = NameVariant['kind'];

export interface PeopleTables {
  readonly ethnicity: readonly EthnicityShare[];
  readonly forenames: readonly Forename[];
  readonly surnames: readonly Surname[];
  readonly groupFamilies: readonly GroupFamily[];
  readonly mixedParents: readonly MixedParent[];
  readonly nicknames: readonly NameVariant[];
}

/** How far a district's percentages may add up from 100: published figures are rounded to one decimal. */
export const PERCENT_SUM_TOLERANCE = 0.2;

// --- Reading --------------------------------------------------------------------------------------------------------

/** Only the ids matter here; the rest of each entry is checked where the file is owned (it is shared). */
const SourcesFile = z.looseObject({ sources: z.array(z.looseObject({ id: Id })).min(1) });

/** The source ids of one sources.yaml (same shape as a partnership's), or issues naming its problems. */
function readSourceIds(path: string, file: string, issues: Issue[]): string[] {
  const read = readYamlFile(path, file, SourcesFile, 'file is missing', issues);
  return read === undefined ? [] : read.data.sources.map((source) => source.id);
}

/**
 * The sources the name tables may cite: reference/names/sources.yaml, reference/sources.yaml (shared with other
 * reference data), or both — whichever exist.
 */
function nameSourceIdsOf(namesDir: string, issues: Issue[]): Set<string> {
  const candidates = [
    { path: join(namesDir, 'sources.yaml'), file: 'names/sources.yaml' },
    { path: resolve(namesDir, '..', 'sources.yaml'), file: 'sources.yaml' },
  ].filter((candidate) => existsSync(candidate.path));
  if (candidates.length === 0) {
    issues.push({
      file: 'sources.yaml',
      message: `no sources.yaml beside or above ${namesDir}: the name tables' sources must be listed`,
    });
  }
  return new Set(candidates.flatMap((candidate) => readSourceIds(candidate.path, candidate.file, issues)));
}

function contextOf(sources: PeopleSources, issues: Issue[]): PeopleContext | undefined {
  // The ethnicity table sits in <partnership>/calibration/.
  const partnershipDir = resolve(dirname(sources.ethnicityFile), '..');
  const loaded = loadPartnership(partnershipDir);
  if (!loaded.ok) {
    issues.push(...loaded.error);
    return undefined;
  }
  const { sources: partnershipSources, places } = loaded.value.partnership;
  return {
    partnershipSourceIds: new Set(partnershipSources.map((source) => source.id)),
    placeIds: new Set(places.map((place) => place.id)),
    nameSourceIds: nameSourceIdsOf(sources.namesDir, issues),
  };
}

/**
 * Reads and checks the ethnicity table and the name tables. `context` gives the ids they may refer to; by default they
 * are read from the partnership folder above the ethnicity table and from the name tables' sources.yaml.
 */
export function loadPeople(
  sources: PeopleSources = defaultPeopleSources,
  context?: PeopleContext,
): Result<PeopleTables, Issue[]> {
  if (!existsSync(sources.namesDir) || !statSync(sources.namesDir).isDirectory()) {
    return err([{ file: sources.namesDir, message: 'is not a folder: give the folder of the name tables' }]);
  }
  const issues: Issue[] = [];
  const known = context ?? contextOf(sources, issues);
  if (known === undefined) return err(issues);
  const F = PEOPLE_FILES;
  const read = <S extends RowSchema>(path: string, file: string, schema: S) =>
    readTable(path, file, schema, `file is missing (looked for ${path}): see the folder's README.md`, issues);
  const names = (file: string) => join(sources.namesDir, file);
  const ethnicity = read(sources.ethnicityFile, F.ethnicity, EthnicityRow);
  const forenames = read(names(F.forenames), F.forenames, ForenameRow);
  const surnames = read(names(F.surnames), F.surnames, SurnameRow);
  const groupFamilies = read(names(F.groupFamilies), F.groupFamilies, GroupFamilyRow);
  const mixedParents = read(names(F.mixedParents), F.mixedParents, MixedParentRow);
  const nicknames = read(names(F.nicknames), F.nicknames, NameVariantRow);

  const nameSources = 'the name tables’ sources.yaml';
  checkSources(F.ethnicity, ethnicity, known.partnershipSourceIds, 'the partnership’s sources.yaml', issues);
  checkSources(F.forenames, forenames, known.nameSourceIds, nameSources, issues);
  checkSources(F.surnames, surnames, known.nameSourceIds, nameSources, issues);
  checkSources(F.groupFamilies, groupFamilies, known.nameSourceIds, nameSources, issues);
  checkSources(F.mixedParents, mixedParents, known.nameSourceIds, nameSources, issues);
  checkSources(F.nicknames, nicknames, known.nameSourceIds, nameSources, issues);

  checkUnique(
    F.ethnicity,
    ethnicity,
    'ethnic_group',
    (r) => `${r.lad} ${r.group}`,
    'district and group',
    issues,
  );
  checkUnique(
    F.forenames,
    forenames,
    'name',
    (r) => `${r.family} ${r.sex} ${r.bornFrom ?? 'any'}-${r.bornTo ?? 'any'} ${r.name}`,
    'family, sex, cohort and name',
    issues,
  );
  checkUnique(
    F.surnames,
    surnames,
    'name',
    (r) => `${r.family} ${r.sex} ${r.name}`,
    'family, sex and name',
    issues,
  );
  checkUnique(
    F.groupFamilies,
    groupFamilies,
    'surname_family',
    (r) => `${r.group} ${r.forenameFamily} ${r.surnameFamily}`,
    'group and families',
    issues,
  );
  checkUnique(
    F.mixedParents,
    mixedParents,
    'parent_group',
    (r) => `${r.group} ${r.side} ${r.parent}`,
    'parent',
    issues,
  );
  checkUnique(
    F.nicknames,
    nicknames,
    'variant',
    (r) => `${r.formal} ${r.variant} ${r.kind}`,
    'variant',
    issues,
  );

  // Each district: known place, one name and place throughout, all 19 groups, adding up to 100.
  const byDistrict = new Map<string, Located<EthnicityShare>[]>();
  for (const row of ethnicity?.rows ?? []) {
    if (!known.placeIds.has(row.value.place)) {
      issues.push({
        file: F.ethnicity,
        line: row.line,
        path: 'place',
        message: `unknown place ${row.value.place}: not in places.yaml`,
      });
    }
    byDistrict.set(row.value.lad, [...(byDistrict.get(row.value.lad) ?? []), row]);
  }
  for (const [lad, rows] of byDistrict) {
    const [first] = rows;
    if (first === undefined) continue;
    for (const { line, value } of rows) {
      if (value.ladName !== first.value.ladName || value.place !== first.value.place) {
        issues.push({
          file: F.ethnicity,
          line,
          path: value.ladName !== first.value.ladName ? 'lad_name' : 'place',
          message: `must match line ${first.line} for ${lad} (${first.value.ladName}, ${first.value.place})`,
        });
      }
    }
    if (ethnicity?.complete !== true) continue; // a bad row is reported already, not again as a missing group
    const present = new Set(rows.map((row) => row.value.group));
    const absent = GROUP_IDS.filter((group) => !present.has(group as EthnicGroup));
    if (absent.length > 0) {
      issues.push({
        file: F.ethnicity,
        line: first.line,
        path: 'ethnic_group',
        message: `${lad} has no row for ${absent.join(', ')}: every district needs all 19 groups`,
      });
    }
    const sum = rows.reduce((total, row) => total + row.value.pct, 0);
    if (Math.abs(sum - 100) > PERCENT_SUM_TOLERANCE + 1e-9) {
      issues.push({
        file: F.ethnicity,
        line: first.line,
        path: 'persons_pct',
        message: `the percentages of ${lad} add up to ${sum.toFixed(2)}: they must add up to 100 (±${PERCENT_SUM_TOLERANCE})`,
      });
    }
  }

  // Forename cohorts of one family and sex must not overlap, or a birth year would have two tables.
  const cohorts = new Map<string, Map<string, Located<Forename>>>();
  for (const row of forenames?.rows ?? []) {
    const key = `${row.value.family} ${row.value.sex}`;
    const cohort = `${row.value.bornFrom ?? ''}-${row.value.bornTo ?? ''}`;
    const seen = cohorts.get(key) ?? new Map<string, Located<Forename>>();
    if (!seen.has(cohort)) seen.set(cohort, row);
    cohorts.set(key, seen);
  }
  for (const [key, seen] of cohorts) {
    const list = [...seen.values()];
    for (let i = 0; i < list.length; i++) {
      for (let j = 0; j < i; j++) {
        const a = list[i] as Located<Forename>;
        const b = list[j] as Located<Forename>;
        const overlap =
          (a.value.bornFrom ?? -Infinity) <= (b.value.bornTo ?? Infinity) &&
          (b.value.bornFrom ?? -Infinity) <= (a.value.bornTo ?? Infinity);
        if (overlap) {
          issues.push({
            file: F.forenames,
            line: a.line,
            path: 'born_from',
            message: `the cohort ${a.value.bornFrom ?? 'any'}-${a.value.bornTo ?? 'any'} of ${key} overlaps the one on line ${b.line}`,
          });
        }
      }
    }
  }

  // Every family a group names has forenames and surnames for both sexes; every group has its naming rows.
  if (forenames?.complete === true && surnames?.complete === true && groupFamilies?.complete === true) {
    const hasForenames = new Set(forenames.rows.map((r) => `${r.value.family} ${r.value.sex}`));
    const hasSurnames = new Set(
      surnames.rows.flatMap((r) =>
        r.value.sex === 'any'
          ? [`${r.value.family} female`, `${r.value.family} male`]
          : [`${r.value.family} ${r.value.sex}`],
      ),
    );
    for (const { line, value } of groupFamilies.rows) {
      for (const sex of ['female', 'male'] as const) {
        if (!hasForenames.has(`${value.forenameFamily} ${sex}`)) {
          issues.push({
            file: F.groupFamilies,
            line,
            path: 'forename_family',
            message: `${value.forenameFamily} has no ${sex} forenames in ${F.forenames}`,
          });
        }
        if (!hasSurnames.has(`${value.surnameFamily} ${sex}`)) {
          issues.push({
            file: F.groupFamilies,
            line,
            path: 'surname_family',
            message: `${value.surnameFamily} has no surnames a ${sex} resident can take in ${F.surnames}`,
          });
        }
      }
    }
    const named = new Set(groupFamilies.rows.map((r) => r.value.group));
    for (const group of ETHNIC_GROUPS) {
      if (!isMixed(group.id) && !named.has(group.id)) {
        issues.push({
          file: F.groupFamilies,
          message: `no row for ${group.id}: every non-Mixed group needs one`,
        });
      }
    }
  }
  if (mixedParents?.complete === true) {
    const sides = new Set(mixedParents.rows.map((r) => `${r.value.group} ${r.value.side}`));
    for (const group of ETHNIC_GROUPS) {
      for (const side of ['a', 'b'] as const) {
        if (isMixed(group.id) && !sides.has(`${group.id} ${side}`)) {
          issues.push({
            file: F.mixedParents,
            message: `no parent on side ${side} for ${group.id}: every Mixed group needs both`,
          });
        }
      }
    }
  }

  if (issues.length > 0) return err(issues);
  return ok({
    ethnicity: valuesOf(ethnicity),
    forenames: valuesOf(forenames),
    surnames: valuesOf(surnames),
    groupFamilies: valuesOf(groupFamilies),
    mixedParents: valuesOf(mixedParents),
    nicknames: valuesOf(nicknames),
  });
}

// --- Samplers -------------------------------------------------------------------------------------------------------

/** About a third of people have a middle name (brief for issue 3; the name tables have no figure for it). */
export const MIDDLE_NAME_SHARE = 1 / 3;

export interface PersonName {
  readonly given: string;
  readonly middle?: string;
  readonly family: string;
}

export interface People {
  /** The districts (local authority codes) with an ethnicity table. */
  readonly districts: ReadonlySet<string>;
  /** An ethnic group in the district's Census 2021 proportions. Throws for a district not in `districts` (a bug). */
  drawEthnicity(ladCode: string, random: Random): EthnicGroup;
  /** Names for a resident of the group, sex and birth year (years outside the tables' cohorts take the nearest). */
  drawName(group: EthnicGroup, sex: Sex, birthYear: number, random: Random): PersonName;
}

interface Sampler<T> {
  readonly items: readonly T[];
  readonly table: AliasTable;
}

function sampler<T>(pairs: readonly (readonly [T, number])[], what: string): Result<Sampler<T>, string> {
  const table = buildAlias(pairs.map(([, weight]) => weight));
  if (!table.ok) return err(`${what}: ${table.error}`);
  return ok({ items: pairs.map(([item]) => item), table: table.value });
}

function draw<T>(from: Sampler<T>, random: Random): T {
  return from.items[drawAlias(from.table, random)] as T;
}

/** Forename samplers of one family and sex, one per birth year from `first` to `last` (shared between years). */
interface CohortSamplers {
  readonly first: number;
  readonly last: number;
  readonly byYear: readonly Sampler<string>[];
}

function compileCohorts(rows: readonly Forename[], what: string): Result<CohortSamplers, string> {
  const groups = new Map<string, Forename[]>();
  for (const row of rows) {
    const key = `${row.bornFrom ?? ''}-${row.bornTo ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const cohorts: { from: number; to: number; sampler: Sampler<string> }[] = [];
  for (const members of groups.values()) {
    const [first] = members;
    if (first === undefined) continue;
    const compiled = sampler(
      members.map((row) => [row.name, row.weight] as const),
      `${what} ${first.bornFrom ?? 'any'}-${first.bornTo ?? 'any'}`,
    );
    if (!compiled.ok) return err(compiled.error);
    cohorts.push({
      from: first.bornFrom ?? -Infinity,
      to: first.bornTo ?? Infinity,
      sampler: compiled.value,
    });
  }
  const [only] = cohorts;
  if (only === undefined) return err(`${what}: no forenames`);
  const bounds = cohorts.flatMap((c) => [c.from, c.to]).filter((year) => Number.isFinite(year));
  if (bounds.length === 0) return ok({ first: 0, last: 0, byYear: [only.sampler] });
  const first = Math.min(...bounds);
  const last = Math.max(...bounds);
  const byYear: Sampler<string>[] = [];
  for (let year = first; year <= last; year++) {
    // The cohort holding the year, else the nearest one (a gap between cohorts takes its closer neighbour).
    let best = only;
    let bestDistance = Infinity;
    for (const cohort of cohorts) {
      const distance = year < cohort.from ? cohort.from - year : year > cohort.to ? year - cohort.to : 0;
      if (distance < bestDistance) {
        best = cohort;
        bestDistance = distance;
      }
    }
    byYear.push(best.sampler);
  }
  return ok({ first, last, byYear });
}

function forenameSampler(cohorts: CohortSamplers, birthYear: number): Sampler<string> {
  const year = Math.min(cohorts.last, Math.max(cohorts.first, Math.trunc(birthYear)));
  return cohorts.byYear[year - cohorts.first] as Sampler<string>;
}

interface Families {
  readonly forename: string;
  readonly surname: string;
}

/**
 * Compiles the samplers from checked tables, or from a calibration folder (its ethnicity.csv, with the national name
 * tables of reference/names), which is read and checked first. Fails with every problem of the tables, or with what is
 * missing if they do not cover one another.
 */
export function compilePeople(source: PeopleTables | string): Result<People, Issue[]> {
  let tables: PeopleTables;
  if (typeof source === 'string') {
    const loaded = loadPeople({
      ethnicityFile: join(source, PEOPLE_FILES.ethnicity),
      namesDir: defaultPeopleSources.namesDir,
    });
    if (!loaded.ok) return loaded;
    tables = loaded.value;
  } else {
    tables = source;
  }
  const compiled = compileSamplers(tables);
  return compiled.ok ? compiled : err([{ message: compiled.error }]);
}

function compileSamplers(tables: PeopleTables): Result<People, string> {
  const ethnicity = new Map<string, Sampler<EthnicGroup>>();
  const shares = new Map<string, EthnicityShare[]>();
  for (const row of tables.ethnicity) shares.set(row.lad, [...(shares.get(row.lad) ?? []), row]);
  for (const [lad, rows] of shares) {
    const compiled = sampler(
      rows.map((row) => [row.group, row.pct] as const),
      `ethnic groups of ${lad}`,
    );
    if (!compiled.ok) return err(compiled.error);
    ethnicity.set(lad, compiled.value);
  }

  const forenames = new Map<string, CohortSamplers>();
  const forenameRows = new Map<string, Forename[]>();
  for (const row of tables.forenames) {
    const key = `${row.family} ${row.sex}`;
    forenameRows.set(key, [...(forenameRows.get(key) ?? []), row]);
  }
  for (const [key, rows] of forenameRows) {
    const compiled = compileCohorts(rows, `forenames of ${key}`);
    if (!compiled.ok) return err(compiled.error);
    forenames.set(key, compiled.value);
  }

  const surnames = new Map<string, Sampler<string>>();
  for (const family of new Set(tables.surnames.map((row) => row.family))) {
    for (const sex of ['female', 'male'] as const) {
      const rows = tables.surnames.filter(
        (row) => row.family === family && (row.sex === 'any' || row.sex === sex),
      );
      if (rows.length === 0) continue;
      const compiled = sampler(
        rows.map((row) => [row.name, row.weight] as const),
        `surnames of ${family} ${sex}`,
      );
      if (!compiled.ok) return err(compiled.error);
      surnames.set(`${family} ${sex}`, compiled.value);
    }
  }

  const families = new Map<EthnicGroup, Sampler<Families>>();
  for (const group of ETHNIC_GROUPS) {
    const rows = tables.groupFamilies.filter((row) => row.group === group.id);
    if (rows.length === 0) continue;
    for (const row of rows) {
      for (const sex of ['female', 'male'] as const) {
        if (!forenames.has(`${row.forenameFamily} ${sex}`)) {
          return err(`${group.id} names ${row.forenameFamily}, which has no ${sex} forenames`);
        }
        if (!surnames.has(`${row.surnameFamily} ${sex}`)) {
          return err(`${group.id} names ${row.surnameFamily}, which has no surnames for a ${sex} resident`);
        }
      }
    }
    const compiled = sampler(
      rows.map((row) => [{ forename: row.forenameFamily, surname: row.surnameFamily }, row.weight] as const),
      `naming families of ${group.id}`,
    );
    if (!compiled.ok) return err(compiled.error);
    families.set(group.id, compiled.value);
  }

  const parents = new Map<EthnicGroup, { a: Sampler<EthnicGroup>; b: Sampler<EthnicGroup> }>();
  for (const group of ETHNIC_GROUPS) {
    if (!isMixed(group.id)) continue;
    const side = (which: 'a' | 'b') =>
      sampler(
        tables.mixedParents
          .filter((row) => row.group === group.id && row.side === which)
          .map((row) => [row.parent, row.weight] as const),
        `parents (side ${which}) of ${group.id}`,
      );
    const a = side('a');
    const b = side('b');
    if (!a.ok) return err(a.error);
    if (!b.ok) return err(b.error);
    for (const parent of [...a.value.items, ...b.value.items]) {
      if (!families.has(parent))
        return err(`${group.id} has parent group ${parent}, which has no naming families`);
    }
    parents.set(group.id, { a: a.value, b: b.value });
  }
  for (const group of new Set(tables.ethnicity.map((row) => row.group))) {
    if (!families.has(group) && !parents.has(group)) return err(`no names for ${group}`);
  }

  const forenameOf = (family: string, sex: Sex, birthYear: number, random: Random): string =>
    draw(forenameSampler(forenames.get(`${family} ${sex}`) as CohortSamplers, birthYear), random);
  /** A forename differing from `given`, or undefined if a few tries give only the same name. */
  const middleOf = (family: string, sex: Sex, birthYear: number, given: string, random: Random) => {
    for (let attempt = 0; attempt < 4; attempt++) {
      const name = forenameOf(family, sex, birthYear, random);
      if (name !== given) return name;
    }
    return undefined;
  };

  return ok({
    districts: new Set(ethnicity.keys()),
    drawEthnicity(ladCode, random) {
      const table = ethnicity.get(ladCode);
      if (table === undefined) throw new Error(`no ethnicity table for district ${ladCode}`);
      return draw(table, random);
    },
    drawName(group, sex, birthYear, random) {
      let forenameFamily: string;
      let middleFamily: string;
      let surnameFamily: string;
      const mixed = parents.get(group);
      if (mixed === undefined) {
        const chosen = draw(families.get(group) as Sampler<Families>, random);
        forenameFamily = chosen.forename;
        middleFamily = chosen.forename;
        surnameFamily = chosen.surname;
      } else {
        // One parent's surname; the given name from either parent, a middle name (if any) from the other.
        const a = draw(families.get(draw(mixed.a, random)) as Sampler<Families>, random);
        const b = draw(families.get(draw(mixed.b, random)) as Sampler<Families>, random);
        surnameFamily = random.next() < 0.5 ? a.surname : b.surname;
        const givenFromA = random.next() < 0.5;
        forenameFamily = givenFromA ? a.forename : b.forename;
        middleFamily = givenFromA ? b.forename : a.forename;
      }
      const given = forenameOf(forenameFamily, sex, birthYear, random);
      const middle =
        random.next() < MIDDLE_NAME_SHARE ? middleOf(middleFamily, sex, birthYear, given, random) : undefined;
      const family = draw(surnames.get(`${surnameFamily} ${sex}`) as Sampler<string>, random);
      return middle === undefined ? { given, family } : { given, middle, family };
    },
  });
}
