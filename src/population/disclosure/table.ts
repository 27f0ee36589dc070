/**
 * @module population/disclosure/table
 * Protecting counts: one on its own, a table of counts with its margins (a two-way table, e.g. condition ×
 * IMD quintile) and a list of categories with its total (a series, e.g. counts by IMD quintile). The totals
 * are always computed here from the cells, never taken from the caller. Then, in order (docs/disclosure.md):
 *
 * 1. **Primary suppression**: every entry (cell or total) of 1 to 7 is withheld ('small-count').
 * 2. **Secondary suppression**: no withheld entry may be recoverable from the published ones. Every row and
 *    column of the table with its margins is an equation (the entries add up to the total); a line with
 *    exactly one withheld entry gives it away, so a second entry of that line is withheld ('secondary') — the
 *    unwithheld entry of least value, preferring a cell to the line's total and anything to a zero
 *    (withholding a zero beside a small cell hides nothing: their sum is the small count). This repeats
 *    across rows and columns until stable. Two withheld entries per line are not always enough: a withheld
 *    entry that lies on no cycle of the "withheld graph" (rows and columns as nodes, withheld entries as
 *    edges — a bridge) can still be solved by adding and subtracting whole lines. Each such entry gets one
 *    more complement, chosen to close a cycle through it, and the line rule runs again. A withheld entry on a
 *    cycle can be shifted by +d, −d round the cycle without changing any published figure, so nothing
 *    withheld can then be worked out exactly.
 * 3. **Rounding**: everything published is rounded to the nearest 5, totals from their unrounded values.
 *
 * The entry chosen to withhold is found by a search over the whole table each time: fine for published tables
 * (tens of rows and columns), not meant for tables of thousands of cells. Pure.
 */
import type { Issue } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { countCell, suppressedCell, type PublishedCount } from './cells.js';
import { checkPolicy, DEFAULT_POLICY, isSmall, roundCount, type DisclosurePolicy } from './rules.js';

export interface ProtectedTable {
  /** The cells, row by row, as in the input. */
  readonly cells: readonly (readonly PublishedCount[])[];
  /** Each row's total (sum across its columns). */
  readonly rowTotals: readonly PublishedCount[];
  /** Each column's total (sum down its rows). */
  readonly columnTotals: readonly PublishedCount[];
  readonly grandTotal: PublishedCount;
}

export interface ProtectedSeries {
  /** The categories' counts, in the input's order. */
  readonly counts: readonly PublishedCount[];
  readonly total: PublishedCount;
}

type Mark = 'published' | 'small-count' | 'secondary';

/** One line of the table: positions of its entries, the last being the line's total. */
type Line = readonly (readonly [row: number, column: number])[];

/**
 * Protects one count published on its own (no totals beside it to recover it from): 1 to 7 withheld, others
 * rounded to the nearest 5. A count that is part of a breakdown must go through `protectTable` or
 * `protectSeries`.
 */
export function protectCount(
  count: number,
  policy: DisclosurePolicy = DEFAULT_POLICY,
): Result<PublishedCount, Issue[]> {
  const checked = checkPolicy(policy);
  if (!checked.ok) return checked;
  const issues = checkValues([count], 'count');
  if (issues.length > 0) return err(issues.map((issue) => ({ ...issue, path: 'count' })));
  return ok(isSmall(count, policy) ? suppressedCell('small-count') : countCell(roundCount(count, policy)));
}

/**
 * Protects a table of counts (rows × columns of whole numbers ≥ 0, at least 1 × 1, rectangular). Row totals,
 * column totals and the grand total are computed from the cells. The table is protected as if all its margins
 * are published; a page that shows fewer of them is no less safe.
 */
