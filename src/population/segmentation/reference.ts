/**
 * @module population/segmentation/reference
 * The rules of segmentation as data (`reference/segmentation/segmentation.yaml`): the Bridges to Health segments and
 * their hierarchy, the long-term conditions counted, the electronic Frailty Index's 36 deficits and which of them
 * the feeds measure, and the Core20PLUS5 cohorts — each with its source. Read and checked here against the indicator
 * catalogue (every code list named must exist there or in the file's own `extraCodeLists`), so a rule cannot name
 * a list nobody defined. Every problem is returned at once, with its file, line and path. Pure apart from reading
 * the file.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readYamlFile } from '../../core/input-file.js';
import { referenceDir } from '../../core/paths.js';
import type { Issue } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import type { CodeList } from '../indicators/definition.js';

export const SEGMENTATION_FILE = join(referenceDir, 'segmentation', 'segmentation.yaml');
/** A partnership's own PLUS groups, in its folder. */
export const PLUS_GROUPS_FILE = 'core20plus5.yaml';

const Id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'an id of lower-case letters, digits and hyphens');
const Text = z.string().min(1);
const Months = z.number().int().min(1).max(120);

const Window = z
  .object({ months: Months, codeList: Id, valueCodes: Id.optional() })
  .strict()
  .describe('events of a code list in the months up to the date');

export const EFI_CATEGORIES = ['fit', 'mild', 'moderate', 'severe'] as const;
export type EfiCategory = (typeof EFI_CATEGORIES)[number];

const Test = z.union([
  z.object({ ever: Id }).strict(),
  z.object({ within: Window }).strict(),
  z.object({ ageBelow: z.number().int().min(1).max(120) }).strict(),
  z.object({ efiAtLeast: z.enum(EFI_CATEGORIES) }).strict(),
  z.object({ longTermCondition: z.literal(true) }).strict(),
  z.object({ ethnicCategoryNot: z.array(z.string().regex(/^[A-Z]$/)).min(1) }).strict(),
]);
export type Test = z.infer<typeof Test>;
export type WindowTest = z.infer<typeof Window>;

const Source = z
  .object({
    id: Id,
    title: Text,
    publisher: Text,
    url: z.url().optional(),
    published: z.string().optional(),
    note: Text,
  })
  .strict();

const CodeListSchema = z
  .object({
    title: Text,
    system: z.enum(['snomed', 'loinc', 'icd10']),
    codes: z.array(Text).min(1),
    source: Id,
  })
  .strict();

const Segment = z
  .object({
    number: z.number().int().min(1).max(8),
    id: Id,
    name: Text,
    lynn: Text,
    rule: Text,
    anyOf: z.array(Test),
    source: Text,
  })
  .strict();
export type Segment = z.infer<typeof Segment>;

const PlusGroup = z
  .object({ id: Id, name: Text, where: Test, note: Text.optional(), source: Text.optional() })
  .strict();
export type PlusGroup = z.infer<typeof PlusGroup>;

const ClinicalArea = z
  .object({
    id: Id,
    name: Text,
    cohort: Text,
    where: Test.optional(),
    measure: z.object({ within: Window, name: Text }).strict().optional(),
    note: Text.optional(),
    indicators: z.array(Id).optional(),
  })
  .strict();
export type ClinicalArea = z.infer<typeof ClinicalArea>;

const SegmentationSchema = z
  .object({
    sources: z.array(Source).min(1),
    extraCodeLists: z.record(Id, CodeListSchema),
    segments: z.array(Segment).length(8),
    longTermConditions: z.object({ codeLists: z.array(Id).min(1), source: Text }).strict(),
    efi: z
      .object({
        minimumAge: z.number().int().min(0),
        denominator: z.number().int().min(1),
        source: Text,
        categories: z
          .array(
            z
              .object({ id: z.enum(EFI_CATEGORIES), name: Text, upTo: z.number().gt(0).lt(1).optional() })
              .strict(),
          )
          .length(EFI_CATEGORIES.length),
        deficits: z.array(z.object({ name: Text, codeLists: z.array(Id).min(1).optional() }).strict()),
      })
      .strict(),
    core20plus5: z
      .object({
        minimumAge: z.number().int().min(0),
        source: Text,
        core20: z.object({ imdQuintile: z.number().int().min(1).max(5) }).strict(),
        plusGroups: z.array(PlusGroup),
        clinicalAreas: z.array(ClinicalArea).length(5),
      })
      .strict(),
  })
  .strict();

