/**
 * @module synthetic/feeds/faults
 * The fault model of the partner feeds, as data: how often a record of each kind of organisation lacks the NHS number
 * or carries a mistyped one, a variant of the name, a typo, a date of birth with day and month swapped, an old
 * address, or a second record for the same person. Record linkage (issue 4) is tested against these faults; the
 * ground truth beside the feeds says which record carries which.
 *
 * Each rate is the chance that a record open to the fault carries it: a nickname needs a given name that has one in
 * the name table, a hyphenation variant a surname of two parts, a swap a day of 12 or less that differs from the
 * month, an old address an earlier address, a mistyped number a number not already missing. The report counts, for
 * each fault, the records open to it and those that carry it, so applied ÷ eligible is the rate configured.
 *
 * The defaults approximate published figures where there is one, and are otherwise Accord's stated assumptions
 * (marked so), to be replaced when a source is found. Rates can be changed for every kind at once (`all`) or for one
 * kind; anything that is not a known fault and kind, or a rate outside 0…1, is refused with the field named.
 */
import { z } from 'zod';
import { problem, type Issue, type Problem } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { ORGANISATION_KINDS, type OrganisationKind } from './organisations.js';

export const FAULTS = [
  'missingNhsNumber',
  'mistypedNhsNumber',
  'nickname',
  'transliteration',
  'hyphenation',
  'nameTypo',
  'swappedDayMonth',
  'oldAddress',
  'duplicateRecord',
] as const;
export type Fault = (typeof FAULTS)[number];

export type FaultRates = Readonly<Record<Fault, number>>;
export type FaultProfile = Readonly<Record<OrganisationKind, FaultRates>>;

/** The names the ground truth gives each fault (kebab case, as in the manifest). */
export const FAULT_LABELS: Readonly<Record<Fault, string>> = {
  missingNhsNumber: 'missing-nhs-number',
  mistypedNhsNumber: 'mistyped-nhs-number',
  nickname: 'nickname',
  transliteration: 'transliteration',
  hyphenation: 'hyphenation',
  nameTypo: 'name-typo',
  swappedDayMonth: 'swapped-day-month',
  oldAddress: 'old-address',
  duplicateRecord: 'duplicate-record',
};

/**
 * Secondary care (acute, mental health, community): "about one record in twenty" lacks a usable NHS number (issue 3,
 * from the NHS number completeness of secondary-care data sets). Everything else in this table is an assumption.
 */
const SECONDARY: FaultRates = {
  missingNhsNumber: 0.05,
  // Assumption: a number present but keyed wrongly is rarer than none at all (most are traced on the Spine).
  mistypedNhsNumber: 0.005,
  // Assumption: a nickname or short form given at reception (Bill for William).
  nickname: 0.03,
  // Assumption: another romanisation or an accent dropped by the system.
  transliteration: 0.03,
  // Assumption: half a double-barrelled surname, or hyphen and space swapped — common where it can happen.
  hyphenation: 0.15,
  // Assumption: one mistyped letter in the given or family name.
  nameTypo: 0.01,
  // Assumption: a date of birth read the American way (only possible when the day is 12 or less).
  swappedDayMonth: 0.005,
  // Assumption: a move not yet told to the organisation.
  oldAddress: 0.05,
  // Assumption: a second hospital number made when the first was not found.
  duplicateRecord: 0.01,
};

export const DEFAULT_FAULTS: FaultProfile = {
  // A practice registers patients through the Spine (PDS), so its numbers are all but complete and traced; people
  // tell it of moves late (assumption), and the odd patient is registered twice (assumption).
  gp: {
    missingNhsNumber: 0.001,
    mistypedNhsNumber: 0.001,
    nickname: 0.01,
    transliteration: 0.01,
    hyphenation: 0.05,
    nameTypo: 0.003,
    swappedDayMonth: 0.001,
    oldAddress: 0.03,
    duplicateRecord: 0.003,
  },
  acute: SECONDARY,
  'mental-health': SECONDARY,
  community: SECONDARY,
  // Assumption: details taken at the scene, often from someone else and without the Spine, so every fault is more
  // common; the address is where the crew was sent, so it is rarely an old one.
  ambulance: {
    missingNhsNumber: 0.15,
    mistypedNhsNumber: 0.01,
    nickname: 0.08,
    transliteration: 0.06,
    hyphenation: 0.25,
    nameTypo: 0.03,
    swappedDayMonth: 0.01,
    oldAddress: 0.01,
    duplicateRecord: 0.03,
  },
  // Assumption: councils' social care systems hold the NHS number for most but not all of the people they support.
  'social-care': {
    ...SECONDARY,
    missingNhsNumber: 0.1,
    duplicateRecord: 0.02,
  },
};

const Rate = z.number({ error: 'must be a number' }).min(0, 'must be at least 0').max(1, 'must be at most 1');
const PartialRates = z.strictObject(Object.fromEntries(FAULTS.map((fault) => [fault, Rate.optional()])));
const Settings = z.strictObject(
  Object.fromEntries(['all', ...ORGANISATION_KINDS].map((kind) => [kind, PartialRates.optional()])),
);

/** Fault rates as a caller gives them: for every kind (`all`) and for single kinds, each overriding the defaults. */
export type FaultSettings = Partial<Record<'all' | OrganisationKind, Partial<Record<Fault, number>>>>;

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const inside = issue.path.length === 0 ? `all, ${ORGANISATION_KINDS.join(', ')}` : FAULTS.join(', ');
    return `${issue.keys.join(', ')} ${issue.keys.length === 1 ? 'is' : 'are'} not known: use ${inside}`;
  }
  return issue.message;
}

/**
 * Checks fault settings (e.g. from a JSON file) and lays them over the defaults: `all` first, then the kind's own.
 * Every problem is reported with its field (`faults.acute.missingNhsNumber`).
 */
export function resolveFaults(settings: unknown = {}): Result<FaultProfile, Problem> {
  const parsed = Settings.safeParse(settings);
  if (!parsed.success) {
    const issues: Issue[] = parsed.error.issues.map((issue) => {
      const path = ['faults', ...issue.path.map(String)].join('.');
      return { path, message: `${path}: ${describe(issue)}` };
    });
    return err(
      problem(
        'bad-input',
        `The fault rates have problems: ${issues.map((issue) => issue.message).join('; ')}.`,
        `Give each rate as a number from 0 to 1 under all or one of ${ORGANISATION_KINDS.join(', ')}, naming one of ${FAULTS.join(', ')}.`,
        issues,
      ),
    );
  }
  const given = parsed.data as FaultSettings;
  const profile = Object.fromEntries(
    ORGANISATION_KINDS.map((kind) => [kind, { ...DEFAULT_FAULTS[kind], ...given.all, ...given[kind] }]),
  ) as Record<OrganisationKind, FaultRates>;
  return ok(profile);
}

/** How many records were open to each fault, and how many carry it, by kind of organisation. */
export type FaultTally = Record<OrganisationKind, Record<Fault, { eligible: number; applied: number }>>;

export function emptyTally(): FaultTally {
  return Object.fromEntries(
    ORGANISATION_KINDS.map((kind) => [
      kind,
      Object.fromEntries(FAULTS.map((fault) => [fault, { eligible: 0, applied: 0 }])),
    ]),
  ) as FaultTally;
}
