import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PublishedCount } from './cells.js';
import { DEFAULT_POLICY } from './rules.js';
import { protectCount, protectSeries, protectTable, type ProtectedTable } from './table.js';

const withheld = (reason: string): PublishedCount =>
  ({ kind: 'suppressed', reason }) as unknown as PublishedCount;
const count = (value: number): PublishedCount => ({ kind: 'count', value }) as unknown as PublishedCount;
const c = withheld('small-count');
const s = withheld('secondary');

function table(cells: number[][]): ProtectedTable {
  const result = protectTable(cells);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

/** The raw grid with its margins: cells, row totals on the right, column totals and the grand total below. */
function rawGrid(cells: readonly (readonly number[])[]): number[][] {
  const grid = cells.map((row) => [...row, row.reduce((a, b) => a + b, 0)]);
  grid.push(grid[0]!.map((_, j) => grid.reduce((a, row) => a + row[j]!, 0)));
  return grid;
}

/** The published grid in the same layout. */
function publishedGrid(result: ProtectedTable): PublishedCount[][] {
  return [
    ...result.cells.map((row, i) => [...row, result.rowTotals[i]!]),
    [...result.columnTotals, result.grandTotal],
  ];
}

/** Each row and column of the grid as a list of positions, the last being the line's total. */
function lines(rows: number, columns: number): [number, number][][] {
  const all: [number, number][][] = [];
  for (let i = 0; i <= rows; i++) all.push(Array.from({ length: columns + 1 }, (_, j) => [i, j]));
  for (let j = 0; j <= columns; j++) all.push(Array.from({ length: rows + 1 }, (_, i) => [i, j]));
  return all;
}

/**
 * The attacker of the worst case: knows every published entry exactly (before rounding) and solves any line
 * with one unknown left, over and over, so chains across rows and columns are followed. Returns the positions
 * solved.
 */
function peelOff(raw: number[][], published: PublishedCount[][]): string[] {
  const rows = raw.length - 1;
  const columns = raw[0]!.length - 1;
  const known = new Map<string, number>();
  raw.forEach((row, i) =>
    row.forEach((value, j) => {
      if (published[i]![j]!.kind === 'count') known.set(`${i},${j}`, value);
    }),
  );
  const solved: string[] = [];
  for (let progress = true; progress;) {
    progress = false;
    for (const line of lines(rows, columns)) {
      const unknown = line.filter(([i, j]) => !known.has(`${i},${j}`));
      if (unknown.length !== 1) continue;
      const [ui, uj] = unknown[0]!;
      const totalIndex = line.length - 1;
      const isTotal = line.findIndex(([i, j]) => i === ui && j === uj) === totalIndex;
      const sumOfParts = line
        .slice(0, totalIndex)
        .filter(([i, j]) => known.has(`${i},${j}`))
        .reduce((a, [i, j]) => a + known.get(`${i},${j}`)!, 0);
      const [ti, tj] = line[totalIndex]!;
      known.set(`${ui},${uj}`, isTotal ? sumOfParts : known.get(`${ti},${tj}`)! - sumOfParts);
      solved.push(`${ui},${uj}`);
      progress = true;
    }
  }
  return solved;
}

/**
 * The stronger attacker: any linear combination of the lines' equations. A withheld entry is determined
 * exactly when its unit vector lies in the row space of the equations restricted to the withheld entries. The
 * matrix has entries 0 and ±1 and is totally unimodular, so elimination in floating point with a tolerance is
 * exact here.
 */
function determinedByLinearAlgebra(rows: number, columns: number, published: PublishedCount[][]): string[] {
  const unknowns: string[] = [];
  published.forEach((row, i) =>
    row.forEach((cell, j) => {
      if (cell.kind === 'suppressed') unknowns.push(`${i},${j}`);
    }),
  );
  const index = new Map(unknowns.map((key, k) => [key, k]));
  const equations = lines(rows, columns).map((line) => {
    const coefficients = new Array<number>(unknowns.length).fill(0);
    line.forEach(([i, j], position) => {
      const k = index.get(`${i},${j}`);
      if (k !== undefined) coefficients[k] = position === line.length - 1 ? -1 : 1;
    });
    return coefficients;
  });
  // Reduced row echelon form.
  const basis: { pivot: number; row: number[] }[] = [];
  for (const equation of equations) {
    const row = [...equation];
    for (const { pivot, row: b } of basis) {
      const factor = row[pivot]!;
      if (factor !== 0) for (let k = 0; k < row.length; k++) row[k]! -= factor * b[k]!;
    }
    const pivot = row.findIndex((x) => Math.abs(x) > 1e-9);
    if (pivot < 0) continue;
    const scale = row[pivot]!;
    for (let k = 0; k < row.length; k++) row[k]! /= scale;
    for (const other of basis) {
      const factor = other.row[pivot]!;
      if (factor !== 0) for (let k = 0; k < row.length; k++) other.row[k]! -= factor * row[k]!;
    }
    basis.push({ pivot, row });
  }
  return unknowns.filter((_, k) => {
    const unit = new Array<number>(unknowns.length).fill(0);
    unit[k] = 1;
    for (const { pivot, row } of basis) {
      const factor = unit[pivot]!;
      if (factor !== 0) for (let m = 0; m < unit.length; m++) unit[m]! -= factor * row[m]!;
    }
    return unit.every((x) => Math.abs(x) < 1e-9);
  });
}

describe('protectTable: examples', () => {
  it('withholds a second cell in the row and column of a small cell, and one closing the rectangle', () => {
    //            col 0  col 1  col 2 | total
    //   row 0      20     3     40   |   63
    //   row 1      30    25     50   |  105
    //   total      50    28     90   |  168
    // 3 is withheld; 20 (the least in its row) and 25 (the only other in its column) are complements; row 1
    // then has one withheld cell, so 30 (the least left in it) is withheld too, which also protects column 0.
    expect(
      table([
        [20, 3, 40],
        [30, 25, 50],
      ]),
    ).toEqual({
      cells: [
        [s, c, count(40)],
        [s, s, count(50)],
      ],
      rowTotals: [count(65), count(105)],
      columnTotals: [count(50), count(30), count(90)],
      grandTotal: count(170),
    });
  });

  it('publishes a true zero as 0, and does not choose a zero as a complement (it would hide nothing)', () => {
    expect(
      table([
        [3, 0, 20],
        [10, 12, 30],
      ]).cells,
    ).toEqual([
      [c, count(0), s],
      [s, count(10), s],
    ]);
    expect(
      table([
        [0, 20],
        [15, 30],
      ]).cells,
    ).toEqual([
      [count(0), count(20)],
      [count(15), count(30)],
    ]);
  });

  it('withholds a zero when the policy says so', () => {
    const result = protectTable(
      [
        [0, 20],
        [15, 30],
      ],
      { ...DEFAULT_POLICY, suppressZero: true },
    );
    expect(result.ok && result.value.cells[0]![0]).toEqual(c);
  });

  it('withholds a total of 1 to 7 and protects it like a cell', () => {
    const result = table([
      [1, 2, 0],
      [20, 30, 40],
    ]);
    expect(result.rowTotals[0]).toEqual(c);
    expect(result.cells[0]).toEqual([c, c, count(0)]);
    // With column totals 21 and 32 published, 20 and 30 would give the withheld cells away: they go too.
    expect(result.cells[1]![0]!.kind).toBe('suppressed');
    expect(result.cells[1]![1]!.kind).toBe('suppressed');
    expect(result.columnTotals[2]).toEqual(count(40));
  });

  it('rounds every published figure to the nearest 5, totals from their unrounded values', () => {
    const result = table([
      [12, 13],
      [8, 10],
    ]);
    expect(result.cells).toEqual([
      [count(10), count(15)],
      [count(10), count(10)],
    ]);
    // Row totals 25 and 18 → 20, column totals 20 and 23 → 25, grand total 43 → 45: each from its own value.
    expect(result.rowTotals).toEqual([count(25), count(20)]);
    expect(result.columnTotals).toEqual([count(20), count(25)]);
    expect(result.grandTotal).toEqual(count(45));
  });

  it('protects a withheld cell that no single line gives away but a sum of lines would', () => {
    // Two blocks of small cells joined by one small cell (1, 2): every row and column has two or more
    // withheld cells, but adding rows 0 and 1 and taking away columns 0 and 1 leaves cell (1, 2) alone.
    const big = 50;
    const cells = [
      [3, 4, big, big],
      [5, 6, 2, big],
      [big, big, 3, 4],
      [big, big, 5, 6],
    ];
    const result = table(cells);
    const published = publishedGrid(result);
    expect(determinedByLinearAlgebra(4, 4, published)).toEqual([]);
    expect(
      published.flat().filter((cell) => cell.kind === 'suppressed' && cell.reason === 'secondary').length,
    ).toBeGreaterThan(0);
  });

  it('protects a 1 × 1 table, whose totals all equal its one cell', () => {
    expect(table([[5]])).toEqual({ cells: [[c]], rowTotals: [c], columnTotals: [c], grandTotal: c });
    expect(table([[9]])).toEqual({
      cells: [[count(10)]],
      rowTotals: [count(10)],
      columnTotals: [count(10)],
      grandTotal: count(10),
    });
  });

  it('refuses a table that is empty, ragged, or holds anything but counts, naming each place', () => {
    expect(protectTable([])).toMatchObject({ ok: false, error: [{ path: 'cells' }] });
    expect(protectTable([[]])).toMatchObject({ ok: false, error: [{ path: 'cells' }] });
    expect(protectTable([[1, 2], [3]])).toMatchObject({ ok: false, error: [{ path: 'cells[1]' }] });
    const bad = protectTable([
      [1, -1],
      [2.5, Number.NaN],
    ]);
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.error.map((issue) => issue.path)).toEqual(['cells[0][1]', 'cells[1][0]', 'cells[1][1]']);
  });

  it('refuses a policy that makes no sense', () => {
    expect(protectTable([[10]], { ...DEFAULT_POLICY, roundTo: 0 })).toMatchObject({
      ok: false,
      error: [{ path: 'roundTo' }],
    });
  });
});

