/**
 * @module identity/linkage/csv-input
 * Records for linkage from a CSV file, through a column mapping (`forename=given_name,id=rec_id`), with every row
 * checked. A value the linkage would silently count as missing — an NHS number failing its check digit, a date of
 * birth that is not a real date, or before 1880, or in the future, a sex code nobody uses, an email with no @ — is
 * reported with its file, line and column, because a feed full of them is a feed to fix, not one to link quietly.
 * A row with an empty or duplicate id, or the wrong number of cells, cannot be linked at all.
 *
 * Whether a bad row stops the run is the caller's choice; this module reports every problem and says which rows are
 * good. Messages name the column and what is wrong, never the value: the values are identifiable, and messages end
 * up in terminals and logs.
 *
 * The reading is RFC 4180 (quoted fields may hold commas), and every cell is trimmed, so FEBRL's comma-and-space
 * files read as they are. A malformed line (a stray quote) is reported and left out, and the rest is read.
 */
import type { Issue } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { type CsvRecord, parseCsv } from '../../synthetic/csv.js';
import { normaliseNhsNumber, nhsNumberProblem, type NhsNumberProblem } from '../nhs-number.js';
import { normaliseEmail, parseDate } from './normalise.js';
import type { LinkRecord, Sex } from './record.js';

export type LinkField = keyof LinkRecord;

/**
 * Every field a column can be mapped to, with what it holds. Typed over all of LinkRecord's keys, so a field added
 * to LinkRecord does not compile until it is described here, and then it can be mapped.
 */
export const LINK_FIELDS: Readonly<Record<LinkField, string>> = {
  id: "the record's identifier, unique within its file (required)",
  forename: 'given name',
  surname: 'family name',
  dateOfBirth: 'date of birth, YYYY-MM-DD or YYYYMMDD',
  sex: 'M/F/male/female/other/U/unknown, or the NHS codes 1/2/9/0/X',
  postcode: 'postcode',
  nhsNumber: 'NHS number (ten digits, spaces or hyphens allowed)',
  address: 'the address lines before the postcode',
  email: 'email address',
  otherIdentifier: 'an identifier other than the NHS number that the records share',
};

const FIELD_NAMES = Object.keys(LINK_FIELDS) as LinkField[];

/**
 * For each mapped field, the columns it is read from: usually one; several (`address=line_1+line_2+town`) are joined
 * with ", ", because partners send addresses over several columns.
 */
export type ColumnMapping = { readonly id: readonly string[] } & {
  readonly [F in Exclude<LinkField, 'id'>]?: readonly string[];
};

/** `dateOfBirth`, `date_of_birth` and `DateOfBirth` all name the same field. */
const fieldKey = (name: string) => name.toLowerCase().replace(/[_\-\s]/g, '');
const FIELD_BY_KEY = new Map(FIELD_NAMES.map((field) => [fieldKey(field), field]));

/** Parses `field=column,field=column+column`. Every problem is returned, not only the first. */
export function parseColumnMapping(text: string): Result<ColumnMapping, string[]> {
  const problems: string[] = [];
  const mapping: Partial<Record<LinkField, string[]>> = {};
  for (const entry of text.split(',')) {
    if (entry.trim() === '') continue;
    const equals = entry.indexOf('=');
    if (equals < 0) {
      problems.push(`'${entry.trim()}' is not field=column`);
      continue;
    }
    const name = entry.slice(0, equals).trim();
    const columns = entry
      .slice(equals + 1)
      .split('+')
      .map((column) => column.trim());
    const field = FIELD_BY_KEY.get(fieldKey(name));
    if (field === undefined) {
      problems.push(`'${name}' is not a field; the fields are ${FIELD_NAMES.join(', ')}`);
    } else if (mapping[field] !== undefined) {
      problems.push(`${field} is mapped twice`);
    } else if (columns.some((column) => column === '')) {
      problems.push(`${field} is mapped to an empty column name`);
    } else {
      mapping[field] = columns;
    }
  }
  const id = mapping.id;
  if (id === undefined)
    problems.push('id is not mapped: name the column that identifies each record (id=rec_id)');
  if (problems.length > 0 || id === undefined) return err(problems);
  return ok({ ...mapping, id });
}