export function protectTable(
  cells: readonly (readonly number[])[],
  policy: DisclosurePolicy = DEFAULT_POLICY,
): Result<ProtectedTable, Issue[]> {
  const checked = checkPolicy(policy);
  if (!checked.ok) return checked;
  const issues = checkTable(cells);
  if (issues.length > 0) return err(issues);

  const grid = withMargins(cells);
  const rows = cells.length;
  const columns = cells[0]?.length ?? 0;
  const marks = grid.map((line) =>
    line.map((value): Mark => (isSmall(value, policy) ? 'small-count' : 'published')),
  );
  const lines: Line[] = [];
  for (let i = 0; i <= rows; i++) lines.push(Array.from({ length: columns + 1 }, (_, j) => [i, j] as const));
  for (let j = 0; j <= columns; j++) lines.push(Array.from({ length: rows + 1 }, (_, i) => [i, j] as const));

  for (;;) {
    suppressUntilNoLineHasOneWithheld(grid, marks, lines);
    const bridge = findBridge(marks, rows);
    if (bridge === undefined) break;
    closeCycleThrough(bridge, grid, marks, rows, columns);
  }

  const publish = (i: number, j: number): PublishedCount => {
    const mark = at(marks, i, j);
    return mark === 'published' ? countCell(roundCount(at(grid, i, j), policy)) : suppressedCell(mark);
  };
  return ok({
    cells: cells.map((row, i) => row.map((_, j) => publish(i, j))),
    rowTotals: cells.map((_, i) => publish(i, columns)),
    columnTotals: Array.from({ length: columns }, (_, j) => publish(rows, j)),
    grandTotal: publish(rows, columns),
  });
}

/**
 * Protects a list of categories with their total (e.g. counts by IMD quintile): one line, so it is enough
 * that it never has exactly one withheld entry.
 */
export function protectSeries(
  counts: readonly number[],
  policy: DisclosurePolicy = DEFAULT_POLICY,
): Result<ProtectedSeries, Issue[]> {
  const checked = checkPolicy(policy);
  if (!checked.ok) return checked;
  const issues = checkValues(counts, 'counts');
  if (counts.length === 0) issues.push({ path: 'counts', message: 'a series needs at least one category' });
  if (issues.length > 0) return err(issues);

  const grid = [[...counts, counts.reduce((sum, value) => sum + value, 0)]];
  const marks = grid.map((line) =>
    line.map((value): Mark => (isSmall(value, policy) ? 'small-count' : 'published')),
  );
  const line: Line = grid[0]?.map((_, j) => [0, j] as const) ?? [];
  suppressUntilNoLineHasOneWithheld(grid, marks, [line]);
  const publish = (j: number): PublishedCount => {
    const mark = at(marks, 0, j);
    return mark === 'published' ? countCell(roundCount(at(grid, 0, j), policy)) : suppressedCell(mark);
  };
  return ok({ counts: counts.map((_, j) => publish(j)), total: publish(counts.length) });
}

function checkValues(values: readonly number[], path: string): Issue[] {
  const issues: Issue[] = [];
  values.forEach((value, j) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      issues.push({
        path: `${path}[${j}]`,
        message: `${path}[${j}] must be a whole number ≥ 0 (a count), not ${String(value)}`,
      });
    }
  });
  return issues;
}

function checkTable(cells: readonly (readonly number[])[]): Issue[] {
  const first = cells[0];
  if (first === undefined || first.length === 0) {
    return [{ path: 'cells', message: 'a table needs at least one row and one column' }];
  }
  const issues: Issue[] = [];
  cells.forEach((row, i) => {
    if (row.length !== first.length) {
      issues.push({
        path: `cells[${i}]`,
        message:
          `row ${i} has ${row.length} cells but row 0 has ${first.length}; ` +
          'the table must be rectangular',
      });
    }
    issues.push(...checkValues(row, `cells[${i}]`));
  });
  return issues;
}

/** The (rows + 1) × (columns + 1) grid: the cells, each row's total on its right, the column totals below. */
function withMargins(cells: readonly (readonly number[])[]): number[][] {
  const grid = cells.map((row) => [...row, row.reduce((sum, value) => sum + value, 0)]);
  const columns = grid[0]?.length ?? 0;
  grid.push(Array.from({ length: columns }, (_, j) => grid.reduce((sum, row) => sum + (row[j] ?? 0), 0)));
  return grid;
}

function at<T>(grid: readonly (readonly T[])[], i: number, j: number): T {
  const value = grid[i]?.[j];
  if (value === undefined) throw new Error(`disclosure: no entry at ${i}, ${j}`);
  return value;
}

function setMark(marks: Mark[][], i: number, j: number, mark: Mark): void {
  const row = marks[i];
  if (row === undefined) throw new Error(`disclosure: no row ${i}`);
  row[j] = mark;
}

/**
 * The order in which unwithheld entries are chosen as complements: non-zero before zero (a zero hides
 * nothing), a cell before a line's total (readers need totals), then the least value (least information
 * lost), then position, so the choice is deterministic.
 */
function preference(value: number, isTotal: boolean, position: number): readonly number[] {
  return [value === 0 ? 1 : 0, isTotal ? 1 : 0, value, position];
}

