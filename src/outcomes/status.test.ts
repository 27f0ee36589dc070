/**
 * The status rule, branch by branch (docs/outcomes.md): the indicator against its trajectory (at or better, worse
 * within the 95% interval, worse outside it, no interval, polarity both ways and none), milestones on time, late by up
 * to three months and beyond (unverified, verified late, rejected), not measured, and the history. Then properties:
 * a value on the trajectory is never off track, and a better value never gives a worse status.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Milestone, Outcome } from '../partnership/index.js';
import { addMonths, lateness, progressAsOf, type MilestoneReport } from './progress.js';
import { statusAsOf, statusHistory, type MeasureSeries, type StatusInput } from './status.js';
import { trajectoryValue } from './trajectory.js';

const outcome = (over: Partial<Outcome> = {}): Outcome => ({
  id: 'fewer-suicides',
  title: 'Fewer suicides',
  ambition: 'Reduce suicide by 10%',
  indicator: 'suicide-rate',
  measure: 'value',
  baseline: { year: 2020, value: 20, source: 's' },
  target: { year: 2024, value: 16, source: 's' },
  trajectory: [],
  accountable: ['icb'],
  programmes: [],
  milestones: [],
  source: 's',
  ...over,
});

const series = (
  observations: MeasureSeries['observations'],
  polarity: MeasureSeries['polarity'] = 'low-is-good',
): MeasureSeries => ({
  name: 'Suicide rate',
  unit: 'per 100,000',
  decimals: 1,
  polarity,
  observations,
});

const milestone: Milestone = {
  id: 'training',
  programme: 'mental-health',
  title: 'Training for all staff',
  owner: 'trust',
  due: '2023-06-30',
  source: 's',
};

const person = (userId: string) => ({ userId, name: userId, organisation: 'trust' });
const report = (over: Partial<MilestoneReport> = {}): MilestoneReport => ({
  id: 1,
  milestoneId: 'training',
  completedOn: '2023-06-01',
  evidence: 'Done',
  reportedBy: person('a'),
  reportedAt: new Date('2023-06-02T10:00:00Z'),
  reportedOn: '2023-06-02',
  decision: undefined,
  ...over,
});
const verified = (on: string) => ({
  decision: 'verified' as const,
  reason: 'Checked',
  decidedBy: person('b'),
  decidedAt: new Date(`${on}T10:00:00Z`),
  decidedOn: on,
});

const input = (over: Partial<StatusInput> = {}): StatusInput => ({
  outcome: outcome(),
  series: series([{ year: 2022, value: 18, lower: 17, upper: 19 }]),
  milestones: [],
  reports: [],
  ...over,
});

describe('the trajectory', () => {
  it('is the straight line from baseline to target, held at each end', () => {
    expect(trajectoryValue(outcome(), 2019)).toBe(20);
    expect(trajectoryValue(outcome(), 2022)).toBe(18);
    expect(trajectoryValue(outcome(), 2030)).toBe(16);
  });

  it('runs through stated points', () => {
    const o = outcome({ trajectory: [{ year: 2022, value: 19.5, source: 's' }] });
    expect(trajectoryValue(o, 2021)).toBeCloseTo(19.75);
    expect(trajectoryValue(o, 2022)).toBe(19.5);
    expect(trajectoryValue(o, 2023)).toBeCloseTo(17.75);
  });

  it('is absent for an outcome that is not measured', () => {
    const o = outcome({ indicator: undefined, baseline: undefined, target: undefined });
    expect(trajectoryValue(o, 2022)).toBeUndefined();
  });
});

describe('the indicator against its trajectory', () => {
  it('is on track at or better than the trajectory', () => {
    const a = statusAsOf(input(), '2023-01-01');
    expect(a.status).toBe('on-track');
    expect(a.summary).toBe('On track: Suicide rate is at or better than its trajectory in 2022.');
    const better = statusAsOf(input({ series: series([{ year: 2022, value: 17.2 }]) }), '2023-01-01');
    expect(better.status).toBe('on-track');
  });

  it('is at risk when worse but the 95% interval includes the trajectory value', () => {
    const a = statusAsOf(
      input({ series: series([{ year: 2022, value: 18.6, lower: 17.5, upper: 19.8 }]) }),
      '2023-06-01',
    );
    expect(a.status).toBe('at-risk');
    expect(a.reasons[0]).toBe(
      "Suicide rate: the 2022 value, 18.6 per 100,000, is 0.6 per 100,000 worse than the trajectory's 18.0 per " +
        "100,000 for 2022, and its 95% interval (17.5 to 19.8) includes the trajectory's value, so the shortfall " +
        'may be chance.',
    );
    expect(a.summary).toBe(
      'At risk because Suicide rate is 0.6 per 100,000 worse than its trajectory in 2022 (within its 95% interval).',
    );
  });

  it('is off track when worse and the interval excludes the trajectory value, or there is no interval', () => {
    const a = statusAsOf(
      input({ series: series([{ year: 2022, value: 21.4, lower: 19.9, upper: 23.0 }]) }),
      '2023-06-01',
    );
    expect(a.status).toBe('off-track');
    expect(a.reasons[0]).toContain('is 3.4 per 100,000 worse than the trajectory');
    expect(a.reasons[0]).toContain('(19.9 to 23.0) excludes');
    expect(a.summary).toBe(
      'Off track because Suicide rate is 3.4 per 100,000 worse than its trajectory in 2022.',
    );
    const bare = statusAsOf(input({ series: series([{ year: 2022, value: 18.1 }]) }), '2023-06-01');
    expect(bare.status).toBe('off-track');
    expect(bare.reasons[0]).toContain('it has no interval to allow for chance');
  });

  it('reads "worse" by polarity: for high-is-good, below the trajectory is worse', () => {
    const o = outcome({
      baseline: { year: 2020, value: 50, source: 's' },
      target: { year: 2024, value: 70, source: 's' },
    });
    const low = statusAsOf(
      input({
        outcome: o,
        series: series([{ year: 2022, value: 55, lower: 53, upper: 57 }], 'high-is-good'),
      }),
      '2023-01-01',
    );
    expect(low.status).toBe('off-track');
    const high = statusAsOf(
      input({
        outcome: o,
        series: series([{ year: 2022, value: 65, lower: 63, upper: 67 }], 'high-is-good'),
      }),
      '2023-01-01',
    );
    expect(high.status).toBe('on-track');
  });

  it('with no judgement, reads "better" as the way from the baseline to the target', () => {
    const up = outcome({
      baseline: { year: 2020, value: 10, source: 's' },
      target: { year: 2024, value: 14, source: 's' },
    });
    expect(
      statusAsOf(
        input({ outcome: up, series: series([{ year: 2022, value: 13 }], 'no-judgement') }),
        '2023-01-01',
      ).status,
    ).toBe('on-track');
    expect(
      statusAsOf(
        input({ outcome: up, series: series([{ year: 2022, value: 11 }], 'no-judgement') }),
        '2023-01-01',
      ).status,
    ).toBe('off-track');
  });

  it('uses the latest year that has ended by the day asked about', () => {
    const s = series([
      { year: 2021, value: 25, lower: 24, upper: 26 },
      { year: 2022, value: 17, lower: 16, upper: 18 },
    ]);
    expect(statusAsOf(input({ series: s }), '2022-12-31').status).toBe('off-track');
    expect(statusAsOf(input({ series: s }), '2023-01-01').status).toBe('on-track');
  });

  it('compares at the published precision: a value shown equal to the trajectory is on it', () => {
    expect(statusAsOf(input({ series: series([{ year: 2022, value: 18.04 }]) }), '2023-01-01').status).toBe(
      'on-track',
    );
  });

  it('is the same assessment for the same day, whenever it is asked', () => {
    const i = input({ milestones: [{ milestone, ownerName: 'The Trust' }] });
    expect(statusAsOf(i, '2023-09-01')).toEqual(statusAsOf(i, '2023-09-01'));
  });
});

describe('not measured', () => {
  it('when the ambition has no indicator', () => {
    const a = statusAsOf(
      input({
        outcome: outcome({ indicator: undefined, baseline: undefined, target: undefined }),
        series: undefined,
      }),
      '2023-01-01',
    );
    expect(a.status).toBe('not-measured');
    expect(a.summary).toBe('Not measured: the ambition has no indicator yet.');
  });

  it('when the indicator has no results, or no published figure for a year ended', () => {
    expect(
      statusAsOf(input({ series: undefined, unmeasuredReason: 'Not in the catalogue.' }), '2023-01-01')
        .reasons,
    ).toEqual(['Not in the catalogue.']);
    const none = statusAsOf(input(), '2022-06-01');
    expect(none.status).toBe('not-measured');
    expect(none.reasons[0]).toBe('Suicide rate has no published figure for a year ended by 2022-06-01.');
  });

  it('when the indicator has no baseline and target set yet', () => {
    const a = statusAsOf(
      input({ outcome: outcome({ baseline: undefined, target: undefined }) }),
      '2023-01-01',
    );
    expect(a.status).toBe('not-measured');
    expect(a.summary).toBe('Not measured: indicator suicide-rate has no baseline and target set yet.');
  });

  it('unless a milestone is late, which sets the status', () => {
    const a = statusAsOf(
      input({ series: undefined, milestones: [{ milestone, ownerName: 'The Trust' }] }),
      '2023-08-01',
    );
    expect(a.status).toBe('at-risk');
    expect(a.summary).toBe(
      'At risk because milestone “Training for all staff” is 1 month late. The indicator is not measured: ' +
        'indicator suicide-rate has no computed figures yet.',
    );
  });
});

describe('milestones', () => {
  const withMilestone = (reports: MilestoneReport[]) =>
    input({ milestones: [{ milestone, ownerName: 'The Trust' }], reports });

  it('on time: verified by the due date, or not yet due', () => {
    expect(statusAsOf(withMilestone([]), '2023-06-30').status).toBe('on-track');
    expect(
      statusAsOf(withMilestone([report({ decision: verified('2023-06-20') })]), '2024-01-01').status,
    ).toBe('on-track');
  });

  it('late by up to three months and unverified: at risk; reported but awaiting verification still counts', () => {
    const a = statusAsOf(withMilestone([report()]), '2023-09-30');
    expect(a.status).toBe('at-risk');
    expect(a.reasons).toContain(
      'Milestone “Training for all staff” (The Trust) is 3 months late: due 2023-06-30, reported complete but not yet verified by 2023-09-30.',
    );
  });

  it('more than three months late: off track, with the months named', () => {
    const a = statusAsOf(withMilestone([]), '2023-11-15');
    expect(a.status).toBe('off-track');
    expect(a.summary).toBe('Off track because milestone “Training for all staff” is 4 months late.');
  });

  it('verified as completed after the due date: late by the months to completion, for good', () => {
    const r = report({
      completedOn: '2023-12-01',
      reportedOn: '2023-12-02',
      reportedAt: new Date('2023-12-02T10:00:00Z'),
      decision: verified('2023-12-05'),
    });
    const a = statusAsOf(withMilestone([r]), '2024-06-01');
    expect(a.status).toBe('off-track');
    expect(a.reasons).toContain(
      'Milestone “Training for all staff” (The Trust) was 5 months late: due 2023-06-30, verified as completed on 2023-12-01.',
    );
  });

  it('a rejected report does not complete it', () => {
    const r = report({ decision: { ...verified('2023-06-10'), decision: 'rejected' } });
    const p = progressAsOf(milestone, [r], '2023-07-10');
    expect(p.state).toBe('rejected');
    expect(statusAsOf(withMilestone([r]), '2023-07-10').reasons[1]).toContain('the report was rejected');
  });

  it('ignores what was recorded after the day asked about', () => {
    const r = report({ decision: verified('2023-06-20') });
    expect(progressAsOf(milestone, [r], '2023-06-10').state).toBe('reported');
    expect(progressAsOf(milestone, [r], '2023-06-01').state).toBe('not-reported');
  });

  it('combine with the indicator: the worst wins, and both are named', () => {
    const a = statusAsOf(
      input({
        series: series([{ year: 2022, value: 18.6, lower: 17.5, upper: 19.8 }]),
        milestones: [{ milestone, ownerName: 'The Trust' }],
      }),
      '2023-11-15',
    );
    expect(a.status).toBe('off-track');
    expect(a.summary).toBe(
      'Off track because Suicide rate is 0.6 per 100,000 worse than its trajectory in 2022 (within its 95% interval) and milestone “Training for all staff” is 4 months late.',
    );
  });
});

describe('lateness', () => {
  it('counts calendar months, clamping the day', () => {
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonths('2023-11-30', 3)).toBe('2024-02-29');
    expect(lateness('2023-06-30', '2023-06-30', false)).toBeUndefined();
    expect(lateness('2023-06-30', '2023-07-10', false)).toMatchObject({
      months: 0,
      days: 10,
      beyondThreeMonths: false,
    });
    expect(lateness('2023-06-30', '2023-09-30', false)).toMatchObject({
      months: 3,
      beyondThreeMonths: false,
    });
    expect(lateness('2023-06-30', '2023-10-01', false)).toMatchObject({ months: 3, beyondThreeMonths: true });
  });
});

describe('the history', () => {
  it('has the status at each year of figures and each milestone event, marking changes', () => {
    const s = series([
      { year: 2021, value: 19, lower: 18, upper: 20 },
      { year: 2022, value: 21, lower: 20.5, upper: 21.5 },
    ]);
    const r = report({
      completedOn: '2023-08-01',
      reportedOn: '2023-08-02',
      reportedAt: new Date('2023-08-02T10:00:00Z'),
      decision: verified('2023-08-03'),
    });
    const history = statusHistory(
      input({ series: s, milestones: [{ milestone, ownerName: 'The Trust' }], reports: [r] }),
      '2024-01-01',
    );
    expect(history.map((h) => [h.on, h.assessment.status, h.changed])).toEqual([
      ['2022-01-01', 'on-track', false],
      ['2023-01-01', 'off-track', true],
      ['2023-07-01', 'off-track', false],
      ['2023-08-02', 'off-track', false],
      ['2023-08-03', 'off-track', false],
      ['2023-10-01', 'off-track', false],
    ]);
    expect(history[1]?.events).toEqual(['the 2022 figure is complete']);
  });
});

describe('properties', () => {
  const polarity = fc.constantFrom<MeasureSeries['polarity']>('low-is-good', 'high-is-good');
  const observation = fc.record({
    value: fc.double({ min: -1000, max: 1000, noNaN: true }),
    halfWidth: fc.double({ min: 0, max: 100, noNaN: true }),
  });

  it('a value exactly on the trajectory is never off track (nor at risk)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1000, max: 1000, noNaN: true }),
        fc.double({ min: -1000, max: 1000, noNaN: true }),
        fc.integer({ min: 2021, max: 2030 }),
        polarity,
        (from, to, year, pol) => {
          const o = outcome({
            baseline: { year: 2020, value: from, source: 's' },
            target: { year: 2030, value: to, source: 's' },
          });
          const t = trajectoryValue(o, year) ?? 0;
          const a = statusAsOf(
            input({ outcome: o, series: series([{ year, value: t }], pol) }),
            '2031-01-01',
          );
          expect(a.status).toBe('on-track');
        },
      ),
    );
  });

  it('a better value never gives a worse status', () => {
    const rank = { 'on-track': 0, 'at-risk': 1, 'off-track': 2, 'not-measured': -1 } as const;
    fc.assert(
      fc.property(observation, fc.double({ min: 0, max: 500, noNaN: true }), polarity, (obs, gain, pol) => {
        const direction = pol === 'high-is-good' ? 1 : -1;
        const at = (value: number) =>
          statusAsOf(
            input({
              series: series(
                [{ year: 2022, value, lower: value - obs.halfWidth, upper: value + obs.halfWidth }],
                pol,
              ),
            }),
            '2023-01-01',
          ).status;
        expect(rank[at(obs.value + direction * gain)]).toBeLessThanOrEqual(rank[at(obs.value)]);
      }),
    );
  });
});
