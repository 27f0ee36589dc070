/**
 * @module outcomes/peer-review/inputs
 * What an officer sends to start a peer review, record a stage done, add an item to the action plan and report an
 * item's progress: the shapes (zod), each problem with a message a person can act on and the path of its field, and
 * the checks against the partnership on the day (the subject and owner organisations must be in force). Pure; the
 * checks against the review's own record (order of stages, dates after earlier stages) are in `workflow.ts`.
 */
import { z } from 'zod';
import { pathText } from '../../core/input-file.js';
import type { Issue } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { Id, type Partnership } from '../../partnership/index.js';
import { inForceOn } from '../../partnership/views.js';
import {
  ACTION_PLAN_MONTHS_MAX,
  ACTION_PLAN_MONTHS_MIN,
  DEFAULT_ACTION_PLAN_MONTHS,
  STAGES,
  daysBetween,
  isIsoDay,
} from './due-dates.js';

export const TITLE_MAX = 200;
export const SCOPE_MAX = 5000;
export const PEER_TEXT_MAX = 200;
export const PEERS_MAX = 12;
export const SUMMARY_MAX = 5000;
export const LINK_MAX = 2000;
export const ACTION_MAX = 2000;
export const NOTE_MAX = 2000;
/** The longest on-site visit, in days: LGA peer challenges spend three to five days on site. */
export const VISIT_DAYS_MAX = 14;

/** Text a person must give: trimmed, not empty, not too long; `missing` says what to enter. */
const requiredText = (missing: string, max: number) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? missing : 'must be text') })
    .trim()
    .min(1, missing)
    .max(max, `must be ${max.toLocaleString('en-GB')} characters or fewer`);

/** A calendar day, YYYY-MM-DD; `missing` says which day to enter. */
const day = (missing: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? missing : 'must be a date written YYYY-MM-DD') })
    .refine((text) => text !== '', missing)
    .refine((text) => text === '' || isIsoDay(text), 'must be a real date, written YYYY-MM-DD');

