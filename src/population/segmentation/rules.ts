/**
 * @module population/segmentation/rules
 * What the rules mean for one person on one date, in plain TypeScript: the reference the SQL of `cells-sql.ts` is
 * tested against. A person's facts on 31 December (age, the code lists ever recorded, the windows met, ethnic
 * category) give their eFI deficits and category (aged 65 and over), their number of long-term conditions and
 * their Bridges to Health segment — the highest-numbered one whose tests they meet.
 */
import {
  EFI_CATEGORIES,
  efiCategoryOf,
  efiCutPoints,
  type EfiCategory,
  type SegmentationRules,
  type Test,
  type WindowTest,
} from './reference.js';

/** A window test's key: the same window named twice is one column. */
export const windowKey = (w: WindowTest): string => `${w.months}:${w.codeList}:${w.valueCodes ?? ''}`;

export interface PersonFacts {
  /** Whole years on the date. */
  readonly age: number;
  /** The code lists with a code recorded on or before the date. */
  readonly ever: ReadonlySet<string>;
  /** The windows (by windowKey) with an event in them. */
  readonly within: ReadonlySet<string>;
  readonly ethnicCategory: string | null;
}

export interface PersonGrades {
  readonly longTermConditions: number;
  /** Deficits present, only from the eFI's minimum age; undefined below it. */
  readonly efiDeficits: number | undefined;
  readonly efi: EfiCategory | undefined;
  readonly segment: number;
}

export type RulesForGrading = Pick<SegmentationRules, 'segments' | 'longTermConditions' | 'efi'>;

export function meets(test: Test, facts: PersonFacts, grades: Omit<PersonGrades, 'segment'>): boolean {
  if ('ever' in test) return facts.ever.has(test.ever);
  if ('within' in test) return facts.within.has(windowKey(test.within));
  if ('ageBelow' in test) return facts.age < test.ageBelow;
  if ('efiAtLeast' in test)
    return (
      grades.efi !== undefined &&
      EFI_CATEGORIES.indexOf(grades.efi) >= EFI_CATEGORIES.indexOf(test.efiAtLeast)
    );
  if ('longTermCondition' in test) return grades.longTermConditions > 0;
  return facts.ethnicCategory !== null && !test.ethnicCategoryNot.includes(facts.ethnicCategory);
}

export function grade(facts: PersonFacts, rules: RulesForGrading): PersonGrades {
  const longTermConditions = rules.longTermConditions.codeLists.filter((id) => facts.ever.has(id)).length;
  const efiDeficits =
    facts.age < rules.efi.minimumAge
      ? undefined
      : rules.efi.deficits.filter((d) => d.codeLists?.some((id) => facts.ever.has(id)) ?? false).length;
  const efi = efiDeficits === undefined ? undefined : efiCategoryOf(efiDeficits, efiCutPoints(rules));
  const partial = { longTermConditions, efiDeficits, efi };
  // The segments are listed from 8 down: the first whose tests are met is the highest that applies.
  const segment =
    rules.segments.find((s) => s.anyOf.some((test) => meets(test, facts, partial)))?.number ?? 1;
  return { ...partial, segment };
}
