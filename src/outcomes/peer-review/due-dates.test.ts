/**
 * The rules of a peer review, as tables: the due dates (calendar months with month ends clamped, the day before the
 * visit, "within" including the due date), late against overdue, an action's standing, and the order of stages that
 * recording and correcting must keep. These tests are the rules' specification (docs/peer-review.md quotes them).
 */
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  daysBetween,
  dueDates,
  isIsoDay,
  progressOf,
  standing,
  type Schedule,
  type Stage,
} from './due-dates.js';
import { correctionProblem, stageProblem } from './workflow.js';
import { actionStanding } from './views.js';

describe('addMonths: the same day n months on, or the last day of a shorter month', () => {
  it.each([
    ['2025-01-31', 3, '2025-04-30'], // April has 30 days
    ['2025-01-31', 1, '2025-02-28'],
    ['2024-01-31', 1, '2024-02-29'], // leap year
    ['2024-11-30', 3, '2025-02-28'],
    ['2023-11-30', 3, '2024-02-29'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2024-02-29', 48, '2028-02-29'],
    ['2025-03-15', 3, '2025-06-15'],
    ['2025-10-31', 3, '2026-01-31'], // across the year end
    ['2025-12-31', 2, '2026-02-28'],
    ['2025-05-31', 12, '2026-05-31'],
    ['2025-04-30', 1, '2025-05-30'], // not moved to the month's end: the same day
  ] as const)('%s + %i months = %s', (day, months, expected) => {
    expect(addMonths(day, months)).toBe(expected);
  });

  it('refuses what is not a calendar day, and fractions of months', () => {
    expect(() => addMonths('2025-02-30', 1)).toThrow();
    expect(() => addMonths('2025-01-01', 1.5)).toThrow();
  });
});

describe('days', () => {
  it('adds and counts days across month and year ends', () => {
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(daysBetween('2025-01-31', '2025-04-30')).toBe(89);
    expect(daysBetween('2025-04-30', '2025-01-31')).toBe(-89);
  });

  it.each([
    ['2025-02-28', true],
    ['2024-02-29', true],
    ['2025-02-29', false],
    ['2025-04-31', false],
    ['2025-13-01', false],
    ['25-01-01', false],
    ['2025-1-1', false],
  ] as const)('%s is a calendar day: %s', (text, expected) => {
    expect(isIsoDay(text)).toBe(expected);
  });
});

const schedule: Schedule = { visitStart: '2025-01-28', visitEnd: '2025-01-31', actionPlanMonths: 2 };

describe('dueDates', () => {
  it('a visit ending 31 January: report 30 April, action plan 30 June, progress review 31 January next year', () => {
    expect(dueDates(schedule)).toEqual({
      'self-assessment': '2025-01-27',
      visit: '2025-01-31',
      report: '2025-04-30',
      'action-plan': '2025-06-30',
      'progress-review': '2026-01-31',
    });
  });

  it('counts the action plan from the day the report was published, once it is', () => {
    expect(dueDates(schedule, '2025-03-31')['action-plan']).toBe('2025-05-31');
    expect(dueDates({ ...schedule, actionPlanMonths: 1 }, '2025-03-31')['action-plan']).toBe('2025-04-30');
  });

  it('a self-assessment is due the day before a visit that starts on the 1st', () => {
    expect(
      dueDates({ ...schedule, visitStart: '2025-03-01', visitEnd: '2025-03-04' })['self-assessment'],
    ).toBe('2025-02-28');
  });
});

describe('standing: late is done after the due date; overdue is not done and past it', () => {
  it.each([
    ['2025-04-30', '2025-04-30', '2025-06-01', 'done'], // on the due date: on time
    ['2025-04-30', '2025-05-01', '2025-06-01', 'late'],
    ['2025-04-30', undefined, '2025-04-30', 'due'], // due today: not yet overdue
    ['2025-04-30', undefined, '2025-05-01', 'overdue'],
  ] as const)('due %s, done %s, today %s: %s', (due, done, today, expected) => {
    expect(standing(due, done, today)).toBe(expected);
  });
});

describe('progressOf', () => {
  it('a review part done: the next stage, late and overdue, and days past due', () => {
    const progress = progressOf(
      schedule,
      { 'self-assessment': '2025-01-29', visit: '2025-01-31' },
      '2025-05-10', // the report was due on 30 April
    );
    expect(progress.stages.map((s) => [s.stage, s.due, s.standing, s.daysPastDue])).toEqual([
      ['self-assessment', '2025-01-27', 'late', 2],
      ['visit', '2025-01-31', 'done', 0],
      ['report', '2025-04-30', 'overdue', 10],
      ['action-plan', '2025-06-30', 'due', 0],
      ['progress-review', '2026-01-31', 'due', 0],
    ]);
    expect(progress.next?.stage).toBe('report');
    expect(progress).toMatchObject({ complete: false, late: true, overdue: true });
  });

  it('a review done on time is complete, neither late nor overdue', () => {
    const progress = progressOf(
      schedule,
      {
        'self-assessment': '2025-01-20',
        visit: '2025-01-31',
        report: '2025-04-01',
        'action-plan': '2025-06-01',
        'progress-review': '2026-01-15',
      },
      '2027-01-01',
    );
    expect(progress).toMatchObject({ complete: true, late: false, overdue: false, next: undefined });
  });
});

/** A review's record as the rules read it: its first visit day and the stages done (each version 1 unless given). */
const reviewWith = (stages: [Stage, string, number?][]) => ({
  visitStart: '2025-01-28',
  stages: stages.map(([stage, doneOn, version = 1]) => ({
    stage,
    version,
    doneOn,
    summary: 's',
    link: undefined,
    reason: version === 1 ? undefined : 'r',
    recordedBy: { name: 'n', organisation: 'o' },
    recordedAt: new Date(0),
  })),
});

describe('stageProblem: the order of stages and their dates', () => {
  const none = reviewWith([]);
  const visited = reviewWith([['visit', '2025-01-31']]);

  it('refuses the report before the visit is recorded, and before the visit’s day', () => {
    expect(stageProblem(none, 'report', '2025-02-10', '2025-03-01')?.kind).toBe('conflict');
    const early = stageProblem(visited, 'report', '2025-01-30', '2025-03-01');
    expect(early?.kind).toBe('bad-input');
    expect(early?.issues?.[0]?.path).toBe('doneOn');
    expect(stageProblem(visited, 'report', '2025-01-31', '2025-03-01')).toBeUndefined();
  });

  it('refuses a stage twice, a day in the future, and a visit before its first day', () => {
    expect(stageProblem(visited, 'visit', '2025-01-31', '2025-03-01')?.kind).toBe('conflict');
    expect(stageProblem(none, 'self-assessment', '2025-03-02', '2025-03-01')?.kind).toBe('bad-input');
    expect(stageProblem(none, 'visit', '2025-01-27', '2025-03-01')?.kind).toBe('bad-input');
    // A self-assessment after the visit is late, not refused.
    expect(stageProblem(visited, 'self-assessment', '2025-02-02', '2025-03-01')).toBeUndefined();
  });

  it('reads the current version of a corrected stage', () => {
    const corrected = reviewWith([
      ['visit', '2025-01-31'],
      ['visit', '2025-02-03', 2],
    ]);
    expect(stageProblem(corrected, 'report', '2025-02-01', '2025-03-01')?.kind).toBe('bad-input');
    expect(stageProblem(corrected, 'report', '2025-02-03', '2025-03-01')).toBeUndefined();
  });
});

describe('correctionProblem: a correction keeps the stages in order', () => {
  const done = reviewWith([
    ['visit', '2025-01-31'],
    ['report', '2025-04-15'],
    ['action-plan', '2025-06-10'],
  ]);

  it('corrects only what is recorded', () => {
    expect(correctionProblem(done, 'progress-review', '2025-07-01', '2025-08-01')?.kind).toBe('conflict');
    expect(correctionProblem(done, 'report', '2025-04-20', '2025-08-01')).toBeUndefined();
  });

  it('keeps a corrected stage after the one it follows and before the one that follows it', () => {
    expect(correctionProblem(done, 'report', '2025-01-30', '2025-08-01')?.issues?.[0]?.message).toContain(
      'cannot come before the on-site visit',
    );
    expect(correctionProblem(done, 'report', '2025-06-11', '2025-08-01')?.issues?.[0]?.message).toContain(
      'cannot come after the action plan',
    );
    expect(correctionProblem(done, 'action-plan', '2025-08-02', '2025-08-01')?.kind).toBe('bad-input');
  });

  it('keeps the report on or before the action plan’s due dates and progress reports', () => {
    const withActions = {
      ...done,
      actions: [
        {
          id: 1,
          action: 'a',
          ownerOrganisation: 'o',
          dueOn: '2025-05-01',
          addedBy: { name: 'n', organisation: 'o' },
          addedAt: new Date(0),
          progress: [],
        },
      ],
    };
    expect(correctionProblem(withActions, 'report', '2025-05-02', '2025-08-01')?.issues?.[0]?.path).toBe(
      'doneOn',
    );
    expect(correctionProblem(withActions, 'report', '2025-05-01', '2025-08-01')).toBeUndefined();
  });
});

describe('actionStanding', () => {
  it.each([
    [[], '2025-06-30', 'not-started', 'due'],
    [[], '2025-07-01', 'not-started', 'overdue'],
    [[{ status: 'in-progress', asOf: '2025-06-01' }], '2025-07-01', 'in-progress', 'overdue'],
    [[{ status: 'done', asOf: '2025-06-30' }], '2026-01-01', 'done', 'done'],
    [[{ status: 'done', asOf: '2025-07-02' }], '2026-01-01', 'done', 'late'],
    [[{ status: 'dropped', asOf: '2025-05-01' }], '2026-01-01', 'dropped', 'dropped'],
  ] as const)('reports %j, today %s: %s, %s', (progress, today, status, expected) => {
    expect(actionStanding('2025-06-30', progress, today)).toEqual({ status, standing: expected });
  });
});
