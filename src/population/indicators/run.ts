/**
 * @module population/indicators/run
 * Computes a catalogue's indicators on the analytic store: each definition's cube by the SQL engine, then its
 * figures (measures.ts) and inequality gap (inequality-gap.ts). The result holds aggregates only — counts of
 * persons or events in cells — and is what everything downstream (pages, exports, outcomes, fair shares) reads,
 * always through disclosure control when it is published.
 */
import type { AnalyticStore } from '../store/analytic-store.js';
import type { Catalogue } from './catalogue.js';
import type { CubeCell } from './cube.js';
import type { Indicator } from './definition.js';
import { inequalityGap, type InequalityGap } from './inequality-gap.js';
import { indicatorValues, type IndicatorValue } from './measures.js';
import { cellsOfRows, cubeSql, type CubeRow } from './sql-engine.js';

export interface IndicatorResult {
  readonly indicator: Indicator;
  readonly cells: readonly CubeCell[];
  readonly values: readonly IndicatorValue[];
  readonly gap: InequalityGap;
  /** Time spent in SQL and in the statistics, in milliseconds. */
  readonly timings: { readonly sql: number; readonly statistics: number };
}

export async function computeIndicator(
  store: AnalyticStore,
  indicator: Indicator,
  catalogue: Catalogue,
): Promise<IndicatorResult> {
  const started = performance.now();
  const rows = await store.rows<CubeRow & Record<string, unknown>>(cubeSql(indicator, catalogue.codeLists));
  const cells = cellsOfRows(rows);
  const queried = performance.now();
  const values = indicatorValues(indicator, cells);
  const gap = inequalityGap(values);
  return {
    indicator,
    cells,
    values,
    gap,
    timings: { sql: queried - started, statistics: performance.now() - queried },
  };
}

export async function computeCatalogue(
  store: AnalyticStore,
  catalogue: Catalogue,
): Promise<IndicatorResult[]> {
  const results: IndicatorResult[] = [];
  for (const indicator of catalogue.indicators)
    results.push(await computeIndicator(store, indicator, catalogue));
  return results;
}