export function formatColumnMapping(mapping: ColumnMapping): string {
  return FIELD_NAMES.flatMap((field) => {
    const columns = mapping[field];
    return columns === undefined ? [] : [`${field}=${columns.join('+')}`];
  }).join(',');
}

/** What to do with a bad value in an otherwise sound row. */
export type BadValuePolicy = 'reject-row' | 'treat-as-missing';

export interface ReadOptions {
  readonly badValues?: BadValuePolicy;
  /** Dates of birth after this day are refused; defaults to today. */
  readonly today?: Date;
}

export interface LinkCsv {
  /** The rows that can be linked, in file order. */
  readonly records: readonly LinkRecord[];
  /** The 1-based line each of `records` starts on. */
  readonly lines: readonly number[];
  /** Every problem found, in line order. */
  readonly issues: readonly Issue[];
  /** Data rows in the file (malformed ones included). */
  readonly rows: number;
  /** Rows left out of `records`. */
  readonly rejected: number;
}

const EARLIEST_BIRTH_YEAR = 1880;

const SEX_CODES: Readonly<Record<string, Sex>> = {
  m: 'male',
  male: 'male',
  '1': 'male',
  f: 'female',
  female: 'female',
  '2': 'female',
  o: 'other',
  other: 'other',
  // NHS Data Dictionary, Person Stated Gender Code: 9 indeterminate, 0 not known, X not specified.
  '9': 'other',
  indeterminate: 'other',
  u: 'unknown',
  unknown: 'unknown',
  '0': 'unknown',
  x: 'unknown',
  'not known': 'unknown',
  'not specified': 'unknown',
};

const NHS_NUMBER_MESSAGES: Readonly<Record<NhsNumberProblem, string>> = {
  'not-ten-digits': 'is not ten digits',
  'check-digit-mismatch': 'fails its check digit (modulus 11): probably mistyped',
  'no-valid-check-digit': 'can never be valid: no check digit fits its first nine digits',
};

/**
 * Reads records from CSV text. The error side is for problems that stop the whole file being read (no header, a
 * mapped column missing from it); problems in rows are in the value's `issues`, and the rows they affect are left out
 * of `records` (or, for a bad value with `treat-as-missing`, kept without that value).
 */
export function readLinkCsv(
  text: string,
  file: string,
  mapping: ColumnMapping,
  options: ReadOptions = {},
): Result<LinkCsv, Issue[]> {
  const badValues = options.badValues ?? 'reject-row';
  const today = options.today ?? new Date();
  const parsed = parseSkippingMalformedLines(text, file);
  const [header, ...rows] = parsed.records;
  if (header === undefined) {
    return err([
      { file, line: 1, message: 'the file has no header row: the first line must name the columns' },
    ]);
  }
  const headerIssues = parsed.issues.filter((issue) => (issue.line ?? 0) <= header.line);
  if (headerIssues.length > 0) return err(headerIssues.map((issue) => ({ ...issue })));
  const names = header.fields.map((name) => name.trim());
  const columnIndex = new Map<string, number>();
  const repeated = new Set<string>();
  names.forEach((name, i) => {
    if (columnIndex.has(name)) repeated.add(name);
    else columnIndex.set(name, i);
  });
  const mapped = FIELD_NAMES.flatMap((field) => (mapping[field] ?? []).map((column) => ({ field, column })));
  const missing = mapped.filter(({ column }) => !columnIndex.has(column));
  const ambiguous = mapped.filter(({ column }) => repeated.has(column));
  const fatal: Issue[] = [];
  if (missing.length > 0) {
    fatal.push({
      file,
      line: header.line,
      message:
        `the header has no column ${missing.map(({ field, column }) => `'${column}' (for ${field})`).join(', ')}. ` +
        `Its columns are: ${names.join(', ')}. Change the mapping to name these columns, or add them to the file.`,
    });
  }
  if (ambiguous.length > 0) {
    fatal.push({
      file,
      line: header.line,
      message: `the header names ${[...new Set(ambiguous.map(({ column }) => `'${column}'`))].join(', ')} more than once, so the mapping is ambiguous: rename one of each`,
    });
  }
  if (fatal.length > 0) return err(fatal);

  const issues: Issue[] = parsed.issues.map((issue) => ({ ...issue }));
  const records: LinkRecord[] = [];
  const lines: number[] = [];
  const firstLineOfId = new Map<string, number>();
  let rejected = parsed.malformedLines;
  for (const row of rows) {
    const checked = checkRow(row, { file, names, columnIndex, mapping, today, firstLineOfId });
    issues.push(...checked.issues);
    if (checked.rowFault || (checked.valueFault && badValues === 'reject-row')) {
      rejected++;
      continue;
    }
    records.push(checked.record);
    lines.push(row.line);
  }
  issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return ok({ records, lines, issues, rows: rows.length + parsed.malformedLines, rejected });
}