export type SegmentationRules = z.infer<typeof SegmentationSchema> & {
  /** Every code list the rules may name: the catalogue's and the file's own. */
  readonly codeLists: Readonly<Record<string, CodeList>>;
};

const PlusGroupsFile = z.object({ plusGroups: z.array(PlusGroup).min(1) }).strict();
/** Only the ids of a partnership's sources.yaml (the partnership loader checks the rest). */
const PartnershipSources = z.object({ sources: z.array(z.object({ id: z.string() }).loose()) }).loose();

/** The code lists a test names. */
export function codeListsOfTest(test: Test): string[] {
  if ('ever' in test) return [test.ever];
  if ('within' in test)
    return [test.within.codeList, ...(test.within.valueCodes === undefined ? [] : [test.within.valueCodes])];
  return [];
}

/**
 * Checks the rules against each other and the catalogue's code lists: segments 8 down to 1 once each with only the
 * last without tests, categories in order with rising cut-points, 36 deficits (the eFI's denominator), every code
 * list and source named defined.
 */
export function checkRules(
  data: z.infer<typeof SegmentationSchema>,
  catalogueLists: Readonly<Record<string, CodeList>>,
  file: string,
): Result<SegmentationRules, Issue[]> {
  const issues: Issue[] = [];
  const issue = (path: string, message: string) => issues.push({ file, path, message });
  const codeLists: Record<string, CodeList> = { ...catalogueLists };
  for (const [id, list] of Object.entries(data.extraCodeLists)) {
    if (catalogueLists[id] !== undefined)
      issue(`extraCodeLists.${id}`, 'is already a list of the indicator catalogue: use that one');
    codeLists[id] = { title: list.title, system: list.system, codes: list.codes, source: list.source };
  }
  const sourceIds = new Set(data.sources.map((source) => source.id));
  const checkSource = (path: string, text: string | undefined) => {
    if (text === undefined) return;
    for (const id of text.split(/\s+/))
      if (!sourceIds.has(id)) issue(path, `names the source ${id}, which sources does not list`);
  };
  const checkList = (path: string, id: string) => {
    if (codeLists[id] === undefined)
      issue(path, `names the code list ${id}, which neither the catalogue nor extraCodeLists defines`);
  };
  const checkTest = (path: string, test: Test) => {
    for (const id of codeListsOfTest(test)) checkList(path, id);
  };
  for (const [id, list] of Object.entries(data.extraCodeLists))
    checkSource(`extraCodeLists.${id}.source`, list.source);

  data.segments.forEach((segment, i) => {
    const path = `segments[${i}]`;
    if (segment.number !== 8 - i)
      issue(`${path}.number`, `must be ${8 - i}: segments are listed from 8 (highest) down to 1`);
    if (segment.number === 1 && segment.anyOf.length > 0)
      issue(`${path}.anyOf`, 'segment 1 is everyone else: it has no tests');
    if (segment.number !== 1 && segment.anyOf.length === 0) issue(`${path}.anyOf`, 'needs at least one test');
    segment.anyOf.forEach((test, j) => {
      checkTest(`${path}.anyOf[${j}]`, test);
      if ('ethnicCategoryNot' in test)
        issue(`${path}.anyOf[${j}]`, 'a segment is not decided by ethnic category');
    });
    checkSource(`${path}.source`, segment.source);
  });
  data.longTermConditions.codeLists.forEach((id, i) => checkList(`longTermConditions.codeLists[${i}]`, id));

  const { efi } = data;
  checkSource('efi.source', efi.source);
  if (efi.deficits.length !== efi.denominator)
    issue(
      'efi.deficits',
      `lists ${efi.deficits.length} deficits; the eFI has ${efi.denominator} (its denominator)`,
    );
  efi.categories.forEach((category, i) => {
    const path = `efi.categories[${i}]`;
    if (category.id !== EFI_CATEGORIES[i])
      issue(`${path}.id`, `must be ${EFI_CATEGORIES[i] ?? ''}: categories run fit, mild, moderate, severe`);
    const last = i === efi.categories.length - 1;
    if (last !== (category.upTo === undefined))
      issue(`${path}.upTo`, last ? 'the last category has no upper limit' : 'needs its upper limit');
    const before = efi.categories[i - 1]?.upTo;
    if (category.upTo !== undefined && before !== undefined && category.upTo <= before)
      issue(`${path}.upTo`, 'must be above the previous category’s');
  });
  efi.deficits.forEach((deficit, i) =>
    deficit.codeLists?.forEach((id, j) => checkList(`efi.deficits[${i}].codeLists[${j}]`, id)),
  );

  const c = data.core20plus5;
  checkSource('core20plus5.source', c.source);
  c.plusGroups.forEach((group, i) => checkTest(`core20plus5.plusGroups[${i}].where`, group.where));
  c.clinicalAreas.forEach((area, i) => {
    if (area.where !== undefined) checkTest(`core20plus5.clinicalAreas[${i}].where`, area.where);
    if (area.measure !== undefined)
      checkTest(`core20plus5.clinicalAreas[${i}].measure`, { within: area.measure.within });
  });
  return issues.length > 0 ? err(issues) : ok({ ...data, codeLists });
}