function lessThan(a: readonly number[], b: readonly number[]): boolean {
  for (let k = 0; k < a.length; k++) {
    const x = a[k] ?? 0;
    const y = b[k] ?? 0;
    if (x !== y) return x < y;
  }
  return false;
}

/** Withholds a complement in every line with exactly one withheld entry, until no line has one. */
function suppressUntilNoLineHasOneWithheld(grid: number[][], marks: Mark[][], lines: readonly Line[]): void {
  let changed = true;
  while (changed) {
    changed = false;
    for (const line of lines) {
      const withheld = line.filter(([i, j]) => at(marks, i, j) !== 'published').length;
      if (withheld !== 1) continue;
      let best: { readonly i: number; readonly j: number; readonly key: readonly number[] } | undefined;
      line.forEach(([i, j], position) => {
        if (at(marks, i, j) !== 'published') return;
        const key = preference(at(grid, i, j), position === line.length - 1, position);
        if (best === undefined || lessThan(key, best.key)) best = { i, j, key };
      });
      if (best === undefined) throw new Error('disclosure: a line of one entry cannot be protected');
      setMark(marks, best.i, best.j, 'secondary');
      changed = true;
    }
  }
}

/**
 * The withheld graph: row lines 0…rows are nodes 0…rows, column lines 0…columns are nodes rows + 1 + j, and
 * each withheld entry (i, j) is an edge between row line i and column line j.
 */
function withheldEdges(marks: readonly (readonly Mark[])[]): [number, number][] {
  const edges: [number, number][] = [];
  marks.forEach((row, i) =>
    row.forEach((mark, j) => {
      if (mark !== 'published') edges.push([i, j]);
    }),
  );
  return edges;
}

/** The nodes reachable from `start` in the withheld graph without using the edge `without`. */
function reachable(
  edges: readonly [number, number][],
  rows: number,
  start: number,
  without: readonly [number, number],
): Set<number> {
  const node = (i: number, j: number): readonly [number, number] => [i, rows + 1 + j];
  const seen = new Set<number>([start]);
  const queue = [start];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    for (const [i, j] of edges) {
      if (i === without[0] && j === without[1]) continue;
      const [a, b] = node(i, j);
      const other = a === next ? b : b === next ? a : undefined;
      if (other !== undefined && !seen.has(other)) {
        seen.add(other);
        queue.push(other);
      }
    }
  }
  return seen;
}

interface Bridge {
  readonly entry: readonly [number, number];
  /** The nodes on the row line's side, and on the column line's side, once the bridge is taken away. */
  readonly rowSide: ReadonlySet<number>;
  readonly columnSide: ReadonlySet<number>;
}

/** A withheld entry on no cycle of the withheld graph — one that the published figures determine — if any. */
function findBridge(marks: readonly (readonly Mark[])[], rows: number): Bridge | undefined {
  const edges = withheldEdges(marks);
  for (const entry of edges) {
    const rowNode = entry[0];
    const columnNode = rows + 1 + entry[1];
    const rowSide = reachable(edges, rows, rowNode, entry);
    if (rowSide.has(columnNode)) continue;
    return { entry, rowSide, columnSide: reachable(edges, rows, columnNode, entry) };
  }
  return undefined;
}

/** Withholds one more entry joining the two sides of a bridge, so that the bridge lies on a cycle. */
function closeCycleThrough(
  bridge: Bridge,
  grid: number[][],
  marks: Mark[][],
  rows: number,
  columns: number,
): void {
  let best: { readonly i: number; readonly j: number; readonly key: readonly number[] } | undefined;
  for (let i = 0; i <= rows; i++) {
    for (let j = 0; j <= columns; j++) {
      if (at(marks, i, j) !== 'published') continue;
      const columnNode = rows + 1 + j;
      const joins =
        (bridge.rowSide.has(i) && bridge.columnSide.has(columnNode)) ||
        (bridge.columnSide.has(i) && bridge.rowSide.has(columnNode));
      if (!joins) continue;
      const key = preference(at(grid, i, j), i === rows || j === columns, i * (columns + 1) + j);
      if (best === undefined || lessThan(key, best.key)) best = { i, j, key };
    }
  }
  if (best === undefined) throw new Error('disclosure: no entry joins the two sides of a withheld bridge');
  setMark(marks, best.i, best.j, 'secondary');
}