export const SUBJECT_KINDS = ['partnership', 'place', 'programme'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

export const PeerInput = z
  .object({
    name: requiredText('Enter the peer’s name', PEER_TEXT_MAX),
    role: requiredText('Enter the peer’s role on the team, for example lead peer', PEER_TEXT_MAX),
    organisation: requiredText('Enter the organisation the peer comes from', PEER_TEXT_MAX),
  })
  .strict();

/** What an officer sends to start a peer review. */
export const ReviewInput = z
  .object({
    subjectKind: z.enum(SUBJECT_KINDS, {
      error: 'Choose what is reviewed: the whole partnership, a place or a programme',
    }),
    /** The place or programme id; absent or null for the whole partnership. */
    subjectId: Id.nullish(),
    title: requiredText('Enter a title for the review', TITLE_MAX),
    scope: requiredText('Enter the scope and focus the peers are asked to look at', SCOPE_MAX),
    visitStart: day('Enter the first day of the on-site visit'),
    visitEnd: day('Enter the last day of the on-site visit'),
    actionPlanMonths: z
      .number({ error: 'must be a whole number of months' })
      .int('must be a whole number of months')
      .min(
        ACTION_PLAN_MONTHS_MIN,
        `must be between ${ACTION_PLAN_MONTHS_MIN} and ${ACTION_PLAN_MONTHS_MAX} months`,
      )
      .max(
        ACTION_PLAN_MONTHS_MAX,
        `must be between ${ACTION_PLAN_MONTHS_MIN} and ${ACTION_PLAN_MONTHS_MAX} months`,
      )
      .default(DEFAULT_ACTION_PLAN_MONTHS),
    peers: z
      .array(PeerInput, {
        error: (issue) =>
          issue.input === undefined
            ? 'Enter at least one member of the peer team'
            : 'must be a list of peers',
      })
      .min(1, 'Enter at least one member of the peer team')
      .max(PEERS_MAX, `at most ${PEERS_MAX} peers`),
  })
  .strict();
export type ReviewInput = z.input<typeof ReviewInput>;

export interface Peer {
  readonly name: string;
  readonly role: string;
  readonly organisation: string;
}

export type Subject =
  { readonly kind: 'partnership' } | { readonly kind: 'place' | 'programme'; readonly id: string };

/** A review as started, once checked. */
export interface ReviewContent {
  readonly subject: Subject;
  readonly title: string;
  readonly scope: string;
  readonly visitStart: string;
  readonly visitEnd: string;
  readonly actionPlanMonths: number;
  readonly peers: readonly Peer[];
}

/** What an officer sends to record a stage done. */
export const StageInput = z
  .object({
    stage: z.enum(STAGES, { error: `must be one of ${STAGES.join(', ')}` }),
    doneOn: day('Enter the date it was done'),
    summary: requiredText('Enter a summary of the document or what happened', SUMMARY_MAX),
    /** Where the document is published (http or https); absent, null or empty for none. */
    link: z
      .string({ error: 'must be text' })
      .trim()
      .max(LINK_MAX, `must be ${LINK_MAX.toLocaleString('en-GB')} characters or fewer`)
      .refine(
        (text) => text === '' || /^https?:\/\/[^\s]+$/.test(text),
        'Enter a web address starting https:// or http://, or leave it empty',
      )
      .nullish(),
  })
  .strict();
export type StageInput = z.input<typeof StageInput>;

/** What an officer sends to add an item to the action plan. */
export const ActionInput = z
  .object({
    action: requiredText('Enter what will be done', ACTION_MAX),
    ownerOrganisation: Id.or(z.literal('')).refine(
      (text) => text !== '',
      'Choose the organisation that owns it',
    ),
    dueOn: day('Enter the date it is due'),
  })
  .strict();
export type ActionInput = z.input<typeof ActionInput>;

export const ACTION_STATUSES = ['not-started', 'in-progress', 'done', 'dropped'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
export const ACTION_STATUS_NAMES: Record<ActionStatus, string> = {
  'not-started': 'Not started',
  'in-progress': 'In progress',
  done: 'Done',
  dropped: 'Dropped',
};

/** What an officer sends to report an action's progress. */
export const ProgressInput = z
  .object({
    status: z.enum(ACTION_STATUSES, {
      error: 'Choose the status: not started, in progress, done or dropped',
    }),
    asOf: day('Enter the date the status is as of'),
    note: requiredText('Enter a note on the progress made', NOTE_MAX),
  })
  .strict();
export type ProgressInput = z.input<typeof ProgressInput>;

/** zod's issues as Accord's, each with the dotted path of its field (`peers[0].name`). */
export function zodIssues(error: z.ZodError): Issue[] {
  return error.issues.map((issue) => {
    const path = issue.path.length === 0 ? {} : { path: pathText(issue.path) };
    if (issue.code === 'unrecognized_keys') {
      return {
        ...path,
        message: `unknown field(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}: remove them`,
      };
    }
    return { ...path, message: issue.message };
  });
}

export const longDay = (iso: string): string =>
  new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });

/**
 * Checks a review against its schema and then against the partnership on `today`: the place or programme reviewed
 * must exist and be in force that day; the visit ends on or after its first day and lasts at most VISIT_DAYS_MAX.
 */
export function checkReview(
  input: unknown,
  partnership: Partnership,
  today: string,
): Result<ReviewContent, Issue[]> {
  const parsed = ReviewInput.safeParse(input);
  if (!parsed.success) return err(zodIssues(parsed.error));
  const data = parsed.data;
  const issues: Issue[] = [];
  const subjectId = data.subjectId ?? undefined;
  let subject: Subject = { kind: 'partnership' };
  if (data.subjectKind === 'partnership') {
    if (subjectId !== undefined) {
      issues.push({
        path: 'subjectId',
        message: 'a review of the whole partnership names no place or programme',
      });
    }
  } else {
    const kind = data.subjectKind;
    const entries = kind === 'place' ? partnership.places : partnership.programmes;
    const entry = subjectId === undefined ? undefined : entries.find((e) => e.id === subjectId);
    if (subjectId === undefined) {
      issues.push({ path: 'subjectId', message: `Choose the ${kind} reviewed` });
    } else if (entry === undefined) {
      issues.push({
        path: 'subjectId',
        message: `unknown ${kind} '${subjectId}': use the id of one of the partnership's ${kind}s (see /api/partnership/${kind}s)`,
      });
    } else if (!inForceOn(entry, today)) {
      issues.push({
        path: 'subjectId',
        message: `'${subjectId}' is not a ${kind} of the partnership in force on ${longDay(today)}: choose a current one`,
      });
    } else {
      subject = { kind, id: subjectId };
    }
  }
  if (data.visitEnd < data.visitStart) {
    issues.push({ path: 'visitEnd', message: 'The last day of the visit must be on or after its first day' });
  } else if (daysBetween(data.visitStart, data.visitEnd) >= VISIT_DAYS_MAX) {
    issues.push({ path: 'visitEnd', message: `An on-site visit lasts at most ${VISIT_DAYS_MAX} days` });
  }
  if (issues.length > 0) return err(issues);
  return ok({
    subject,
    title: data.title,
    scope: data.scope,
    visitStart: data.visitStart,
    visitEnd: data.visitEnd,
    actionPlanMonths: data.actionPlanMonths,
    peers: data.peers,
  });
}

