/**
 * @module population/indicators/definition
 * The indicator language: an indicator is data (a YAML file in the `indicators/` folder), checked here into a typed
 * definition — who is counted (the population, or denominator), what is counted of them (the numerator), over which
 * periods, the measure and its multiplier, polarity, rationale and source. Both engines (reference-engine.ts and
 * sql-engine.ts) read only this model, so a definition means one thing.
 *
 * Criteria are a small algebra over a person's record in the analytic store:
 * - `event`: the person has an event of a kind (condition, observation, immunisation, encounter, episode), with a
 *   code in a code list, in a window relative to the period; optionally its value in a range, its value code or
 *   reason code in a list, its setting one of several; `latest: true` tests the person's latest event of that kind
 *   and codes in the window instead of any (QOF's "latest smoking status is current smoker");
 * - `died`: the person died within the period;
 * - `age`, `sex`: at the population's reference date;
 * - `allOf`, `anyOf`, `not`.
 *
 * Windows: `ever` (on or before the period's end), `period` (within it), or `{ monthsBefore: n }` (the n months up
 * to the period's end). Ages are whole years at the reference date, from year and month of birth (the store keeps
 * no day): a person is taken to have their birthday on the first of their birth month.
 */
import { z } from 'zod';
import type { Issue } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';

export const EVENT_KINDS = ['condition', 'observation', 'immunisation', 'encounter', 'episode'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

const Id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and hyphens');
const Text = z.string().trim().min(1, 'must not be empty');

const Window = z.union([
  z.literal('ever'),
  z.literal('period'),
  z.strictObject({ monthsBefore: z.int().min(1).max(600) }),
]);
export type Window = z.infer<typeof Window>;

const Range = z
  .strictObject({ min: z.number().optional(), max: z.number().optional() })
  .refine((range) => range.min !== undefined || range.max !== undefined, 'needs min, max or both')
  .refine(
    (range) => range.min === undefined || range.max === undefined || range.min <= range.max,
    'min must not be above max',
  );

const EventCriterion = z.strictObject({
  event: z.strictObject({
    kind: z.enum(EVENT_KINDS),
    codes: Id.optional(),
    within: Window.default('ever'),
    latest: z.boolean().default(false),
    value: Range.optional(),
    valueCodes: Id.optional(),
    reasonCodes: Id.optional(),
    setting: z.array(Text).min(1).optional(),
  }),
});
export type EventCriterion = z.infer<typeof EventCriterion>['event'];

const AgeRange = z
  .strictObject({ min: z.int().min(0).max(130).optional(), max: z.int().min(0).max(130).optional() })
  .refine((range) => range.min !== undefined || range.max !== undefined, 'needs min, max or both')
  .refine(
    (range) => range.min === undefined || range.max === undefined || range.min <= range.max,
    'min must not be above max',
  );
export type AgeRange = z.infer<typeof AgeRange>;

export type Criterion =
  | { readonly event: EventCriterion }
  | { readonly died: { readonly within: 'period' } }
  | { readonly age: AgeRange }
  | { readonly sex: 'female' | 'male' }
  | { readonly allOf: readonly Criterion[] }
  | { readonly anyOf: readonly Criterion[] }
  | { readonly not: Criterion };

const Criterion: z.ZodType<Criterion> = z.lazy(() =>
  z.union([
    EventCriterion,
    z.strictObject({ died: z.strictObject({ within: z.literal('period') }) }),
    z.strictObject({ age: AgeRange }),
    z.strictObject({ sex: z.enum(['female', 'male']) }),
    z.strictObject({ allOf: z.array(Criterion).min(1) }),
    z.strictObject({ anyOf: z.array(Criterion).min(1) }),
    z.strictObject({ not: Criterion }),
  ]),
);

export const MEASURES = [
  'proportion',
  'crude-rate',
  'directly-standardised-rate',
  'count',
  'life-expectancy',
] as const;
export type Measure = (typeof MEASURES)[number];

const IndicatorSchema = z
  .strictObject({
    id: Id,
    title: Text,
    /** What a reader is told it shows, in a sentence. */
    description: Text,
    rationale: Text,
    /** Where the definition comes from (a national indicator it follows, or the partnership's own). */
    source: Text,
    priority: z.array(Id).min(1),
    measure: z.enum(MEASURES),
    /** Multiplier: 100 for a percentage, 1000 or 100000 for a rate. */
    per: z.union([z.literal(1), z.literal(100), z.literal(1000), z.literal(10000), z.literal(100000)]),
    polarity: z.enum(['high-is-good', 'low-is-good', 'no-judgement']),
    /** Calendar years the indicator is computed for, each from 1 January to 31 December. */
    years: z.strictObject({ from: z.int().min(1990).max(2100), to: z.int().min(1990).max(2100) }),
    population: z.strictObject({
      /** Registered with a practice of the partnership (the registered population), or every person known. */
      registered: z.boolean().default(true),
      /** The date ages and survival are taken at: the period's start (for deaths and events in it) or end. */
      at: z.enum(['start', 'end']).default('end'),
      where: Criterion.optional(),
    }),
    /** What is counted: for a life expectancy, the deaths (`died: {within: period}`). */
    numerator: z.strictObject({
      /** Persons meeting the criterion, or events counted (an `event` criterion within the period). */
      count: z.enum(['persons', 'events']).default('persons'),
      where: Criterion,
    }),
  })
  .superRefine((indicator, ctx) => {
    if (indicator.years.from > indicator.years.to) {
      ctx.addIssue({ code: 'custom', path: ['years', 'to'], message: 'must not be before years.from' });
    }
    const numerator = indicator.numerator;
    if (numerator.count === 'events') {
      const where = numerator.where;
      if (!('event' in where) || where.event.within !== 'period' || where.event.latest) {
        ctx.addIssue({
          code: 'custom',
          path: ['numerator', 'where'],
          message: 'counting events needs one event criterion with within: period (and not latest)',
        });
      }
      if (indicator.measure === 'proportion') {
        ctx.addIssue({
          code: 'custom',
          path: ['numerator', 'count'],
          message: 'a proportion counts persons (events can outnumber the population)',
        });
      }
    }
    // Deaths and events in the year are counted among those alive when it starts: taken at its end, everyone who
    // died in it would already be out of the population, and their deaths and admissions with them.
    if (
      indicator.population.at !== 'start' &&
      (numerator.count === 'events' || mentionsDeath(numerator.where))
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['population', 'at'],
        message: 'counting deaths or events in the period needs the population at its start (at: start)',
      });
    }
    if (indicator.measure === 'life-expectancy') {
      if (indicator.population.at !== 'start') {
        ctx.addIssue({
          code: 'custom',
          path: ['population', 'at'],
          message: 'life expectancy takes the population at the period start',
        });
      }
      if (!('died' in numerator.where)) {
        ctx.addIssue({
          code: 'custom',
          path: ['numerator', 'where'],
          message: 'life expectancy counts deaths: the numerator is died: {within: period}',
        });
      }
    }
  });