describe('protectSeries and protectCount: examples', () => {
  it('withholds the least other category beside a small one (counts by IMD quintile)', () => {
    const result = protectSeries([120, 5, 60, 44, 33]);
    expect(result).toEqual({
      ok: true,
      value: { counts: [count(120), c, count(60), count(45), s], total: count(260) },
    });
  });

  it('withholds a small total, and needs no complement when two entries are withheld', () => {
    expect(protectSeries([1, 2, 0])).toEqual({ ok: true, value: { counts: [c, c, count(0)], total: c } });
    expect(protectSeries([3, 4, 50])).toEqual({
      ok: true,
      value: { counts: [c, c, count(50)], total: count(55) },
    });
  });

  it('refuses an empty series or a bad count', () => {
    expect(protectSeries([])).toMatchObject({ ok: false, error: [{ path: 'counts' }] });
    expect(protectSeries([1, -2])).toMatchObject({ ok: false, error: [{ path: 'counts[1]' }] });
  });

  it.each([
    [0, count(0)],
    [1, c],
    [7, c],
    [8, count(10)],
    [12, count(10)],
    [13, count(15)],
    [1234, count(1235)],
  ])('publishes the count %i on its own as %o', (input, expected) => {
    expect(protectCount(input)).toEqual({ ok: true, value: expected });
  });

  it('refuses a count that is not a whole number ≥ 0', () => {
    for (const bad of [-1, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(protectCount(bad)).toMatchObject({ ok: false, error: [{ path: 'count' }] });
    }
  });
});

// Tables up to 6 × 6 with values 0 to 60, many of them small or zero.
const value = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 7 }) },
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 60 }) },
);
const tables = fc
  .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }))
  .chain(([rows, columns]) =>
    fc.array(fc.array(value, { minLength: columns, maxLength: columns }), {
      minLength: rows,
      maxLength: rows,
    }),
  );