interface RowContext {
  readonly file: string;
  readonly names: readonly string[];
  readonly columnIndex: ReadonlyMap<string, number>;
  readonly mapping: ColumnMapping;
  readonly today: Date;
  /** Updated as rows are read, so a repeated id is reported at its second line, naming the first. */
  readonly firstLineOfId: Map<string, number>;
}

interface CheckedRow {
  /** The record with every bad value left out. */
  readonly record: LinkRecord;
  readonly issues: readonly Issue[];
  /** A problem that makes the row unusable: no id, a repeated id, the wrong number of cells. */
  readonly rowFault: boolean;
  /** A bad value, which could be counted as missing. */
  readonly valueFault: boolean;
}

function checkRow(row: CsvRecord, context: RowContext): CheckedRow {
  const { file, names, columnIndex, mapping } = context;
  const issues: Issue[] = [];
  let rowFault = false;
  let valueFault = false;
  const issue = (message: string, path?: string) => {
    issues.push(
      path === undefined ? { file, line: row.line, message } : { file, line: row.line, path, message },
    );
  };
  if (row.fields.length !== names.length) {
    issue(
      `the row has ${row.fields.length} cell(s) but the header has ${names.length}: a value holding a comma must be quoted`,
    );
    return { record: { id: '' }, issues, rowFault: true, valueFault };
  }
  const cell = (column: string) => (row.fields[columnIndex.get(column) ?? -1] ?? '').trim();
  const read = (field: LinkField): string | undefined => {
    const joined = (mapping[field] ?? [])
      .map(cell)
      .filter((part) => part !== '')
      .join(', ');
    return joined === '' ? undefined : joined;
  };
  const columnsOf = (field: LinkField) => (mapping[field] ?? []).join('+');

  // Cells as text; the sex becomes a Sex code below.
  const record: Partial<Record<LinkField, string>> = {};
  for (const field of FIELD_NAMES) {
    if (mapping[field] !== undefined) record[field] = read(field);
  }

  const id = record.id;
  if (id === undefined) {
    issue('the id is empty: every record needs one', columnsOf('id'));
    rowFault = true;
  } else {
    const first = context.firstLineOfId.get(id);
    if (first === undefined) {
      context.firstLineOfId.set(id, row.line);
    } else {
      issue(`the id is already used on line ${first}: ids must be unique within a file`, columnsOf('id'));
      rowFault = true;
    }
  }

  const refuse = (field: LinkField, message: string) => {
    issue(message, columnsOf(field));
    record[field] = undefined;
    valueFault = true;
  };

  const nhs = record.nhsNumber;
  if (nhs !== undefined) {
    const problem = nhsNumberProblem(nhs);
    if (problem === undefined) record.nhsNumber = normaliseNhsNumber(nhs);
    else refuse('nhsNumber', `the NHS number ${NHS_NUMBER_MESSAGES[problem]}`);
  }

  const dob = record.dateOfBirth;
  if (dob !== undefined) {
    const problem = dateOfBirthProblem(dob, context.today);
    if (problem === undefined) record.dateOfBirth = isoDate(dob);
    else refuse('dateOfBirth', `the date of birth ${problem}`);
  }

  let sex: Sex | undefined;
  if (record.sex !== undefined) {
    const code = SEX_CODES[record.sex.toLowerCase()];
    if (code === undefined)
      refuse(
        'sex',
        'the sex is not one of M, F, male, female, other, U, unknown, or the NHS codes 1, 2, 9, 0, X',
      );
    else sex = code;
  }

  const email = record.email;
  if (email !== undefined && normaliseEmail(email) === undefined)
    refuse('email', 'the email is not an address: it needs one @ with text either side and no spaces');

  const { sex: _sexText, ...text } = record;
  const linkRecord: LinkRecord = { ...text, id: id ?? '', ...(sex === undefined ? {} : { sex }) };
  return { record: linkRecord, issues, rowFault, valueFault };
}