/** Checks an action's owner against the partnership on `today`: a partner organisation in force that day. */
export function ownerIssue(
  ownerOrganisation: string,
  partnership: Partnership,
  today: string,
): Issue | undefined {
  const organisation = partnership.organisations.find((o) => o.id === ownerOrganisation);
  if (organisation === undefined) {
    return {
      path: 'ownerOrganisation',
      message: `unknown organisation '${ownerOrganisation}': use the id of one of the partnership's partners`,
    };
  }
  if (!inForceOn(organisation, today)) {
    return {
      path: 'ownerOrganisation',
      message: `'${ownerOrganisation}' is not a partner on ${longDay(today)}: choose a current partner`,
    };
  }
  return undefined;
}

/** A stage done, once checked. */
export interface StageContent {
  readonly stage: (typeof STAGES)[number];
  readonly doneOn: string;
  readonly summary: string;
  readonly link: string | undefined;
}

/** Checks a stage's shape (its order and dates against the review are checked by `workflow.stageProblem`). */
export function checkStage(input: unknown): Result<StageContent, Issue[]> {
  const parsed = StageInput.safeParse(input);
  if (!parsed.success) return err(zodIssues(parsed.error));
  const { stage, doneOn, summary, link } = parsed.data;
  return ok({
    stage,
    doneOn,
    summary,
    link: link === undefined || link === null || link === '' ? undefined : link,
  });
}

export interface ActionContent {
  readonly action: string;
  readonly ownerOrganisation: string;
  readonly dueOn: string;
}

/** Checks an action's shape, and its owner against the partnership on `today`; every problem at once. */
export function checkAction(
  input: unknown,
  partnership: Partnership,
  today: string,
): Result<ActionContent, Issue[]> {
  const parsed = ActionInput.safeParse(input);
  const issues = parsed.success ? [] : zodIssues(parsed.error);
  const owner = (input as { ownerOrganisation?: unknown } | undefined)?.ownerOrganisation;
  if (typeof owner === 'string' && owner !== '' && !issues.some((i) => i.path === 'ownerOrganisation')) {
    const issue = ownerIssue(owner, partnership, today);
    if (issue !== undefined) issues.push(issue);
  }
  if (!parsed.success || issues.length > 0) return err(issues);
  return ok(parsed.data);
}

export interface ProgressContent {
  readonly status: ActionStatus;
  readonly asOf: string;
  readonly note: string;
}

/** Checks a progress report's shape (its date against the action's history is checked by the workflow). */
export function checkProgress(input: unknown): Result<ProgressContent, Issue[]> {
  const parsed = ProgressInput.safeParse(input);
  return parsed.success ? ok(parsed.data) : err(zodIssues(parsed.error));
}

export const REASON_MAX = 5000;

/** What an officer sends to correct a stage recorded wrongly: the stage as it should be, and why. */
export const CorrectionInput = StageInput.extend({
  reason: requiredText('Enter why the record is corrected', REASON_MAX),
}).strict();
export type CorrectionInput = z.input<typeof CorrectionInput>;

export interface CorrectionContent extends StageContent {
  readonly reason: string;
}

export function checkCorrection(input: unknown): Result<CorrectionContent, Issue[]> {
  const parsed = CorrectionInput.safeParse(input);
  if (!parsed.success) return err(zodIssues(parsed.error));
  const { stage, doneOn, summary, link, reason } = parsed.data;
  return ok({
    stage,
    doneOn,
    summary,
    link: link === undefined || link === null || link === '' ? undefined : link,
    reason,
  });
}
