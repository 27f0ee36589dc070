/**
 * @module outcomes/peer-review/workflow
 * What officers do with a peer review: start it, record a stage done, add an item to the action plan, report an
 * item's progress. Each step checks its input and who is acting, then records everything it changes — the new rows
 * and their audit — in one transaction with the review's row locked, so a refused or failed step leaves nothing
 * behind and two officers recording the same stage at once cannot both succeed. Problems come back as values (bad
 * input naming every field, not found, conflict, forbidden); the edges pick the status.
 *
 * Time is passed in (`today` for "in force" and "not in the future", `now` for the records), never read here.
 */
import { problem, type Issue, type Problem } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { storedPartnership } from '../../partnership/index.js';
import type { Database, Queryable } from '../../store/database.js';
import { inTransaction } from '../../store/in-transaction.js';
import { STAGE_NAMES, type Stage } from './due-dates.js';
import { checkAction, checkCorrection, checkProgress, checkReview, checkStage, longDay } from './inputs.js';
import { mayRecord, type Actor } from './permissions.js';
import {
  audit,
  insertAction,
  insertProgress,
  insertReview,
  insertStage,
  lockReview,
  readReview,
  readReviews,
  type ReviewRecord,
} from './repository.js';

export interface PeerReviewContext {
  readonly db: Database;
  /** The partnership whose reviews these are. */
  readonly partnershipId: string;
  /** Today's date where the partnership is (YYYY-MM-DD). */
  readonly today: string;
  /** This moment: when each change is recorded. */
  readonly now: Date;
}

const badInput = (what: string, issues: readonly Issue[]): Problem =>
  problem(
    'bad-input',
    `The ${what} is not valid.`,
    'Correct the fields listed in `issues`. Nothing was saved.',
    issues,
  );

const notFound = (id: number): Problem =>
  problem(
    'not-found',
    `There is no peer review ${id}.`,
    'Check the number, or see the list at /peer-reviews.',
  );

const forbidden = (what: string): Problem => problem('forbidden', `Only a partnership officer may ${what}.`);

/** The stage that must be recorded before each stage, if any. */
export const PREREQUISITE: Readonly<Record<Stage, Stage | undefined>> = {
  'self-assessment': undefined,
  visit: undefined,
  report: 'visit',
  'action-plan': 'report',
  'progress-review': 'action-plan',
};

/** The stage that follows each stage in order, if any (the one whose prerequisite it is). */
const FOLLOWS: Readonly<Record<Stage, Stage | undefined>> = {
  'self-assessment': undefined,
  visit: 'report',
  report: 'action-plan',
  'action-plan': 'progress-review',
  'progress-review': undefined,
};

/** The day a stage was done, as its current version (the highest) says. */
const doneOn = (record: Pick<ReviewRecord, 'stages'>, stage: Stage): string | undefined =>
  record.stages.filter((s) => s.stage === stage).at(-1)?.doneOn;

/**
 * Why `stage` may not be recorded as done on `day` in this review today, or undefined when it may (pure):
 * - a stage is recorded once (conflict): a stage done is never rewritten;
 * - the report needs the visit held, the action plan the report, the progress review the action plan (conflict);
 * - the day is not in the future, the visit not before its planned first day, and each stage not before the stage
 *   it follows (bad input, on the date field).
 */
export function stageProblem(
  record: Pick<ReviewRecord, 'visitStart' | 'stages'>,
  stage: Stage,
  day: string,
  today: string,
): Problem | undefined {
  const name = STAGE_NAMES[stage];
  const recorded = doneOn(record, stage);
  if (recorded !== undefined) {
    return problem(
      'conflict',
      `The ${name.toLowerCase()} is already recorded as done on ${longDay(recorded)}.`,
      'A stage is recorded once and never changed; see the review’s timeline.',
    );
  }
  const before = PREREQUISITE[stage];
  const beforeOn = before === undefined ? undefined : doneOn(record, before);
  if (before !== undefined && beforeOn === undefined) {
    return problem(
      'conflict',
      `The ${name.toLowerCase()} cannot be recorded before the ${STAGE_NAMES[before].toLowerCase()} is.`,
      `Record the ${STAGE_NAMES[before].toLowerCase()} first.`,
    );
  }
  const dateIssue = (message: string) => badInput('stage', [{ path: 'doneOn', message }]);
  if (day > today) return dateIssue(`The date cannot be in the future: today is ${longDay(today)}`);
  if (stage === 'visit' && day < record.visitStart) {
    return dateIssue(`The visit cannot have ended before its first day, ${longDay(record.visitStart)}`);
  }
  if (before !== undefined && beforeOn !== undefined && day < beforeOn) {
    return dateIssue(
      `The ${name.toLowerCase()} cannot come before the ${STAGE_NAMES[before].toLowerCase()}, done on ${longDay(beforeOn)}`,
    );
  }
  return undefined;
}