export type Indicator = z.infer<typeof IndicatorSchema>;

function mentionsDeath(criterion: Criterion): boolean {
  if ('died' in criterion) return true;
  if ('allOf' in criterion) return criterion.allOf.some(mentionsDeath);
  if ('anyOf' in criterion) return criterion.anyOf.some(mentionsDeath);
  if ('not' in criterion) return mentionsDeath(criterion.not);
  return false;
}

/** A code list: codes of one system, with where they come from. */
const CodeListSchema = z.strictObject({
  title: Text,
  system: z.enum(['snomed', 'loinc', 'icd10', 'act-code']),
  codes: z
    .array(z.string().regex(/^[A-Za-z0-9.-]+$/, 'must be a code (letters, digits, dots, hyphens)'))
    .min(1),
  source: Text,
});
export type CodeList = z.infer<typeof CodeListSchema>;
export const CodeLists = z.record(Id, CodeListSchema);

const where = (path: readonly PropertyKey[]) => path.map(String).join('.');

/** Checks one definition; every problem named by its field, e.g. `numerator.where.event.kind`. */
export function parseIndicator(value: unknown, file: string): Result<Indicator, Issue[]> {
  const parsed = IndicatorSchema.safeParse(value);
  if (!parsed.success) {
    return err(
      parsed.error.issues.map((issue) => ({
        file,
        message: `${where(issue.path) === '' ? '' : `${where(issue.path)}: `}${issue.message}`,
      })),
    );
  }
  return ok(parsed.data);
}

export function parseCodeLists(value: unknown, file: string): Result<Record<string, CodeList>, Issue[]> {
  const parsed = CodeLists.safeParse(value);
  if (!parsed.success) {
    return err(
      parsed.error.issues.map((issue) => ({ file, message: `${where(issue.path)}: ${issue.message}` })),
    );
  }
  return ok(parsed.data);
}

/** The code list ids a criterion uses, to check each exists. */
export function codeListsOf(criterion: Criterion | undefined): string[] {
  if (criterion === undefined) return [];
  if ('event' in criterion) {
    return [criterion.event.codes, criterion.event.valueCodes, criterion.event.reasonCodes].filter(
      (id): id is string => id !== undefined,
    );
  }
  if ('allOf' in criterion) return criterion.allOf.flatMap(codeListsOf);
  if ('anyOf' in criterion) return criterion.anyOf.flatMap(codeListsOf);
  if ('not' in criterion) return codeListsOf(criterion.not);
  return [];
}
