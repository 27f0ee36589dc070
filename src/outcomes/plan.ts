/**
 * @module outcomes/plan
 * The partnership's shared outcomes and milestones together, and the check that needs the indicator catalogue
 * (which partnership/validate cannot see, since indicators/ lives beside the partnerships): every indicator an
 * outcome names must be one of the catalogue's, with the figures its measure needs. Pure.
 */
import type { Issue } from '../core/problem.js';
import type { Milestone, Outcome, Partnership } from '../partnership/index.js';
import type { MilestoneReport } from './progress.js';
import type { MeasureSeries, StatusInput } from './status.js';

export interface OutcomesPlan {
  readonly outcomes: readonly Outcome[];
  readonly milestones: readonly Milestone[];
}

export const planOf = (p: Partnership): OutcomesPlan => ({
  outcomes: p.outcomes ?? [],
  milestones: p.milestones ?? [],
});

/** Outcomes naming an indicator the catalogue does not have, with the file and path to correct. */
export function checkIndicators(plan: OutcomesPlan, catalogueIds: ReadonlySet<string>): Issue[] {
  return plan.outcomes.flatMap((outcome, index) =>
    outcome.indicator === undefined || catalogueIds.has(outcome.indicator)
      ? []
      : [
          {
            file: 'outcomes.yaml',
            path: `outcomes[${index}].indicator`,
            message: `unknown indicator '${outcome.indicator}': use an id of the catalogue (indicators/<id>.yaml)`,
          },
        ],
  );
}

/**
 * What `statusAsOf` needs for each outcome: its published measure (from `seriesOf`, which goes through disclosure
 * control), its milestones with their owners' names, and the recorded reports.
 */
export function statusInputs(
  plan: OutcomesPlan,
  ownerName: (organisationId: string) => string,
  seriesOf: (outcome: Outcome) => { series: MeasureSeries } | { unmeasured: string },
  reports: readonly MilestoneReport[],
): StatusInput[] {
  const byId = new Map(plan.milestones.map((m) => [m.id, m]));
  return plan.outcomes.map((outcome) => {
    const found = seriesOf(outcome);
    return {
      outcome,
      series: 'series' in found ? found.series : undefined,
      ...('unmeasured' in found ? { unmeasuredReason: found.unmeasured } : {}),
      milestones: outcome.milestones.flatMap((id) => {
        const milestone = byId.get(id);
        return milestone === undefined ? [] : [{ milestone, ownerName: ownerName(milestone.owner) }];
      }),
      reports,
    };
  });
}
