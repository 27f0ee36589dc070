/**
 * @module population/segmentation/cells
 * Runs the segmentation SQL on the analytic store and returns counts of persons per cell — the only module of
 * segmentation that holds the store (it is in ROW_LEVEL_READERS). What leaves it are aggregates, for `figures.ts`,
 * `risk-model.ts` and then disclosure control.
 */
import type { AnalyticStore } from '../store/analytic-store.js';
import { scoredFeaturesOfRow } from '../store/risk-scores.js';
import {
  core20CellsSql,
  listEventsSql,
  modelCellsSql,
  segmentCellsSql,
  type CompileInput,
} from './cells-sql.js';
import type { SegmentationRules } from './reference.js';

export interface SegmentCell {
  readonly year: number;
  readonly place: string | null;
  readonly imdQuintile: number | null;
  readonly sex: string;
  /** Index into SEGMENT_AGE_BANDS. */
  readonly band: number;
  readonly segment: number;
  /** Index into EFI_CATEGORIES; -1 below the eFI's minimum age. */
  readonly efiRank: number;
  readonly persons: number;
}

/** Adults of a year, place and quintile: named counts (adults, core20, plus_0, area_1_core20, …). */
export interface Core20Cell {
  readonly year: number;
  readonly place: string | null;
  readonly imdQuintile: number | null;
  readonly counts: Readonly<Record<string, number>>;
}

export interface ModelCell {
  /** The outcome year: features on 31 December of the year before. */
  readonly year: number;
  readonly band: number;
  readonly sex: 'female' | 'male';
  readonly imdQuintile: number;
  readonly conditions: number;
  readonly prior: number;
  readonly efiRank: number;
  readonly segment: number;
  readonly persons: number;
  readonly admitted: number;
}

const num = (value: unknown): number => Number(value);
const orNull = (value: unknown): number | null => (value === null ? null : Number(value));

export async function segmentCells(store: AnalyticStore, input: CompileInput): Promise<SegmentCell[]> {
  const rows = await store.rows(segmentCellsSql(input));
  return rows.map((row) => ({
    year: num(row['year']),
    place: (row['place'] as string | null) ?? null,
    imdQuintile: orNull(row['imd_quintile']),
    sex: String(row['sex']),
    band: num(row['band']),
    segment: num(row['segment']),
    efiRank: num(row['efi_rank']),
    persons: num(row['persons']),
  }));
}

export async function core20Cells(store: AnalyticStore, input: CompileInput): Promise<Core20Cell[]> {
  const rows = await store.rows(core20CellsSql(input));
  return rows.map((row) => {
    const counts: Record<string, number> = {};
    for (const [key, value] of Object.entries(row)) {
      if (key !== 'year' && key !== 'place' && key !== 'imd_quintile') counts[key] = num(value ?? 0);
    }
    return {
      year: num(row['year']),
      place: (row['place'] as string | null) ?? null,
      imdQuintile: orNull(row['imd_quintile']),
      counts,
    };
  });
}

export async function modelCells(store: AnalyticStore, input: CompileInput): Promise<ModelCell[]> {
  const rows = await store.rows(modelCellsSql(input));
  return rows.map((row) => ({
    year: num(row['year']),
    ...scoredFeaturesOfRow(row),
    persons: num(row['persons']),
    admitted: num(row['admitted']),
  }));
}

/** The last day with an event in the store, to tell the latest full year. */
export async function lastEventDate(store: AnalyticStore): Promise<string | undefined> {
  const rows = await store.rows<{ last: unknown }>('SELECT CAST(MAX(date) AS VARCHAR) AS last FROM event');
  const last = rows[0]?.last;
  return typeof last === 'string' ? last : undefined;
}

/** The code lists among `ids` with at least one event in the store. */
export async function listsRecorded(
  store: AnalyticStore,
  rules: SegmentationRules,
  ids: readonly string[],
): Promise<Set<string>> {
  const row = (await store.rows(listEventsSql(rules, ids)))[0] ?? {};
  return new Set(ids.filter((_, i) => Number(row[`l_${i}`] ?? 0) > 0));
}
