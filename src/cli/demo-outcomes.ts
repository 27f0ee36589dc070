/**
 * @module cli/demo-outcomes
 * The demo's milestone progress, recorded through the real workflow so the demo shows what an ICS would see: the
 * demo officer (`demo.officer`) reports milestones their organisation owns and the second officer
 * (`demo.governance`) decides the reports — one completed and verified on time, one verified as completed late, one
 * reported and left awaiting verification (so the verify form has something to show) — while the milestones of other
 * partners stay unreported, so those past their due dates are late. Seeded once: a store that already holds a report
 * is left as it is.
 */
import type { Clock } from '../access/index.js';
import {
  addMonths,
  decideReport,
  listReports,
  reportMilestone,
  type Actor,
  type OutcomesContext,
} from '../outcomes/index.js';
import type { Milestone, Partnership } from '../partnership/index.js';
import { londonDay } from '../partnership/views.js';
import type { Database } from '../store/database.js';

export interface DemoMilestonesReport {
  /** Milestone ids by what was recorded. */
  readonly verifiedOnTime: readonly string[];
  readonly verifiedLate: readonly string[];
  readonly awaitingVerification: readonly string[];
  /** Why nothing was recorded, when nothing was. */
  readonly skipped?: string;
}

async function officer(db: Database, username: string): Promise<Actor | undefined> {
  const [row] = await db.query<{ id: string; organisation_id: string }>(
    'SELECT id, organisation_id FROM app_user WHERE username = $1 AND active',
    [username],
  );
  return row === undefined
    ? undefined
    : { userId: row.id, organisation: row.organisation_id, roles: ['officer'] };
}

const dayBefore = (day: string, days: number) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
};

/**
 * Records the demo's progress on `partnership`'s milestones as of `clock()`. The demo users must exist
 * (access/demo-users.ts `seedDemoUsers`).
 */
export async function seedDemoMilestones(
  db: Database,
  partnership: Partnership,
  clock: Clock,
): Promise<DemoMilestonesReport> {
  const none = (skipped: string): DemoMilestonesReport => ({
    verifiedOnTime: [],
    verifiedLate: [],
    awaitingVerification: [],
    skipped,
  });
  const partnershipId = partnership.info.id;
  if ((await listReports(db, partnershipId)).length > 0)
    return none('milestone progress is already recorded');
  const reporter = await officer(db, 'demo.officer');
  const verifier = await officer(db, 'demo.governance');
  if (reporter === undefined || verifier === undefined) return none('the demo officers are not seeded');
  const ctx = (): OutcomesContext => ({ db, partnershipId, now: clock() });
  const today = londonDay(clock());
  const own = (partnership.milestones ?? [])
    .filter((m) => m.owner === reporter.organisation)
    .sort((a, b) => a.due.localeCompare(b.due));

  const record = async (milestone: Milestone, completedOn: string, decide: boolean): Promise<boolean> => {
    const reported = await reportMilestone(ctx(), reporter, milestone, {
      completedOn,
      evidence: `Demo: completion confirmed in the ${milestone.title.toLowerCase()} programme update.`,
    });
    if (!reported.ok) return false;
    if (!decide) return true;
    const decided = await decideReport(ctx(), verifier, milestone, reported.value.reportId, {
      decision: 'verified',
      reason: 'Demo: evidence checked against the programme board’s minutes.',
    });
    return decided.ok;
  };

  const past = own.filter((m) => m.due < today);
  const verifiedOnTime: string[] = [];
  const verifiedLate: string[] = [];
  const awaitingVerification: string[] = [];
  // The earliest milestone due: completed ten days before its due date and verified.
  const onTime = past[0];
  if (onTime !== undefined && (await record(onTime, dayBefore(onTime.due, 10), true))) {
    verifiedOnTime.push(onTime.id);
  }
  // The next: completed two months after its due date (or yesterday, if sooner) and verified — late, at risk.
  const late = past[1];
  if (late !== undefined) {
    const twoMonthsOn = addMonths(late.due, 2);
    const completed = twoMonthsOn < today ? twoMonthsOn : dayBefore(today, 1);
    if (await record(late, completed, true)) verifiedLate.push(late.id);
  }
  // The next still to come (or the last): reported yesterday, awaiting verification.
  const pending = own.find((m) => !verifiedOnTime.includes(m.id) && !verifiedLate.includes(m.id));
  if (pending !== undefined && (await record(pending, dayBefore(today, 1), false))) {
    awaitingVerification.push(pending.id);
  }
  return { verifiedOnTime, verifiedLate, awaitingVerification };
}
