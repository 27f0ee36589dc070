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
import { cellsOfRows, cubeSql, demographyTableSql, type CubeRow } from './sql-engine.js';

export interface IndicatorResult {
  readonly indicator: Indicator;
  readonly cells: readonly CubeCell[];
  readonly values: readonly IndicatorValue[];
  readonly gap: InequalityGap;
  /** Time spent in SQL and in the statistics, in milliseconds. */
  readonly timings: { readonly sql: number; readonly statistics: number };
}

/** `demography`: the table made by computeCatalogue for every indicator (without it the SQL makes its own). */
export async function computeIndicator(
  store: AnalyticStore,
  indicator: Indicator,
  catalogue: Catalogue,
  demography?: string,
): Promise<IndicatorResult> {
  const started = performance.now();
  const rows = await store.rows<CubeRow & Record<string, unknown>>(
    cubeSql(indicator, catalogue.codeLists, demography),
  );
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

const DEMOGRAPHY = 'indicator_demography';

/** Every year any indicator of the catalogue is computed for. */
function catalogueYears(catalogue: Catalogue): number[] {
  const years = new Set<number>();
  for (const { years: range } of catalogue.indicators)
    for (let year = range.from; year <= range.to; year++) years.add(year);
  return [...years].sort((a, b) => a - b);
}

/**
 * The catalogue's indicators, one after the other, on one demography table made for them all: the person × year
 * pass is paid once, and each indicator then reads only the events its criteria match (sql-engine.ts).
 */
export async function computeCatalogue(
  store: AnalyticStore,
  catalogue: Catalogue,
): Promise<IndicatorResult[]> {
  if (catalogue.indicators.length === 0) return [];
  // A TEMP table lives with the connection: one left by a run that failed half-way is made again.
  await store.connection.run(`DROP TABLE IF EXISTS ${DEMOGRAPHY}`);
  await store.connection.run(demographyTableSql(DEMOGRAPHY, catalogueYears(catalogue)));
  try {
    const results: IndicatorResult[] = [];
    for (const indicator of catalogue.indicators)
      results.push(await computeIndicator(store, indicator, catalogue, DEMOGRAPHY));
    return results;
  } finally {
    await store.connection.run(`DROP TABLE IF EXISTS ${DEMOGRAPHY}`);
  }
}