function dateOfBirthProblem(text: string, today: Date): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$|^\d{8}$/.test(text)) return 'is not a date in the form YYYY-MM-DD or YYYYMMDD';
  const date = parseDate(text);
  if (date === undefined) return 'is not a real date (a month above 12, or a day the month does not have)';
  if (date.year < EARLIEST_BIRTH_YEAR) return `is before ${EARLIEST_BIRTH_YEAR}`;
  const todayIso = today.toISOString().slice(0, 10);
  return isoDate(text) > todayIso ? 'is in the future' : undefined;
}

const isoDate = (text: string) =>
  text.includes('-') ? text : `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6)}`;

/** A quoted cell may run over this many lines at most: enough for any address, and a bound on the search. */
const MAX_LINES_PER_ROW = 50;

const quotes = (line: string) => line.split('"').length - 1;

/**
 * The file's rows, read line by line so that a malformed line costs only itself: parseCsv refuses a whole text for one
 * fault, and an unclosed quote would swallow the rest of the file. A line with an odd number of quotes opens a cell
 * that runs on to the next line with an odd number of quotes; the lines between are taken as one row only if they
 * parse and give the header's number of cells, and otherwise the first line alone is reported as malformed.
 */
function parseSkippingMalformedLines(
  text: string,
  file: string,
): {
  readonly records: readonly CsvRecord[];
  readonly issues: readonly Issue[];
  readonly malformedLines: number;
} {
  const lines = text.split(/\r\n|\r|\n/);
  const records: CsvRecord[] = [];
  const issues: Issue[] = [];
  let malformedLines = 0;
  let cells: number | undefined;
  const parseRow = (from: number, to: number) => {
    const parsed = parseCsv(lines.slice(from, to + 1).join('\n'), file);
    return parsed.ok && parsed.value.length === 1 ? parsed.value[0] : undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    let row: CsvRecord | undefined;
    let end = i;
    if (quotes(line) % 2 === 0) {
      row = parseRow(i, i);
    } else {
      while (end < Math.min(lines.length - 1, i + MAX_LINES_PER_ROW) && quotes(lines[++end] ?? '') % 2 === 0);
      const joined = end > i ? parseRow(i, end) : undefined;
      if (joined !== undefined && (cells === undefined || joined.fields.length === cells)) row = joined;
      else end = i;
    }
    if (row === undefined) {
      const parsed = parseCsv(line, file);
      const found = parsed.ok ? [] : parsed.error;
      issues.push(
        ...(found.length > 0 ? found : [{ file, message: 'the line cannot be read as CSV' }]).map(
          (issue) => ({
            ...issue,
            line: i + 1,
          }),
        ),
      );
      malformedLines++;
      continue;
    }
    records.push({ line: i + 1, fields: row.fields });
    cells ??= row.fields.length;
    i = end;
  }
  return { records, issues, malformedLines };
}
