/**
 * @module population/indicators/results-file
 * The computed indicators (with the carers' register figures and fair shares) kept beside the analytic store (`indicators.json`), so the server reads them at start
 * instead of recomputing: figures and gaps only — aggregates, not rows — but before disclosure control, so the file
 * stays with the store and is published only through population/disclosure.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { err, ok, type Result } from '../../core/result.js';
import type { CarersFigures } from '../../carers/figures.js';
import type { FairSharesReport } from '../../money/fair-shares/index.js';
import type { SegmentationResults } from '../segmentation/figures.js';
import type { Indicator } from './definition.js';
import type { InequalityGap } from './inequality-gap.js';
import type { IndicatorValue } from './measures.js';
import type { IndicatorResult } from './run.js';

/**
 * 2: the carers' register figures beside the indicators; 3: fair shares too; 4: segmentation and the risk model.
 * An older file is computed again.
 */
export const RESULTS_FORMAT = 4;
export const RESULTS_FILE = 'indicators.json';

export interface StoredResult {
  readonly indicator: Indicator;
  readonly values: readonly IndicatorValue[];
  readonly gap: InequalityGap;
}

export interface PopulationResults {
  readonly format: number;
  readonly computedAt: string;
  readonly results: readonly StoredResult[];
  /** Carers identified against the census estimate (carers/figures.ts). */
  readonly carers: CarersFigures;
  /** Fair shares of the partnership's places (money/fair-shares), when its files state a budget. */
  readonly fairShares?: FairSharesReport;
  /** Segments, frailty, Core20PLUS5 cohorts and the emergency admission risk model (population/segmentation). */
  readonly segmentation?: SegmentationResults;
}

export function saveResults(
  analyticsDir: string,
  results: readonly IndicatorResult[],
  carers: CarersFigures,
  fairShares: FairSharesReport | undefined,
  at: Date,
  segmentation?: SegmentationResults,
): void {
  const file = join(analyticsDir, RESULTS_FILE);
  const stored: PopulationResults = {
    format: RESULTS_FORMAT,
    computedAt: at.toISOString(),
    results: results.map(({ indicator, values, gap }) => ({ indicator, values, gap })),
    carers,
    ...(fairShares === undefined ? {} : { fairShares }),
    ...(segmentation === undefined ? {} : { segmentation }),
  };
  // Written whole, then renamed: a reader never sees half a file.
  writeFileSync(`${file}.tmp`, JSON.stringify(stored), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

export function loadResults(analyticsDir: string): Result<PopulationResults | undefined, string> {
  const file = join(analyticsDir, RESULTS_FILE);
  if (!existsSync(file)) return ok(undefined);
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as PopulationResults;
    if (parsed.format !== RESULTS_FORMAT) return ok(undefined);
    return ok(parsed);
  } catch (error) {
    return err(
      `${file} is not readable JSON (${(error as Error).message}); run accord population build again`,
    );
  }
}
