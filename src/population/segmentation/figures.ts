/**
 * @module population/segmentation/figures
 * The segmentation's aggregates for planning, from the store's cells: for every year, persons by Bridges to Health
 * segment and, at 65 and over, by eFI category — each crossed with place, national IMD quintile, age band and sex
 * — and the Core20PLUS5 cohorts by place and quintile; with the rules' words (names, tests, sources, which eFI
 * deficits are measured) so the pages need nothing else. True counts: published only through disclosure control
 * (web/segmentation-view.ts). Pure.
 */
import { SEGMENT_AGE_BANDS } from './cells-sql.js';
import type { Core20Cell, SegmentCell } from './cells.js';
import { EFI_CATEGORIES, efiCoverage, efiCutPoints, type SegmentationRules } from './reference.js';
import type { RiskModelReport } from './risk-model.js';

/** Rows × columns of counts, each row and column named by its key. */
export interface CountTable {
  readonly rows: readonly string[];
  readonly columns: readonly string[];
  readonly cells: readonly (readonly number[])[];
}

export interface Crossings {
  /** Columns: the places, then `elsewhere` (home outside the partnership or unknown). */
  readonly byPlace: CountTable;
  /** Columns: quintiles 1-5, then `unknown`. */
  readonly byQuintile: CountTable;
  readonly byAgeBand: CountTable;
  /** Columns: female, male, then `other` (neither recorded). */
  readonly bySex: CountTable;
}

export interface SegmentationYear {
  readonly year: number;
  /** Rows: segments 8 down to 1. */
  readonly segments: Crossings;
  /** Rows: fit, mild, moderate, severe; aged 65 and over only. */
  readonly efi: Crossings;
}

/** Named counts of adults (see cells-sql.ts core20CellsSql: adults, core20, plus_i, area_i, measure_i, …). */
export type Core20Counts = Readonly<Record<string, number>>;

export interface Core20Year {
  readonly year: number;
  readonly system: Core20Counts;
  /** By the place of home; `elsewhere` for the rest. */
  readonly byPlace: Readonly<Record<string, Core20Counts>>;
  /** By quintile 1-5; `unknown` for the rest. */
  readonly byQuintile: Readonly<Record<string, Core20Counts>>;
}

export interface SegmentationDefinitions {
  readonly segments: readonly {
    number: number;
    id: string;
    name: string;
    lynn: string;
    rule: string;
    source: string;
  }[];
  readonly sources: SegmentationRules['sources'];
  readonly longTermConditions: readonly string[];
  readonly efi: {
    readonly minimumAge: number;
    readonly denominator: number;
    readonly categories: readonly { id: string; name: string; upTo?: number; maxDeficits?: number }[];
    /** Deficits mapped to code lists; `recorded` when the store holds any code of them. */
    readonly measured: readonly { name: string; codeLists: readonly string[]; recorded: boolean }[];
    readonly notMeasured: readonly string[];
  };
  readonly core20plus5: {
    readonly minimumAge: number;
    readonly imdQuintile: number;
    readonly plusGroups: readonly { id: string; name: string; note?: string }[];
    readonly clinicalAreas: readonly {
      id: string;
      name: string;
      cohort: string;
      measurable: boolean;
      measure?: string;
      note?: string;
      indicators: readonly string[];
    }[];
  };
}

export interface SegmentationResults {
  readonly years: { readonly from: number; readonly to: number };
  readonly places: readonly string[];
  readonly definitions: SegmentationDefinitions;
  readonly byYear: readonly SegmentationYear[];
  readonly core20plus5: readonly Core20Year[];
  /** Absent when it could not be fitted (the reason is in `modelProblem`). */
  readonly riskModel?: RiskModelReport;
  readonly modelProblem?: string;
  /**
   * Each person's risk for case-finding, kept in its own file (population/store/risk-scores.ts), never here: only
   * the day the features were taken on, the year predicted, and how many were scored.
   */
  readonly riskScores?: {
    readonly featuresOn: string;
    readonly predictingYear: number;
    readonly persons: number;
  };
  readonly computedSeconds?: number;
}

export const ELSEWHERE = 'elsewhere';
export const UNKNOWN = 'unknown';
export const SEGMENT_ROWS = ['8', '7', '6', '5', '4', '3', '2', '1'];

function table(
  rows: readonly string[],
  columns: readonly string[],
  entries: Iterable<{ row: string; column: string; count: number }>,
): CountTable {
  const cells = rows.map(() => columns.map(() => 0));
  for (const { row, column, count } of entries) {
    const i = rows.indexOf(row);
    const j = columns.indexOf(column);
    if (i >= 0 && j >= 0) (cells[i] as number[])[j] = (cells[i]?.[j] ?? 0) + count;
  }
  return { rows, columns, cells };
}

