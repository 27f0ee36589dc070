/**
 * @module money/fair-shares
 * Fair shares (issue 8, item 3; docs/fair-shares.md): need-weighted capitation from the population health store,
 * each place's target share, distance from target, and a pace-of-change policy simulated over years. `need-cells.ts`
 * reads the store (the only module here that may); everything else is pure. `computeFairShares` puts the steps
 * together for a build: the need cells in, the report out.
 */
import type { Issue } from '../../core/problem.js';
import { err, type Result } from '../../core/result.js';
import { protectCount } from '../../population/disclosure/index.js';
import type { Catalogue } from '../../population/indicators/catalogue.js';
import { demoAllocations, readAllocationsCsv, type CurrentAllocations } from './allocations.js';
import { loadCostWeights, COST_WEIGHTS_FILE } from './cost-weights.js';
import type { PlaceId } from './model.js';
import { LONG_TERM_CONDITIONS, type NeedCell } from './need-cells.js';
import { DEFAULT_POLICY, type PaceOfChangePolicy } from './pace-of-change.js';
import { fairSharesReport, type FairSharesReport } from './report.js';

export { fairSharesCsv, publishedPeople, type FairSharesReport } from './report.js';
export { DEFAULT_POLICY, type PaceOfChangePolicy } from './pace-of-change.js';
export { LONG_TERM_CONDITIONS, type NeedCell } from './need-cells.js';

/** A count as published (rounded to 5); a count small enough to be withheld counts as 0. */
function publishedCount(count: number): number {
  const cell = protectCount(count);
  return cell.ok && cell.value.kind === 'count' ? cell.value.value : 0;
}

export interface ComputeFairShares {
  /** The year the cells count (registered and alive on 31 December). */
  readonly year: number;
  /** From needCells(store, catalogue, year). */
  readonly cells: readonly NeedCell[];
  readonly catalogue: Catalogue;
  /** The partnership's places (partnership.places: id and name). */
  readonly places: readonly PlaceId[];
  /**
   * The partnership's stated budget, for the illustrative demo allocation when no CSV is given. With the stated
   * population it covers, the budget is scaled to the registered population counted (a synthetic population is
   * often a sample), so the demo's amounts per head are realistic.
   */
  readonly budget: {
    readonly pence: number;
    readonly source: string;
    readonly statedPopulation?: number | undefined;
  };
  /** Current allocations supplied by the user (columns place, allocation_pounds); the demo's when absent. */
  readonly allocationsCsv?: { readonly text: string; readonly file: string };
  readonly policy?: PaceOfChangePolicy;
  /** The cost weights file; Accord's reference/money/cost-weights.yaml by default. */
  readonly weightsFile?: string;
}

export function computeFairShares(input: ComputeFairShares): Result<FairSharesReport, Issue[]> {
  const weights = loadCostWeights(input.weightsFile ?? COST_WEIGHTS_FILE);
  if (!weights.ok) return weights;
  let allocations: Result<CurrentAllocations, Issue[]>;
  if (input.allocationsCsv !== undefined) {
    allocations = readAllocationsCsv(input.allocationsCsv.text, input.places, input.allocationsCsv.file);
  } else {
    const population = new Map<string, number>();
    for (const cell of input.cells) {
      if (cell.place !== null) population.set(cell.place, (population.get(cell.place) ?? 0) + cell.persons);
    }
    const registered = input.places.reduce((sum, p) => sum + (population.get(p.id) ?? 0), 0);
    const stated = input.budget.statedPopulation;
    const scaled =
      stated !== undefined && stated > 0 && publishedCount(registered) > 0 && registered < stated;
    allocations = demoAllocations(
      input.places.map((p) => ({ id: p.id, population: population.get(p.id) ?? 0 })),
      scaled ? Math.round((input.budget.pence * publishedCount(registered)) / stated) : input.budget.pence,
      scaled
        ? // The count is not quoted, and the budget is scaled by it as published (rounded to 5), so the total
          // cannot give back the exact count: every published count of people passes disclosure control.
          `${input.budget.source}, scaled from its stated population of ${stated.toLocaleString('en-GB')} to the ` +
            'people registered here'
        : input.budget.source,
    );
  }
  if (!allocations.ok) return allocations;
  const conditions = LONG_TERM_CONDITIONS.map((id) => ({
    id,
    title: input.catalogue.codeLists[id]?.title ?? id,
  }));
  const missing = conditions.filter((c) => input.catalogue.codeLists[c.id] === undefined);
  if (missing.length > 0) {
    return err([
      {
        message: `the catalogue has no code list ${missing.map((c) => c.id).join(', ')} (indicators/code-lists.yaml)`,
      },
    ]);
  }
  return fairSharesReport({
    year: input.year,
    cells: input.cells,
    weights: weights.value,
    places: input.places,
    allocations: allocations.value,
    policy: input.policy ?? DEFAULT_POLICY,
    conditions,
  });
}
