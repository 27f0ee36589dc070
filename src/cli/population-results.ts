/**
 * @module cli/population-results
 * What a build computes on the analytic store after the indicators, for `accord population build` and the demo
 * alike: the carers' register figures, fair shares for the partnership's places (when its files state a budget,
 * which the illustrative allocation splits; real allocations come from the partnership's finance team later), and
 * the segmentation with its risk model (population/segmentation). One function, so both keep the same results file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeCarers } from '../carers/run.js';
import { formatIssue } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import { computeFairShares } from '../money/fair-shares/index.js';
import { needCells } from '../money/fair-shares/need-cells.js';
import { loadPartnership } from '../partnership/load.js';
import type { Catalogue } from '../population/indicators/catalogue.js';
import { saveResults } from '../population/indicators/results-file.js';
import type { IndicatorResult } from '../population/indicators/run.js';
import type { AnalyticStore } from '../population/store/analytic-store.js';
import { computeSegmentation } from '../population/segmentation/run.js';

/** Each person's risk score for case-finding lists (population/store/risk-scores.ts), beside the store. */
export const riskScoresFile = (analyticsDir: string): string => join(analyticsDir, 'risk-scores.parquet');

/** A file of the places' current allocations (place,allocation_pounds), read whole; checked by fair shares. */
export function readAllocationsFile(file: string): Result<{ text: string; file: string }, string> {
  if (!existsSync(file)) return err(`the allocations file ${file} does not exist`);
  try {
    return ok({ text: readFileSync(file, 'utf8'), file });
  } catch (error) {
    return err(`the allocations file ${file} cannot be read: ${(error as Error).message}`);
  }
}

/** Computes the carers' figures and fair shares, then saves them with the indicators; a line for each skipped part. */
export async function saveBuildResults(
  store: AnalyticStore,
  where: {
    readonly analyticsDir: string;
    readonly partnershipDir: string;
    /** The places' current allocations for fair shares; absent, the illustrative split of the stated budget. */
    readonly allocationsFile?: string | undefined;
  },
  catalogue: Catalogue,
  indicators: readonly IndicatorResult[],
  log: (line: string) => void,
): Promise<Result<void, string>> {
  const carers = await computeCarers(store, catalogue);
  if (!carers.ok) return err(carers.error);
  const loaded = loadPartnership(where.partnershipDir);
  if (!loaded.ok)
    return err(`the partnership files do not load: ${loaded.error.map(formatIssue).join('; ')}`);
  const { info, places } = loaded.value.partnership;
  let fairShares;
  const { budget } = info;
  if (budget === undefined && where.allocationsFile === undefined) {
    log(
      'fair shares: the partnership states no budget and no allocations were given (--allocations); left out',
    );
  } else {
    // The latest year the indicators count: its people, registered and alive on 31 December.
    const year = carers.value.years.to;
    const allocations =
      where.allocationsFile === undefined ? undefined : readAllocationsFile(where.allocationsFile);
    if (allocations?.ok === false) return err(`fair shares: ${allocations.error}`);
    const computed = computeFairShares({
      ...(allocations === undefined ? {} : { allocationsCsv: allocations.value }),
      year,
      cells: await needCells(store, catalogue, year),
      catalogue,
      places: places
        .filter((place) => place.to === undefined)
        .map((place) => ({ id: place.id, name: place.name })),
      // The stated budget is split only when no allocations are given (the illustrative demo split).
      budget: {
        pence: (budget?.value ?? 0) * 100,
        source: budget?.source ?? '',
        statedPopulation: info.population.value,
      },
    });
    if (!computed.ok) return err(`fair shares: ${computed.error.map(formatIssue).join('; ')}`);
    fairShares = computed.value;
  }
  // Segments, frailty, Core20PLUS5 and the risk model: a failure is said and the rest still saved.
  const segmentation = await computeSegmentation(store, catalogue, {
    partnershipDir: where.partnershipDir,
    places: places.filter((place) => place.to === undefined).map((place) => place.id),
    riskScoresFile: riskScoresFile(where.analyticsDir),
  });
  if (!segmentation.ok) log(`segmentation: ${segmentation.error}; left out`);
  else {
    const { computedSeconds, riskModel, modelProblem, riskScores } = segmentation.value;
    log(
      `segmentation: computed in ${(computedSeconds ?? 0).toFixed(1)} s` +
        (riskModel?.evaluation.auc === undefined
          ? `; risk model: ${modelProblem ?? 'not fitted'}`
          : `; risk model AUC ${riskModel.evaluation.auc.toFixed(3)} on ${riskModel.evaluationYear}`) +
        (riskScores === undefined
          ? ''
          : `; ${riskScores.persons.toLocaleString('en-GB')} people scored for case-finding on ${riskScores.featuresOn}`),
    );
  }
  saveResults(
    where.analyticsDir,
    indicators,
    carers.value,
    fairShares,
    new Date(),
    segmentation.ok ? segmentation.value : undefined,
  );
  return ok(undefined);
}
