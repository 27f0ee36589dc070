/**
 * @module outcomes/peer-review/due-dates
 * When each stage of a peer review is due, and whether it is late or overdue: one pure function of the visit's
 * dates, the review's action-plan period, the days stages were done and today. Nothing here is stored or typed by
 * anyone; the pages, the CSV and the demo all ask these functions (docs/peer-review.md).
 *
 * The rule (the Local Government Association's peer challenge, as Accord reads it):
 * - the self-assessment is submitted before the on-site visit: due the day before its first day;
 * - the visit is held on its planned days: due its last day;
 * - the report within 3 months of the visit's last day;
 * - the action plan within the review's stated period after the report (Accord's default: 2 months) — counted from
 *   the day the report was published once it is, and from the report's due date until then;
 * - the progress review within 12 months of the visit's last day.
 *
 * Months are calendar months: "n months after D" is the same day of the month n months on, or the last day of that
 * month when it is shorter (31 January + 3 months = 30 April; 30 November + 3 months = 28 February, or 29 in a leap
 * year; 29 February 2024 + 12 months = 28 February 2025). "Within" includes the due date itself: a stage done on its
 * due date is on time, one done the day after is late.
 *
 * Dates are ISO calendar days (YYYY-MM-DD), which compare correctly as strings.
 */

/** The stages of a peer review, in order. */
export const STAGES = ['self-assessment', 'visit', 'report', 'action-plan', 'progress-review'] as const;
export type Stage = (typeof STAGES)[number];

export const STAGE_NAMES: Record<Stage, string> = {
  'self-assessment': 'Self-assessment',
  visit: 'On-site visit',
  report: 'Report',
  'action-plan': 'Action plan',
  'progress-review': 'Progress review',
};

/** Months from the visit's last day to the report's due date. */
export const REPORT_MONTHS = 3;
/** Months from the visit's last day to the progress review's due date. */
export const PROGRESS_REVIEW_MONTHS = 12;
/** Accord's default for the months from the report to the action plan; each review may state its own (1–12). */
export const DEFAULT_ACTION_PLAN_MONTHS = 2;
export const ACTION_PLAN_MONTHS_MIN = 1;
export const ACTION_PLAN_MONTHS_MAX = 12;

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` is a real calendar day written YYYY-MM-DD (2025-02-30 is not). */
export function isIsoDay(text: string): boolean {
  const match = ISO_DAY.exec(text);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function parts(day: string): [number, number, number] {
  const match = ISO_DAY.exec(day);
  if (match === null || !isIsoDay(day)) throw new Error(`not a calendar day: ${day}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const format = (year: number, month: number, day: number) =>
  `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;

/** Days in a month (1–12) of a year, leap years included. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `day` plus `months` calendar months, clamped to the last day of a shorter month (see the module comment). */
export function addMonths(day: string, months: number): string {
  if (!Number.isInteger(months)) throw new Error(`months must be whole: ${months}`);
  const [year, month, date] = parts(day);
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = (index % 12) + 1;
  return format(targetYear, targetMonth, Math.min(date, daysInMonth(targetYear, targetMonth)));
}

/** `day` plus `days` days (negative to go back). */
export function addDays(day: string, days: number): string {
  const [year, month, date] = parts(day);
  const moved = new Date(Date.UTC(year, month - 1, date + days));
  return format(moved.getUTCFullYear(), moved.getUTCMonth() + 1, moved.getUTCDate());
}

/** Days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const [y1, m1, d1] = parts(from);
  const [y2, m2, d2] = parts(to);
  return Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / 86_400_000);
}

/** What the due dates are computed from. */
export interface Schedule {
  readonly visitStart: string;
  readonly visitEnd: string;
  readonly actionPlanMonths: number;
}

/** The day each stage is due. `reportDoneOn`: when the report was published, if it has been. */
export function dueDates(schedule: Schedule, reportDoneOn?: string): Record<Stage, string> {
  const reportDue = addMonths(schedule.visitEnd, REPORT_MONTHS);
  return {
    'self-assessment': addDays(schedule.visitStart, -1),
    visit: schedule.visitEnd,
    report: reportDue,
    'action-plan': addMonths(reportDoneOn ?? reportDue, schedule.actionPlanMonths),
    'progress-review': addMonths(schedule.visitEnd, PROGRESS_REVIEW_MONTHS),
  };
}

/**
 * A stage's (or an action's) standing on `today`:
 * - `done`: done on or before its due date;
 * - `late`: done, but after its due date;
 * - `overdue`: not done, and its due date has passed;
 * - `due`: not done, and its due date is today or later.
 */
export type Standing = 'done' | 'late' | 'overdue' | 'due';

export function standing(due: string, doneOn: string | undefined, today: string): Standing {
  if (doneOn !== undefined) return doneOn <= due ? 'done' : 'late';
  return today > due ? 'overdue' : 'due';
}

/** One stage of a review as the timeline shows it. */
export interface StageTimeline {
  readonly stage: Stage;
  readonly due: string;
  readonly doneOn: string | undefined;
  readonly standing: Standing;
  /** Days past due: for `late`, how late it was done; for `overdue`, how overdue it is today; otherwise 0. */
  readonly daysPastDue: number;
}

/** A review's progress on `today`: every stage, the next one to do and when, and whether any is late or overdue. */
export interface Progress {
  readonly stages: readonly StageTimeline[];
  /** The first stage not yet done (undefined once the progress review is done). */
  readonly next: StageTimeline | undefined;
  readonly complete: boolean;
  readonly late: boolean;
  readonly overdue: boolean;
}

export function progressOf(
  schedule: Schedule,
  done: Readonly<Partial<Record<Stage, string>>>,
  today: string,
): Progress {
  const due = dueDates(schedule, done.report);
  const stages = STAGES.map((stage): StageTimeline => {
    const doneOn = done[stage];
    const s = standing(due[stage], doneOn, today);
    const daysPastDue =
      s === 'late' && doneOn !== undefined
        ? daysBetween(due[stage], doneOn)
        : s === 'overdue'
          ? daysBetween(due[stage], today)
          : 0;
    return { stage, due: due[stage], doneOn, standing: s, daysPastDue };
  });
  const next = stages.find((s) => s.doneOn === undefined);
  return {
    stages,
    next,
    complete: next === undefined,
    late: stages.some((s) => s.standing === 'late'),
    overdue: stages.some((s) => s.standing === 'overdue'),
  };
}
