/**
 * @module outcomes/workflow
 * Recording a milestone's progress: an officer of its owner reports it complete; another officer verifies or
 * rejects the report. Each step checks its input (every field, all at once) and who is acting, then writes the row
 * and its audit in one transaction under a lock on the milestone, so a refused step leaves nothing behind and two
 * steps on one milestone happen one after the other. Problems come back as values; the edges pick the status.
 *
 * Time is passed in (`now`), never read from the clock here.
 */
import { z } from 'zod';
import { problem, type Issue, type Problem } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import { IsoDate, type Milestone } from '../partnership/index.js';
import { londonDay } from '../partnership/views.js';
import type { Database } from '../store/database.js';
import { inTransaction } from '../store/in-transaction.js';
import { decisionRefusal, reportRefusal, type Actor } from './permissions.js';
import type { MilestoneReport } from './progress.js';
import { audit, insertDecision, insertReport, listReports, lockMilestone } from './repository.js';

export const EVIDENCE_MAX = 5000;
export const REASON_MAX = 5000;

export interface OutcomesContext {
  readonly db: Database;
  readonly partnershipId: string;
  /** This moment: when each change is recorded. */
  readonly now: Date;
}

export const ReportInput = z
  .object({
    completedOn: IsoDate,
    evidence: z
      .string()
      .trim()
      .min(1, 'say what shows the milestone is complete (a document, a decision, a service live)')
      .max(EVIDENCE_MAX, `must be at most ${EVIDENCE_MAX} characters`),
  })
  .strict();
export type ReportInput = z.infer<typeof ReportInput>;

export const DecisionInput = z
  .object({
    decision: z.enum(['verified', 'rejected'], { error: 'choose verified or rejected' }),
    reason: z
      .string()
      .trim()
      .min(1, 'give the reason for the decision (what was checked)')
      .max(REASON_MAX, `must be at most ${REASON_MAX} characters`),
  })
  .strict();
export type DecisionInput = z.infer<typeof DecisionInput>;

const issuesOf = (error: z.ZodError): Issue[] =>
  error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));

const badInput = (what: string, issues: readonly Issue[]): Problem =>
  problem(
    'bad-input',
    `The ${what} is not valid.`,
    'Correct the fields listed in `issues`. Nothing was saved.',
    issues,
  );

/** Checks a report's fields against the day it is made: a milestone cannot be completed in the future. */
export function checkReport(input: unknown, today: string): Result<ReportInput, Issue[]> {
  const parsed = ReportInput.safeParse(input);
  const issues = parsed.success ? [] : issuesOf(parsed.error);
  if (parsed.success && parsed.data.completedOn > today) {
    issues.push({ path: 'completedOn', message: `must be today (${today}) or earlier` });
  }
  return parsed.success && issues.length === 0 ? ok(parsed.data) : err(issues);
}

const refused = (refusal: { kind: 'forbidden' | 'conflict'; message: string }): Problem =>
  problem(refusal.kind, refusal.message);

/** An officer of the owner reports `milestone` complete. Returns the new report's id. */
export async function reportMilestone(
  ctx: OutcomesContext,
  actor: Actor | undefined,
  milestone: Milestone,
  input: unknown,
): Promise<Result<{ reportId: number }, Problem>> {
  const checked = checkReport(input, londonDay(ctx.now));
  return inTransaction(ctx.db, async (tx) => {
    await lockMilestone(tx, ctx.partnershipId, milestone.id);
    const reports = await listReports(tx, ctx.partnershipId, milestone.id);
    const refusal = reportRefusal(actor, milestone, reports);
    if (refusal !== undefined || actor === undefined) {
      return err(refused(refusal ?? { kind: 'forbidden', message: 'Sign in to report a milestone.' }));
    }
    if (!checked.ok) return err(badInput('report', checked.error));
    const reportId = await insertReport(tx, ctx.partnershipId, milestone.id, checked.value, actor, ctx.now);
    await audit(tx, {
      partnershipId: ctx.partnershipId,
      milestoneId: milestone.id,
      reportId,
      action: 'milestone-reported',
      by: actor,
      at: ctx.now,
      detail: { completedOn: checked.value.completedOn, due: milestone.due },
    });
    return ok({ reportId });
  });
}

/** Another officer verifies or rejects a milestone's report awaiting a decision. */
export async function decideReport(
  ctx: OutcomesContext,
  actor: Actor | undefined,
  milestone: Milestone,
  reportId: number,
  input: unknown,
): Promise<Result<{ decision: 'verified' | 'rejected' }, Problem>> {
  const parsed = DecisionInput.safeParse(input);
  return inTransaction(ctx.db, async (tx) => {
    await lockMilestone(tx, ctx.partnershipId, milestone.id);
    const reports = await listReports(tx, ctx.partnershipId, milestone.id);
    const report: MilestoneReport | undefined = reports.find((r) => r.id === reportId);
    if (report === undefined) {
      return err(
        problem('not-found', 'There is no such report of this milestone.', 'See the milestone’s page.'),
      );
    }
    const refusal = decisionRefusal(actor, report);
    if (refusal !== undefined || actor === undefined) {
      return err(refused(refusal ?? { kind: 'forbidden', message: 'Sign in to decide a report.' }));
    }
    if (!parsed.success) return err(badInput('decision', issuesOf(parsed.error)));
    await insertDecision(tx, report.id, parsed.data, actor, ctx.now);
    await audit(tx, {
      partnershipId: ctx.partnershipId,
      milestoneId: milestone.id,
      reportId: report.id,
      action: parsed.data.decision === 'verified' ? 'milestone-verified' : 'milestone-rejected',
      by: actor,
      at: ctx.now,
      detail: { completedOn: report.completedOn, due: milestone.due, reportedBy: report.reportedBy.userId },
    });
    return ok({ decision: parsed.data.decision });
  });
}