// Tables whose small cells are sparse, each table with its own share of them (the patterns where a withheld
// cell can be a bridge between two groups of withheld cells, which only a sum of several lines gives away).
const sparseTables = fc
  .tuple(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 5, max: 40 }))
  .chain(([rows, columns, percentSmall]) => {
    const cell = fc.oneof(
      { weight: percentSmall, arbitrary: fc.integer({ min: 1, max: 7 }) },
      { weight: 100 - percentSmall, arbitrary: fc.integer({ min: 20, max: 60 }) },
    );
    return fc.array(fc.array(cell, { minLength: columns, maxLength: columns }), {
      minLength: rows,
      maxLength: rows,
    });
  });

describe('protectTable: properties', () => {
  it('publishes every entry as withheld, 0, or a multiple of 5 of at least 10 — its value rounded', () => {
    fc.assert(
      fc.property(tables, (cells) => {
        const raw = rawGrid(cells);
        publishedGrid(table(cells)).forEach((row, i) =>
          row.forEach((cell, j) => {
            const original = raw[i]![j]!;
            if (original >= 1 && original <= 7) expect(cell).toEqual(c);
            if (cell.kind === 'count') {
              expect(cell.value % 5).toBe(0);
              expect(cell.value === 0 || cell.value >= 10).toBe(true);
              expect(Math.abs(cell.value - original)).toBeLessThanOrEqual(2);
            }
          }),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('never lets a withheld entry be worked out, line by line or by any sum of lines', () => {
    fc.assert(
      fc.property(fc.oneof(tables, sparseTables), (cells) => {
        const published = publishedGrid(table(cells));
        expect(peelOff(rawGrid(cells), published)).toEqual([]);
        expect(determinedByLinearAlgebra(cells.length, cells[0]!.length, published)).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('puts no number on a withheld entry: its JSON has only its kind and reason', () => {
    fc.assert(
      fc.property(tables, (cells) => {
        const json: unknown = JSON.parse(JSON.stringify(table(cells)));
        const visit = (node: unknown): void => {
          if (Array.isArray(node)) {
            node.forEach(visit);
            return;
          }
          if (typeof node !== 'object' || node === null) return;
          const record = node as Record<string, unknown>;
          if (record.kind === 'suppressed') expect(Object.keys(record).sort()).toEqual(['kind', 'reason']);
          Object.values(record).forEach(visit);
        };
        visit(json);
      }),
    );
  });

  it('withholds the entries of a series so that the total never leaves exactly one unknown', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 10 }), (counts) => {
        const result = protectSeries(counts);
        if (!result.ok) throw new Error('refused');
        const entries = [...result.value.counts, result.value.total];
        expect(entries.filter((cell) => cell.kind === 'suppressed').length).not.toBe(1);
        [...counts, counts.reduce((a, b) => a + b, 0)].forEach((original, j) => {
          if (original >= 1 && original <= 7) expect(entries[j]).toEqual(c);
        });
      }),
    );
  });
});
