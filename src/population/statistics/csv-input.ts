/**
 * @module population/statistics/csv-input
 * Reading an analyst's aggregated CSV for `accord stats`: the header names the columns (any order, any case,
 * surrounding spaces ignored), missing required columns are named together, and every cell is checked with the
 * line it is on ("line 7: events is negative (-3); counts must be whole numbers ≥ 0"). Pure: text in, rows or
 * issues out. The CSV syntax itself (quoted fields, doubled quotes, CRLF, a byte-order mark) is synthetic/csv's.
 */
import type { Issue } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { parseCsv } from '../../synthetic/csv.js';

export interface CsvRow {
  /** The 1-based line of the file the row starts on. */
  readonly line: number;
  /** Cells by lower-cased column name. */
  readonly cells: ReadonlyMap<string, string>;
}

export interface CsvTable {
  readonly columns: ReadonlySet<string>;
  readonly rows: readonly CsvRow[];
}

/**
 * Parses CSV text with a header. `required` columns must all be there; `oneOf` lists groups of columns of which
 * at least one whole group must be there (e.g. a standard error, or both limits).
 */
export function readCsvTable(
  text: string,
  required: readonly string[],
  oneOf: readonly (readonly string[])[] = [],
): Result<CsvTable, Issue[]> {
  const parsed = parseCsv(text);
  if (!parsed.ok) return parsed;
  const [head, ...body] = parsed.value;
  if (head === undefined) return err([{ message: 'the file is empty: it needs a header row and data rows' }]);
  const names = head.fields.map((name) => name.trim().toLowerCase());
  const issues: Issue[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (name !== '' && seen.has(name))
      issues.push({ line: head.line, message: `column ${name} appears twice` });
    seen.add(name);
  }
  const missing = required.filter((name) => !seen.has(name));
  if (missing.length > 0) {
    issues.push({
      line: head.line,
      message: `missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')} (the header has ${names.join(', ')})`,
    });
  }
  if (oneOf.length > 0 && !oneOf.some((group) => group.every((name) => seen.has(name)))) {
    issues.push({
      line: head.line,
      message: `the header needs ${oneOf.map((group) => group.join(' and ')).join(', or ')}`,
    });
  }
  if (body.length === 0) issues.push({ line: head.line, message: 'there are no data rows after the header' });
  const rows: CsvRow[] = [];
  for (const record of body) {
    if (record.fields.length !== names.length) {
      issues.push({
        line: record.line,
        message: `${record.fields.length} fields where the header has ${names.length}`,
      });
      continue;
    }
    const cells = new Map<string, string>();
    names.forEach((name, i) => cells.set(name, (record.fields[i] ?? '').trim()));
    rows.push({ line: record.line, cells });
  }
  return issues.length > 0 ? err(issues) : ok({ columns: seen, rows });
}

/** Collects a row's cell problems, each with its line. */
export class CellReader {
  readonly issues: Issue[] = [];

  /** A number, or undefined (with an issue) when the cell is empty or not a number. */
  number(row: CsvRow, column: string): number | undefined {
    const text = row.cells.get(column) ?? '';
    if (text === '') {
      this.issues.push({ line: row.line, message: `${column} is empty` });
      return undefined;
    }
    const value = Number(text);
    if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) || !Number.isFinite(value)) {
      this.issues.push({ line: row.line, message: `${column} is not a number (${JSON.stringify(text)})` });
      return undefined;
    }
    return value;
  }

  /** A count of events: a whole number ≥ 0. */
  count(row: CsvRow, column: string): number | undefined {
    const value = this.number(row, column);
    if (value === undefined) return undefined;
    if (value < 0 || !Number.isInteger(value)) {
      const what = value < 0 ? 'is negative' : 'is not a whole number';
      this.issues.push({
        line: row.line,
        message: `${column} ${what} (${value}); counts must be whole numbers ≥ 0`,
      });
      return undefined;
    }
    return value;
  }

  /** A population or denominator: a number > 0. */
  positive(row: CsvRow, column: string): number | undefined {
    const value = this.number(row, column);
    if (value === undefined) return undefined;
    if (value <= 0) {
      this.issues.push({ line: row.line, message: `${column} is ${value}; it must be greater than 0` });
      return undefined;
    }
    return value;
  }

  /** A number ≥ 0 (a standard error, a standard population). */
  nonNegative(row: CsvRow, column: string): number | undefined {
    const value = this.number(row, column);
    if (value === undefined) return undefined;
    if (value < 0) {
      this.issues.push({ line: row.line, message: `${column} is negative (${value}); it must be ≥ 0` });
      return undefined;
    }
    return value;
  }

  /** A problem that is not about one cell. */
  add(line: number | undefined, message: string): void {
    this.issues.push(line === undefined ? { message } : { line, message });
  }
}

/** An age band label as written by people and spreadsheets: "0 – 4" → "0-4", "90 +" → "90+". */
export function normaliseBand(text: string): string {
  return text
    .replace(/[\u2012-\u2015\u2212]/g, '-')
    .replace(/\s+/g, '')
    .replace(/^(\d+)to(\d+)$/i, '$1-$2')
    .toLowerCase();
}