function crossings(
  cells: readonly SegmentCell[],
  rows: readonly string[],
  rowOf: (c: SegmentCell) => string | undefined,
  places: readonly string[],
  bands: readonly string[],
): Crossings {
  const placeColumns = [...places, ELSEWHERE];
  const quintileColumns = ['1', '2', '3', '4', '5', UNKNOWN];
  const sexColumns = ['female', 'male', 'other'];
  const by = (columnOf: (c: SegmentCell) => string) =>
    cells.flatMap((c) => {
      const row = rowOf(c);
      return row === undefined ? [] : [{ row, column: columnOf(c), count: c.persons }];
    });
  return {
    byPlace: table(
      rows,
      placeColumns,
      by((c) => (c.place !== null && places.includes(c.place) ? c.place : ELSEWHERE)),
    ),
    byQuintile: table(
      rows,
      quintileColumns,
      by((c) => (c.imdQuintile === null ? UNKNOWN : String(c.imdQuintile))),
    ),
    byAgeBand: table(
      rows,
      bands,
      by((c) => SEGMENT_AGE_BANDS[c.band]?.label ?? UNKNOWN),
    ),
    bySex: table(
      rows,
      sexColumns,
      by((c) => (c.sex === 'female' || c.sex === 'male' ? c.sex : 'other')),
    ),
  };
}

function addCounts(into: Record<string, number>, counts: Core20Counts): void {
  for (const [key, value] of Object.entries(counts)) into[key] = (into[key] ?? 0) + value;
}

export function definitionsOf(
  rules: SegmentationRules,
  recorded: ReadonlySet<string> = new Set(),
): SegmentationDefinitions {
  const cuts = efiCutPoints(rules);
  const coverage = efiCoverage(rules);
  return {
    segments: rules.segments.map(({ number, id, name, lynn, rule, source }) => ({
      number,
      id,
      name,
      lynn,
      rule,
      source,
    })),
    sources: rules.sources,
    longTermConditions: rules.longTermConditions.codeLists.map((id) => rules.codeLists[id]?.title ?? id),
    efi: {
      minimumAge: rules.efi.minimumAge,
      denominator: rules.efi.denominator,
      categories: rules.efi.categories.map((c, i) => ({
        id: c.id,
        name: c.name,
        ...(c.upTo === undefined ? {} : { upTo: c.upTo, maxDeficits: cuts[i] ?? 0 }),
      })),
      measured: rules.efi.deficits
        .filter((d) => d.codeLists !== undefined)
        .map((d) => ({
          name: d.name,
          codeLists: (d.codeLists ?? []).map((id) => rules.codeLists[id]?.title ?? id),
          recorded: (d.codeLists ?? []).some((id) => recorded.has(id)),
        })),
      notMeasured: coverage.notMeasured,
    },
    core20plus5: {
      minimumAge: rules.core20plus5.minimumAge,
      imdQuintile: rules.core20plus5.core20.imdQuintile,
      plusGroups: rules.core20plus5.plusGroups.map((g) => ({
        id: g.id,
        name: g.name,
        ...(g.note === undefined ? {} : { note: g.note }),
      })),
      clinicalAreas: rules.core20plus5.clinicalAreas.map((a) => ({
        id: a.id,
        name: a.name,
        cohort: a.cohort,
        measurable: a.where !== undefined,
        ...(a.measure === undefined ? {} : { measure: a.measure.name }),
        ...(a.note === undefined ? {} : { note: a.note }),
        indicators: a.indicators ?? [],
      })),
    },
  };
}

export function segmentationFigures(
  rules: SegmentationRules,
  years: { readonly from: number; readonly to: number },
  places: readonly string[],
  segmentCells: readonly SegmentCell[],
  core20Cells: readonly Core20Cell[],
  /** The code lists the store holds any event of. */
  recorded: ReadonlySet<string> = new Set(),
): Omit<SegmentationResults, 'riskModel' | 'modelProblem'> {
  const bands = SEGMENT_AGE_BANDS.map((b) => b.label);
  const olderBands = SEGMENT_AGE_BANDS.filter((b) => b.from >= rules.efi.minimumAge).map((b) => b.label);
  const byYear: SegmentationYear[] = [];
  const core20: Core20Year[] = [];
  for (let year = years.from; year <= years.to; year++) {
    const cells = segmentCells.filter((c) => c.year === year);
    byYear.push({
      year,
      segments: crossings(cells, SEGMENT_ROWS, (c) => String(c.segment), places, bands),
      efi: crossings(cells, EFI_CATEGORIES, (c) => EFI_CATEGORIES[c.efiRank], places, olderBands),
    });
    const system: Record<string, number> = {};
    const byPlace: Record<string, Record<string, number>> = {};
    const byQuintile: Record<string, Record<string, number>> = {};
    for (const cell of core20Cells.filter((c) => c.year === year)) {
      addCounts(system, cell.counts);
      const place = cell.place !== null && places.includes(cell.place) ? cell.place : ELSEWHERE;
      addCounts((byPlace[place] ??= {}), cell.counts);
      addCounts(
        (byQuintile[cell.imdQuintile === null ? UNKNOWN : String(cell.imdQuintile)] ??= {}),
        cell.counts,
      );
    }
    core20.push({ year, system, byPlace, byQuintile });
  }
  return { years, places, definitions: definitionsOf(rules, recorded), byYear, core20plus5: core20 };
}
