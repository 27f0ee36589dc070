/**
 * @module outcomes/progress
 * A milestone's recorded progress as of a day, and how late it is. Progress is a list of reports (an officer of the
 * owner says it is complete, on a date, with evidence), each decided at most once by another officer (verified or
 * rejected, with a reason). Only a verified report completes a milestone — issue 8 releases funding on exactly that
 * — so a milestone reported but not yet verified is still late once its due date has passed. Pure: the same records
 * and day always give the same answer, which is what makes a status as of a past day reproducible.
 */
import type { Milestone } from '../partnership/index.js';

export interface Person {
  readonly userId: string;
  readonly name: string;
  /** The organisation they acted for (an organisation id). */
  readonly organisation: string;
}

export interface MilestoneDecision {
  readonly decision: 'verified' | 'rejected';
  readonly reason: string;
  readonly decidedBy: Person;
  readonly decidedAt: Date;
  /** The day it was decided, in London: what "as of a day" compares with. */
  readonly decidedOn: string;
}

export interface MilestoneReport {
  readonly id: number;
  readonly milestoneId: string;
  /** The day the owner says the milestone was completed. */
  readonly completedOn: string;
  readonly evidence: string;
  readonly reportedBy: Person;
  readonly reportedAt: Date;
  readonly reportedOn: string;
  readonly decision: MilestoneDecision | undefined;
}

export type ProgressState = 'not-reported' | 'reported' | 'verified' | 'rejected';

export interface MilestoneProgress {
  readonly state: ProgressState;
  /** The report the state comes from (the verified one, the one awaiting a decision, or the last rejected). */
  readonly report: MilestoneReport | undefined;
  /** Whether it counts as late on the day, and by how much (undefined: not late). */
  readonly late: Lateness | undefined;
}

export interface Lateness {
  /** Whole calendar months late (0 when less than a month). */
  readonly months: number;
  readonly days: number;
  /** More than three calendar months late: the rule's line between at risk and off track (docs/outcomes.md). */
  readonly beyondThreeMonths: boolean;
  /** The day lateness is counted to: the verified completion date, or the day asked about. */
  readonly until: string;
  readonly verified: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const toDate = (day: string) => new Date(`${day}T00:00:00Z`);

/** `day` plus `months` calendar months, the day clamped to the month's length (31 January + 1 month = 28 February). */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(d, last))).toISOString().slice(0, 10);
}

/** How late `until` is after `due`, or undefined when it is not after it. */
export function lateness(due: string, until: string, verified: boolean): Lateness | undefined {
  if (until <= due) return undefined;
  let months = 0;
  while (addMonths(due, months + 1) <= until) months += 1;
  return {
    months,
    days: Math.round((toDate(until).getTime() - toDate(due).getTime()) / DAY_MS),
    beyondThreeMonths: until > addMonths(due, 3),
    until,
    verified,
  };
}

/** The lateness in words: "4 months", "1 month", "12 days". */
export function latenessText(late: Lateness): string {
  if (late.months === 0) return late.days === 1 ? '1 day' : `${late.days} days`;
  return late.months === 1 ? '1 month' : `${late.months} months`;
}

/** What was recorded about `milestone` by the end of `asOf` (a day, YYYY-MM-DD), and whether it is late then. */
export function progressAsOf(
  milestone: Milestone,
  reports: readonly MilestoneReport[],
  asOf: string,
): MilestoneProgress {
  const known = reports
    .filter((r) => r.milestoneId === milestone.id && r.reportedOn <= asOf)
    .map((r) => ({
      ...r,
      decision: r.decision !== undefined && r.decision.decidedOn <= asOf ? r.decision : undefined,
    }))
    .sort((a, b) => a.reportedAt.getTime() - b.reportedAt.getTime() || a.id - b.id);
  const verified = known.find((r) => r.decision?.decision === 'verified');
  if (verified !== undefined) {
    return {
      state: 'verified',
      report: verified,
      late: lateness(milestone.due, verified.completedOn, true),
    };
  }
  const pending = known.find((r) => r.decision === undefined);
  const last = known.at(-1);
  const state: ProgressState =
    pending !== undefined ? 'reported' : last !== undefined ? 'rejected' : 'not-reported';
  return { state, report: pending ?? last, late: lateness(milestone.due, asOf, false) };
}
