/**
 * @module synthetic/csv
 * A small, strict CSV reader and writer (RFC 4180) for the calibration tables and the reference files they are
 * derived from. Quoted fields may hold commas, doubled quotes and line breaks; records end in LF or CRLF; a leading
 * byte-order mark is ignored. Every record keeps the line it starts on, so a bad figure can be reported with its file
 * and line. Malformed input (a stray quote, an unterminated quoted field) is reported as issues, never thrown.
 */
import type { Issue } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';

export interface CsvRecord {
  /** The 1-based line of the file the record starts on. */
  readonly line: number;
  readonly fields: readonly string[];
}

/**
 * Parses CSV text into records. Empty lines are skipped. `file` is only used to label issues.
 * Returns every syntax problem found, each with its line, rather than the first only.
 */
export function parseCsv(text: string, file?: string): Result<CsvRecord[], Issue[]> {
  const records: CsvRecord[] = [];
  const issues: Issue[] = [];
  const at = (line: number, message: string): Issue =>
    file === undefined ? { line, message } : { file, line, message };
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;

  let line = 1;
  let recordLine = 1;
  let fields: string[] = [];
  let field = '';
  /** The field began with a quote and its closing quote has not been seen yet. */
  let inQuotes = false;
  /** The current field was quoted and its closing quote has been seen: only a delimiter may follow. */
  let closed = false;
  /** Anything at all has been read for the current record. */
  let started = false;

  const endField = (): void => {
    fields.push(field);
    field = '';
    closed = false;
  };
  const endRecord = (): void => {
    endField();
    // A record holding one empty unquoted field is an empty line.
    if (started) records.push({ line: recordLine, fields });
    fields = [];
    started = false;
  };

  for (let i = 0; i < body.length; i++) {
    const ch = body.charAt(i);
    if (inQuotes) {
      if (ch === '"') {
        if (body.charAt(i + 1) === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
          closed = true;
        }
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === ',') {
      started = true;
      endField();
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && body.charAt(i + 1) === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else if (closed) {
      issues.push(
        at(
          line,
          `unexpected ${JSON.stringify(ch)} after a closing quote: a quoted field must end at a comma or the end of the line`,
        ),
      );
      // Skip to the end of the field so one fault gives one issue.
      while (i + 1 < body.length && !',\r\n'.includes(body.charAt(i + 1))) i++;
    } else if (ch === '"') {
      started = true;
      if (field === '') {
        inQuotes = true;
      } else {
        issues.push(
          at(line, 'a quote inside an unquoted field: quote the whole field and double the quote ("")'),
        );
        field += ch;
      }
    } else {
      started = true;
      field += ch;
    }
  }
  if (inQuotes) {
    issues.push(at(recordLine, 'a quoted field is never closed: add the closing quote'));
  } else if (started || field !== '') {
    endRecord();
  }
  return issues.length > 0 ? err(issues) : ok(records);
}

/** One field as CSV: quoted only when it holds a comma, a quote or a line break (quotes doubled). */
export function formatCsvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Rows as CSV text: LF line ends and a final newline, so the output is the same on every machine. */
export function formatCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.map(formatCsvField).join(',')).join('\n') + '\n';
}