/** Locks a review for a change and reads it whole; not found when it does not exist. */
async function openForChange(
  tx: Queryable,
  ctx: PeerReviewContext,
  id: number,
): Promise<Result<ReviewRecord, Problem>> {
  if (!(await lockReview(tx, ctx.partnershipId, id))) return err(notFound(id));
  const record = await readReview(tx, ctx.partnershipId, id);
  return record === undefined ? err(notFound(id)) : ok(record);
}

async function reread(ctx: PeerReviewContext, id: number): Promise<ReviewRecord> {
  const record = await readReview(ctx.db, ctx.partnershipId, id);
  if (record === undefined) throw new Error(`peer review ${id} vanished after it was recorded`);
  return record;
}

export async function startReview(
  ctx: PeerReviewContext,
  actor: Actor | undefined,
  input: unknown,
): Promise<Result<ReviewRecord, Problem>> {
  if (actor === undefined || !mayRecord(actor)) return err(forbidden('start a peer review'));
  const checked = checkReview(input, await storedPartnership(ctx.db, ctx.partnershipId), ctx.today);
  if (!checked.ok) return err(badInput('peer review', checked.error));
  const content = checked.value;
  const id = await ctx.db.transaction(async (tx) => {
    const newId = await insertReview(tx, ctx.partnershipId, content, actor, ctx.now);
    await audit(
      tx,
      newId,
      'review-started',
      { subject: content.subject, visitStart: content.visitStart, visitEnd: content.visitEnd },
      actor,
      ctx.now,
    );
    return newId;
  });
  return ok(await reread(ctx, id));
}

export async function recordStage(
  ctx: PeerReviewContext,
  actor: Actor | undefined,
  id: number,
  input: unknown,
): Promise<Result<ReviewRecord, Problem>> {
  if (actor === undefined || !mayRecord(actor)) return err(forbidden('record a stage of a peer review'));
  const checked = checkStage(input);
  if (!checked.ok) return err(badInput('stage', checked.error));
  const stage = checked.value;
  const result = await inTransaction(ctx.db, async (tx) => {
    const opened = await openForChange(tx, ctx, id);
    if (!opened.ok) return opened;
    const refusal = stageProblem(opened.value, stage.stage, stage.doneOn, ctx.today);
    if (refusal !== undefined) return err(refusal);
    await insertStage(tx, id, { ...stage, version: 1, reason: undefined }, actor, ctx.now);
    await audit(tx, id, 'stage-recorded', { stage: stage.stage, doneOn: stage.doneOn }, actor, ctx.now);
    return ok(undefined);
  });
  return result.ok ? ok(await reread(ctx, id)) : result;
}

/**
 * Why `stage` may not be corrected to `day` now, or undefined when it may (pure): only a stage recorded can be
 * corrected (conflict); the day is not in the future, the visit not before its first day, and the stage stays between
 * the stage it follows and the stage that follows it (bad input, on the date field).
 */
export function correctionProblem(
  record: Pick<ReviewRecord, 'visitStart' | 'stages'> & Partial<Pick<ReviewRecord, 'actions'>>,
  stage: Stage,
  day: string,
  today: string,
): Problem | undefined {
  const name = STAGE_NAMES[stage].toLowerCase();
  if (doneOn(record, stage) === undefined) {
    return problem(
      'conflict',
      `The ${name} is not recorded yet, so there is nothing to correct.`,
      'Record it as done instead.',
    );
  }
  const dateIssue = (message: string) => badInput('correction', [{ path: 'doneOn', message }]);
  if (day > today) return dateIssue(`The date cannot be in the future: today is ${longDay(today)}`);
  if (stage === 'visit' && day < record.visitStart) {
    return dateIssue(`The visit cannot have ended before its first day, ${longDay(record.visitStart)}`);
  }
  const before = PREREQUISITE[stage];
  const beforeOn = before === undefined ? undefined : doneOn(record, before);
  if (before !== undefined && beforeOn !== undefined && day < beforeOn) {
    return dateIssue(
      `The ${name} cannot come before the ${STAGE_NAMES[before].toLowerCase()}, done on ${longDay(beforeOn)}`,
    );
  }
  const after = FOLLOWS[stage];
  const afterOn = after === undefined ? undefined : doneOn(record, after);
  if (after !== undefined && afterOn !== undefined && day > afterOn) {
    return dateIssue(
      `The ${name} cannot come after the ${STAGE_NAMES[after].toLowerCase()}, done on ${longDay(afterOn)}`,
    );
  }
  // The actions answer the report: none may be due, or have moved on, before it.
  if (stage === 'report') {
    const earliest = (record.actions ?? [])
      .flatMap((a) => [a.dueOn, ...a.progress.map((r) => r.asOf)])
      .sort()
      .at(0);
    if (earliest !== undefined && day > earliest) {
      return dateIssue(
        `The report cannot come after ${longDay(earliest)}: an action of its plan is due or was reported on then`,
      );
    }
  }
  return undefined;
}

