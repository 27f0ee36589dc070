/**
 * @module synthetic/csv-table
 * Reads one CSV table against a row schema: the header must name exactly the schema's columns (in any order), and
 * every row is parsed by the schema. Every problem — a missing or unreadable file, bad CSV, a wrong header, a row with
 * the wrong number of fields, a cell that fails its schema — is recorded as an issue with its file, line and column,
 * never thrown, so whoever edits the table can fix every fault in one pass. The calibration tables (calibration.ts)
 * and the name tables (people.ts) are read with it, and share its common cells and checks (known sources, unique keys).
 */
import { z } from 'zod';
import { readInputFile } from '../core/input-file.js';
import type { Issue } from '../core/problem.js';
import { Id } from '../partnership/schema.js';
import { parseCsv } from './csv.js';

// --- Cells the tables share -----------------------------------------------------------------------------------------
// Every cell arrives as text; these turn it into a checked value with a message that says what is wrong.

export const wholeNumber = z
  .string()
  .regex(/^-?\d+$/, 'must be a whole number')
  .transform(Number);
export const decimalNumber = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/, 'must be a number such as 12.5')
  .transform(Number);
export const Percent = decimalNumber.pipe(
  z
    .number()
    .min(0, 'must be a percentage between 0 and 100')
    .max(100, 'must be a percentage between 0 and 100'),
);
export const Text = z.string().min(1, 'must not be empty');
/** One or more source ids (sources.yaml), separated by spaces. */
export const Sources = z
  .string()
  .transform((text) => text.split(' ').filter((part) => part !== ''))
  .pipe(z.array(Id).min(1, 'must name at least one source id from sources.yaml'));

// --- Tables ---------------------------------------------------------------------------------------------------------

/** A value with the line of the file it was read from. */
export interface Located<T> {
  readonly line: number;
  readonly value: T;
}

/** A table's rows that passed their schema; `complete` is false when some rows did not (they are reported). */
export interface Table<T> {
  readonly rows: readonly Located<T>[];
  readonly complete: boolean;
}

/** A row schema: an object of text cells, perhaps refined or transformed. */
export type RowSchema = z.ZodType<unknown, Record<string, string>>;

/** The columns a row schema expects, in file order. */
export function columnsOf(schema: z.ZodType): string[] {
  let inner: unknown = schema;
  // Unwrap .superRefine/.transform (pipes) down to the object schema.
  while (inner instanceof z.ZodPipe) inner = inner.in;
  if (!(inner instanceof z.ZodObject)) throw new Error('unreachable: row schemas are objects');
  return Object.keys(inner.shape);
}

/**
 * Reads the table at `path`. `file` labels its issues; `missing` is the message for a file that is not there (each
 * caller says where to look). Returns undefined when the file cannot be read or its header is wrong, else the rows that
 * passed (see Table).
 */
export function readTable<S extends RowSchema>(
  path: string,
  file: string,
  schema: S,
  missing: string,
  issues: Issue[],
): Table<z.output<S>> | undefined {
  const bytes = readInputFile(path, file, missing, issues);
  return bytes === undefined ? undefined : parseTable(bytes.toString('utf8'), file, schema, issues);
}

/** Parses CSV text as a table of `schema` rows; as readTable, but from text. */
export function parseTable<S extends RowSchema>(
  text: string,
  file: string,
  schema: S,
  issues: Issue[],
): Table<z.output<S>> | undefined {
  const parsed = parseCsv(text, file);
  if (!parsed.ok) {
    issues.push(...parsed.error);
    return undefined;
  }
  const [header, ...records] = parsed.value;
  if (header === undefined) {
    issues.push({ file, message: 'is empty: it needs a header line and rows' });
    return undefined;
  }
  const expected = columnsOf(schema);
  const names = header.fields.map((name) => name.trim());
  const missingColumns = expected.filter((name) => !names.includes(name));
  const unknown = names.filter((name) => !expected.includes(name));
  const repeated = names.filter((name, i) => names.indexOf(name) !== i);
  if (missingColumns.length + unknown.length + repeated.length > 0) {
    const parts = [
      missingColumns.length > 0 ? `missing column(s) ${missingColumns.join(', ')}` : '',
      unknown.length > 0 ? `unknown column(s) ${unknown.join(', ')}` : '',
      repeated.length > 0 ? `repeated column(s) ${repeated.join(', ')}` : '',
    ].filter((part) => part !== '');
    issues.push({ file, line: header.line, message: `header: ${parts.join('; ')}` });
    return undefined;
  }
  const rows: Located<z.output<S>>[] = [];
  let complete = true;
  for (const record of records) {
    if (record.fields.length !== names.length) {
      issues.push({
        file,
        line: record.line,
        message: `has ${record.fields.length} fields, the header has ${names.length}`,
      });
      complete = false;
      continue;
    }
    const cells = Object.fromEntries(names.map((name, i) => [name, (record.fields[i] ?? '').trim()]));
    const result = schema.safeParse(cells);
    if (!result.success) {
      for (const problem of result.error.issues) {
        const column = problem.path[0];
        issues.push({
          file,
          line: record.line,
          ...(column === undefined ? {} : { path: String(column) }),
          message: problem.message,
        });
      }
      complete = false;
      continue;
    }
    rows.push({ line: record.line, value: result.data });
  }
  return { rows, complete };
}

/** The values of a table's rows; none for a table that could not be read. */
export function valuesOf<T>(table: Table<T> | undefined): T[] {
  return (table?.rows ?? []).map((row) => row.value);
}

/**
 * Records an issue at every row whose key was already seen, naming the line of the first: `column` is the column the
 * issue points at, `what` names the key in the message (`duplicate <what> <key>: first on line <n>`).
 */
export function checkUnique<T>(
  file: string,
  table: Table<T> | undefined,
  column: string,
  key: (row: T) => string,
  what: string,
  issues: Issue[],
): void {
  const first = new Map<string, number>();
  for (const { line, value } of table?.rows ?? []) {
    const k = key(value);
    const earlier = first.get(k);
    if (earlier === undefined) first.set(k, line);
    else
      issues.push({
        file,
        line,
        path: column,
        message: `duplicate ${what} ${k}: first on line ${earlier}`,
      });
  }
}

/** Records an issue for every source id of a `source` column that is not in `known`; `where` is where to add it. */
export function checkSources(
  file: string,
  table: Table<{ readonly sources: readonly string[] }> | undefined,
  known: ReadonlySet<string>,
  where: string,
  issues: Issue[],
): void {
  for (const { line, value } of table?.rows ?? []) {
    for (const id of value.sources) {
      if (!known.has(id)) {
        issues.push({ file, line, path: 'source', message: `unknown source ${id}: add it to ${where}` });
      }
    }
  }
}