/** Reads and checks the segmentation rules; a partnership's `core20plus5.yaml`, when its folder has one, gives the PLUS groups. */
export function loadSegmentationRules(
  catalogueLists: Readonly<Record<string, CodeList>>,
  partnershipDir?: string,
  file: string = SEGMENTATION_FILE,
): Result<SegmentationRules, Issue[]> {
  const issues: Issue[] = [];
  const read = readYamlFile(
    file,
    file,
    SegmentationSchema,
    'is missing: the segmentation rules are read from it',
    issues,
  );
  if (read === undefined) return err(issues);
  let data = read.data;
  if (partnershipDir !== undefined && existsSync(join(partnershipDir, PLUS_GROUPS_FILE))) {
    const own = join(partnershipDir, PLUS_GROUPS_FILE);
    const groups = readYamlFile(own, own, PlusGroupsFile, '', issues);
    if (groups === undefined) return err(issues);
    // A group's source names an entry of the partnership's own sources.yaml.
    const sources = readYamlFile(
      join(partnershipDir, 'sources.yaml'),
      join(partnershipDir, 'sources.yaml'),
      PartnershipSources,
      `is missing: ${PLUS_GROUPS_FILE} names its sources there`,
      issues,
    );
    if (sources === undefined) return err(issues);
    const known = new Set(sources.data.sources.map((source) => source.id));
    groups.data.plusGroups.forEach((group, i) => {
      for (const id of group.source?.split(/\s+/) ?? []) {
        if (!known.has(id))
          issues.push({
            file: own,
            line: groups.locate(['plusGroups', i, 'source']),
            path: `plusGroups[${i}].source`,
            message: `names the source ${id}, which the partnership's sources.yaml does not list`,
          });
      }
    });
    if (issues.length > 0) return err(issues);
    data = { ...data, core20plus5: { ...data.core20plus5, plusGroups: groups.data.plusGroups } };
  }
  return checkRules(data, catalogueLists, file);
}

/** The largest number of deficits in each category but the last: the score's cut-points as whole deficits. */
export function efiCutPoints(rules: Pick<SegmentationRules, 'efi'>): number[] {
  // A score of d/36 is in a category when it is at most its upper limit; 1e-9 keeps 0.12 × 36 = 4.32 from
  // becoming 4.3199… and losing a deficit to floating point.
  return rules.efi.categories
    .filter((category) => category.upTo !== undefined)
    .map((category) => Math.floor((category.upTo ?? 0) * rules.efi.denominator + 1e-9));
}

/** The eFI category of a number of deficits present (pure; the SQL uses the same cut-points). */
export function efiCategoryOf(deficits: number, cutPoints: readonly number[]): EfiCategory {
  const index = cutPoints.findIndex((most) => deficits <= most);
  return EFI_CATEGORIES[index === -1 ? EFI_CATEGORIES.length - 1 : index] ?? 'severe';
}

/** The deficits the feeds measure (with code lists), and the rest. */
export function efiCoverage(rules: Pick<SegmentationRules, 'efi'>): {
  measured: string[];
  notMeasured: string[];
} {
  return {
    measured: rules.efi.deficits.filter((d) => d.codeLists !== undefined).map((d) => d.name),
    notMeasured: rules.efi.deficits.filter((d) => d.codeLists === undefined).map((d) => d.name),
  };
}