/** Corrects a stage recorded wrongly: a new version with who and why; the earlier version stays. */
export async function correctStage(
  ctx: PeerReviewContext,
  actor: Actor | undefined,
  id: number,
  input: unknown,
): Promise<Result<ReviewRecord, Problem>> {
  if (actor === undefined || !mayRecord(actor)) return err(forbidden('correct a stage of a peer review'));
  const checked = checkCorrection(input);
  if (!checked.ok) return err(badInput('correction', checked.error));
  const correction = checked.value;
  const result = await inTransaction(ctx.db, async (tx) => {
    const opened = await openForChange(tx, ctx, id);
    if (!opened.ok) return opened;
    const refusal = correctionProblem(opened.value, correction.stage, correction.doneOn, ctx.today);
    if (refusal !== undefined) return err(refusal);
    const current = opened.value.stages.filter((s) => s.stage === correction.stage).at(-1);
    const version = (current?.version ?? 0) + 1;
    await insertStage(tx, id, { ...correction, version }, actor, ctx.now);
    await audit(
      tx,
      id,
      'stage-corrected',
      { stage: correction.stage, version, doneOn: correction.doneOn, was: current?.doneOn },
      actor,
      ctx.now,
    );
    return ok(undefined);
  });
  return result.ok ? ok(await reread(ctx, id)) : result;
}

export async function addAction(
  ctx: PeerReviewContext,
  actor: Actor | undefined,
  id: number,
  input: unknown,
): Promise<Result<ReviewRecord, Problem>> {
  if (actor === undefined || !mayRecord(actor)) return err(forbidden('add to an action plan'));
  const checked = checkAction(input, await storedPartnership(ctx.db, ctx.partnershipId), ctx.today);
  if (!checked.ok) return err(badInput('action', checked.error));
  const item = checked.value;
  const result = await inTransaction(ctx.db, async (tx) => {
    const opened = await openForChange(tx, ctx, id);
    if (!opened.ok) return opened;
    const reportOn = doneOn(opened.value, 'report');
    if (reportOn === undefined) {
      return err(
        problem(
          'conflict',
          'The action plan answers the peers’ report, and no report is recorded yet.',
          'Record the report first, then add the actions it calls for.',
        ),
      );
    }
    if (item.dueOn < reportOn) {
      return err(
        badInput('action', [
          {
            path: 'dueOn',
            message: `An action cannot be due before the report, published on ${longDay(reportOn)}`,
          },
        ]),
      );
    }
    const actionId = await insertAction(tx, id, item, actor, ctx.now);
    await audit(
      tx,
      id,
      'action-added',
      { actionId, dueOn: item.dueOn, owner: item.ownerOrganisation },
      actor,
      ctx.now,
    );
    return ok(undefined);
  });
  return result.ok ? ok(await reread(ctx, id)) : result;
}

export async function reportProgress(
  ctx: PeerReviewContext,
  actor: Actor | undefined,
  id: number,
  actionId: number,
  input: unknown,
): Promise<Result<ReviewRecord, Problem>> {
  if (actor === undefined || !mayRecord(actor)) return err(forbidden('report progress on an action'));
  const checked = checkProgress(input);
  if (!checked.ok) return err(badInput('progress report', checked.error));
  const report = checked.value;
  const result = await inTransaction(ctx.db, async (tx) => {
    const opened = await openForChange(tx, ctx, id);
    if (!opened.ok) return opened;
    const action = opened.value.actions.find((a) => a.id === actionId);
    if (action === undefined) {
      return err(
        problem('not-found', `Peer review ${id} has no action ${actionId}.`, 'See the review’s action plan.'),
      );
    }
    // Progress is made after the report the action answers (an action is only added once the report is recorded).
    const reportOn = doneOn(opened.value, 'report') ?? opened.value.visitEnd;
    const last = action.progress.at(-1);
    const dateIssue = (message: string) => err(badInput('progress report', [{ path: 'asOf', message }]));
    if (report.asOf > ctx.today)
      return dateIssue(`The date cannot be in the future: today is ${longDay(ctx.today)}`);
    if (report.asOf < reportOn) {
      return dateIssue(
        `The date cannot be before the report the action answers, published on ${longDay(reportOn)}`,
      );
    }
    if (last !== undefined && report.asOf < last.asOf) {
      return dateIssue(
        `The date cannot be before the last report, as of ${longDay(last.asOf)}: reports are kept in order`,
      );
    }
    await insertProgress(tx, actionId, report, actor, ctx.now);
    await audit(
      tx,
      id,
      'progress-reported',
      { actionId, status: report.status, asOf: report.asOf },
      actor,
      ctx.now,
    );
    return ok(undefined);
  });
  return result.ok ? ok(await reread(ctx, id)) : result;
}

export const getReview = (
  db: Queryable,
  partnershipId: string,
  id: number,
): Promise<ReviewRecord | undefined> => readReview(db, partnershipId, id);

export const listReviews = (db: Queryable, partnershipId: string): Promise<ReviewRecord[]> =>
  readReviews(db, partnershipId);
