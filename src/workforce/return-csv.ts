/**
 * @module workforce/return-csv
 * A workforce return as a CSV file: reading it, checking every row, and writing one (the synthetic returns are
 * written in the same format, so the demo goes through the same checks as a partner's file). Pure: text and the
 * partnership's organisation ids in, checked lines or every error out, each with its line (and column), saying what
 * is wrong and what to do. A file with any error is refused whole: the caller stores nothing from it.
 *
 * The columns (one row per organisation × quarter × staff group; header names exactly these, in any order):
 *
 * | column                    | what                                                                              |
 * | ------------------------- | --------------------------------------------------------------------------------- |
 * | organisation              | the partnership's organisation id (`airedale-nhs-ft`), as in organisations.yaml    |
 * | period                    | the calendar quarter, `YYYY-Qn` (`2024-Q2` = April–June 2024; see quarters.ts)     |
 * | staff_group               | a staff group id (staff-groups.ts), e.g. `nurses-and-health-visitors`             |
 * | posts_fte                 | funded establishment at the quarter's end, FTE, ≥ 0, at most 2 decimals            |
 * | staff_in_post_headcount   | people in post at the quarter's end, a whole number ≥ 0                            |
 * | staff_in_post_fte         | their full-time equivalent, ≥ 0, at most 2 decimals, not more than the headcount  |
 * | vacancies_fte             | vacant posts at the quarter's end, FTE, ≥ 0, at most 2 decimals, not above posts  |
 * | starters                  | people who joined in the quarter, a whole number ≥ 0                              |
 * | leavers                   | people who left in the quarter, a whole number ≥ 0                                |
 * | new_roles_headcount       | people in post in roles new to the workforce plan (nursing associates, physician   |
 * |                           | associates, first contact practitioners…), whole, ≥ 0, not above the headcount    |
 * | working_carers_headcount  | OPTIONAL: people in post known to their employer as unpaid carers (carer passport, |
 * |                           | carers' leave, the employer's working carers' register), whole, ≥ 0, not above    |
 * |                           | the headcount. Absent column or empty cell: not known (not 0)                     |
 *
 * Impossible figures, refused:
 * - FTE above headcount: one person is at most 1.0 FTE (37.5 hours a week in the NHS), so staff_in_post_fte ≤
 *   staff_in_post_headcount; with nobody in post, the FTE is 0.
 * - vacancies above posts: a vacancy is an unfilled funded post, so vacancies_fte ≤ posts_fte.
 * - more leavers than staff: leavers ≤ staff_in_post_headcount. The issue asks for this literally; for the staff
 *   group of a whole organisation it would mean more than half its people left in three months, which in a quarterly
 *   return is a mistyped figure (the year's leavers, or a column out of place).
 * - more starters than could have started: the headcount at the quarter's start is headcount − starters + leavers,
 *   which cannot be negative, so starters ≤ staff_in_post_headcount + leavers.
 * - new roles above headcount: new_roles_headcount ≤ staff_in_post_headcount.
 * - working carers above headcount: working carers recognised are people in post, so working_carers_headcount ≤
 *   staff_in_post_headcount.
 * - a quarter that has not ended yet (when the caller says what day it is).
 * Also refused: a missing, unknown or repeated column; a row with too few or too many fields; an organisation that is
 * not the partnership's; an unknown staff group; the same organisation, period and staff group twice in one file.
 *
 * The CSV itself is read by synthetic/csv.ts (RFC 4180: quoted fields, CRLF or LF, a byte-order mark ignored).
 */
import { err, ok, type Result } from '../core/result.js';
import { formatCsv, parseCsv } from '../synthetic/csv.js';
import { parseQuarter, quarterEnd } from './quarters.js';
import { staffGroup, STAFF_GROUP_IDS } from './staff-groups.js';

export const RETURN_COLUMNS = [
  'organisation',
  'period',
  'staff_group',
  'posts_fte',
  'staff_in_post_headcount',
  'staff_in_post_fte',
  'vacancies_fte',
  'starters',
  'leavers',
  'new_roles_headcount',
] as const;
/** The columns every return has: a file lacking one is refused. */
export type RequiredColumn = (typeof RETURN_COLUMNS)[number];

/**
 * Columns a file may leave out. Leaving one out, or a cell of it empty, says the figure is not known — never that it
 * is 0 — so files made before the column existed read as they did.
 */
export const OPTIONAL_COLUMNS = ['working_carers_headcount'] as const;
export type OptionalColumn = (typeof OPTIONAL_COLUMNS)[number];
export type ReturnColumn = RequiredColumn | OptionalColumn;

/** Every column a return may have: the required ones, then the optional ones. */
export const ALL_RETURN_COLUMNS: readonly ReturnColumn[] = [...RETURN_COLUMNS, ...OPTIONAL_COLUMNS];

/** The figures of one organisation's staff group in one quarter. */
export interface ReturnFigures {
  readonly postsFte: number;
  readonly headcount: number;
  readonly staffFte: number;
  readonly vacanciesFte: number;
  readonly starters: number;
  readonly leavers: number;
  readonly newRoles: number;
  /**
   * Staff in post known to their employer as unpaid carers (carer passport, carers' leave, the employer's working
   * carers' register); undefined when not reported (unknown, not 0).
   */
  readonly workingCarers?: number | undefined;
}

export interface ReturnLine extends ReturnFigures {
  readonly organisation: string;
  /** `YYYY-Qn`. */
  readonly period: string;
  readonly staffGroup: string;
}

/** A checked line with the line of the file it came from. */
export interface LocatedLine extends ReturnLine {
  readonly line: number;
}

/** One problem: the line of the file (1 is the header), the column when it is about one, and what to do. */
export interface ReturnError {
  readonly line: number;
  readonly column?: ReturnColumn;
  readonly message: string;
}

export interface ReturnCheckContext {
  /** The ids of the partnership's organisations that may make returns. */
  readonly organisations: ReadonlySet<string>;
  /** Today (YYYY-MM-DD): a quarter ending after it is refused. Absent: not checked. */
  readonly today?: string;
}

/** The largest figure accepted in any column: more than any organisation employs, so a typo is caught. */
export const MAX_FIGURE = 1_000_000;

const FTE = /^\d+(\.\d{1,2})?$/;
const WHOLE = /^\d+$/;

/** A row as text cells by column, with its line: what both the CSV reader and the form give the checks. */
export interface RowCells {
  readonly line: number;
  readonly cells: Readonly<Record<RequiredColumn, string>> &
    Readonly<Partial<Record<OptionalColumn, string>>>;
}

function fteValue(
  text: string,
  column: ReturnColumn,
  line: number,
  errors: ReturnError[],
): number | undefined {
  const at = (message: string) => errors.push({ line, column, message });
  if (text === '') return void at(`${column} is empty: give the FTE, 0 if there is none`);
  if (/^-\d/.test(text)) return void at(`${column} is negative (${text}): FTE cannot be below 0`);
  if (!FTE.test(text)) {
    return void at(
      /^\d+\.\d{3,}$/.test(text)
        ? `${column} has more than 2 decimal places (${text}): round it to 2, such as 12.25`
        : `${column} is not a number (${text}): give the FTE as digits with at most 2 decimal places, such as 12.5`,
    );
  }
  const value = Number(text);
  if (value > MAX_FIGURE) return void at(`${column} is too large (${text}): at most ${MAX_FIGURE}`);
  return value;
}

function wholeValue(
  text: string,
  column: ReturnColumn,
  line: number,
  errors: ReturnError[],
): number | undefined {
  const at = (message: string) => errors.push({ line, column, message });
  if (text === '') return void at(`${column} is empty: give a whole number, 0 if there are none`);
  if (/^-\d/.test(text))
    return void at(`${column} is negative (${text}): a count of people cannot be below 0`);
  if (!WHOLE.test(text)) {
    return void at(
      /^\d+\.\d+$/.test(text)
        ? `${column} is not a whole number (${text}): count people, not FTE`
        : `${column} is not a number (${text}): give a whole number such as 12`,
    );
  }
  const value = Number(text);
  if (value > MAX_FIGURE) return void at(`${column} is too large (${text}): at most ${MAX_FIGURE}`);
  return value;
}

/** An optional count: an empty (or absent) cell is unknown, so undefined with no error; otherwise as wholeValue. */
function optionalWholeValue(
  text: string | undefined,
  column: ReturnColumn,
  line: number,
  errors: ReturnError[],
): number | undefined {
  return text === undefined || text === '' ? undefined : wholeValue(text, column, line, errors);
}

/**
 * Checks rows of text cells: every value, every impossible figure, and repeats of one organisation, period and staff
 * group. Returns the checked lines, or every error in line order.
 */
export function checkReturnRows(
  rows: readonly RowCells[],
  ctx: ReturnCheckContext,
): Result<LocatedLine[], ReturnError[]> {
  const errors: ReturnError[] = [];
  const lines: LocatedLine[] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of rows) {
    const before = errors.length;
    const at = (column: ReturnColumn | undefined, message: string) =>
      errors.push(column === undefined ? { line, message } : { line, column, message });

    const organisation = cells.organisation;
    if (organisation === '') {
      at('organisation', 'organisation is empty: give the organisation id, such as airedale-nhs-ft');
    } else if (!ctx.organisations.has(organisation)) {
      at(
        'organisation',
        `${organisation} is not an organisation of the partnership: use its id as listed on the partners page (/partners)`,
      );
    }
    const period = cells.period;
    const quarter = parseQuarter(period);
    if (quarter === undefined) {
      at(
        'period',
        period === ''
          ? 'period is empty: give the quarter as YYYY-Qn, such as 2024-Q2 for April to June 2024'
          : `period ${period} is not a quarter: write it as YYYY-Qn, such as 2024-Q2 for April to June 2024`,
      );
    } else if (ctx.today !== undefined && quarterEnd(quarter) > ctx.today) {
      at('period', `period ${period} has not ended yet: a return is made after the quarter's last day`);
    }
    const group = cells.staff_group;
    if (staffGroup(group) === undefined) {
      at(
        'staff_group',
        group === ''
          ? `staff_group is empty: give one of ${STAFF_GROUP_IDS.join(', ')}`
          : `${group} is not a staff group: use one of ${STAFF_GROUP_IDS.join(', ')}`,
      );
    }
    const postsFte = fteValue(cells.posts_fte, 'posts_fte', line, errors);
    const headcount = wholeValue(cells.staff_in_post_headcount, 'staff_in_post_headcount', line, errors);
    const staffFte = fteValue(cells.staff_in_post_fte, 'staff_in_post_fte', line, errors);
    const vacanciesFte = fteValue(cells.vacancies_fte, 'vacancies_fte', line, errors);
    const starters = wholeValue(cells.starters, 'starters', line, errors);
    const leavers = wholeValue(cells.leavers, 'leavers', line, errors);
    const newRoles = wholeValue(cells.new_roles_headcount, 'new_roles_headcount', line, errors);
    const workingCarers = optionalWholeValue(
      cells.working_carers_headcount,
      'working_carers_headcount',
      line,
      errors,
    );

    // Impossible figures: each checked only when the figures it compares are themselves valid.
    if (staffFte !== undefined && headcount !== undefined && staffFte > headcount) {
      at(
        'staff_in_post_fte',
        `staff_in_post_fte (${staffFte}) is more than staff_in_post_headcount (${headcount}): one person is at most 1.0 FTE, so check both figures`,
      );
    }
    if (vacanciesFte !== undefined && postsFte !== undefined && vacanciesFte > postsFte) {
      at(
        'vacancies_fte',
        `vacancies_fte (${vacanciesFte}) is more than posts_fte (${postsFte}): a vacancy is an unfilled funded post, so vacancies cannot exceed posts`,
      );
    }
    if (leavers !== undefined && headcount !== undefined && leavers > headcount) {
      at(
        'leavers',
        `leavers (${leavers}) is more than staff_in_post_headcount (${headcount}): give the leavers in this quarter only, not the year's`,
      );
    }
    if (
      starters !== undefined &&
      headcount !== undefined &&
      leavers !== undefined &&
      starters > headcount + leavers
    ) {
      at(
        'starters',
        `starters (${starters}) is more than staff_in_post_headcount plus leavers (${headcount + leavers}): the quarter would have begun with fewer than no staff, so check starters, leavers and headcount`,
      );
    }
    if (newRoles !== undefined && headcount !== undefined && newRoles > headcount) {
      at(
        'new_roles_headcount',
        `new_roles_headcount (${newRoles}) is more than staff_in_post_headcount (${headcount}): people in new roles are counted in the headcount too`,
      );
    }
    if (workingCarers !== undefined && headcount !== undefined && workingCarers > headcount) {
      at(
        'working_carers_headcount',
        `working_carers_headcount (${workingCarers}) is more than staff_in_post_headcount (${headcount}): working carers recognised are staff in post, so check both figures (leave the cell empty if not known)`,
      );
    }

    const key = `${organisation}\u0000${period}\u0000${group}`;
    const first = seen.get(key);
    if (first !== undefined) {
      at(
        undefined,
        `${organisation}, ${period}, ${group} is also on line ${first}: give each organisation, period and staff group once (add the figures together, or remove one row)`,
      );
    } else {
      seen.set(key, line);
    }
    if (
      errors.length === before &&
      postsFte !== undefined &&
      headcount !== undefined &&
      staffFte !== undefined &&
      vacanciesFte !== undefined &&
      starters !== undefined &&
      leavers !== undefined &&
      newRoles !== undefined
    ) {
      lines.push({
        line,
        organisation,
        period,
        staffGroup: group,
        postsFte,
        headcount,
        staffFte,
        vacanciesFte,
        starters,
        leavers,
        newRoles,
        ...(workingCarers === undefined ? {} : { workingCarers }),
      });
    }
  }
  return errors.length > 0 ? err(errors) : ok(lines);
}

/** Reads and checks a return file. Any error refuses the whole file: the caller stores nothing. */
export function parseReturnCsv(text: string, ctx: ReturnCheckContext): Result<LocatedLine[], ReturnError[]> {
  const parsed = parseCsv(text);
  if (!parsed.ok)
    return err(parsed.error.map((issue) => ({ line: issue.line ?? 1, message: issue.message })));
  const [header, ...records] = parsed.value;
  if (header === undefined) {
    return err([
      {
        line: 1,
        message: `the file is empty: its first line must name the columns (${RETURN_COLUMNS.join(',')}), then one row per organisation, period and staff group`,
      },
    ]);
  }
  const names = header.fields.map((name) => name.trim().toLowerCase());
  const errors: ReturnError[] = [];
  const position = new Map<string, number>();
  names.forEach((name, index) => {
    if (position.has(name)) {
      errors.push({ line: header.line, message: `column ${name} is named twice in the header: keep one` });
    } else {
      position.set(name, index);
    }
    if (!(ALL_RETURN_COLUMNS as readonly string[]).includes(name)) {
      errors.push({
        line: header.line,
        message:
          name === ''
            ? 'the header has an empty column name: remove the extra comma'
            : `column ${name} is not a column of the return: the columns are ${RETURN_COLUMNS.join(', ')}, and optionally ${OPTIONAL_COLUMNS.join(', ')}`,
      });
    }
  });
  const missing = RETURN_COLUMNS.filter((column) => !position.has(column));
  if (missing.length > 0) {
    errors.push({
      line: header.line,
      message: `the header lacks ${missing.length === 1 ? 'column' : 'columns'} ${missing.join(', ')}: add ${missing.length === 1 ? 'it' : 'them'} (the columns are ${RETURN_COLUMNS.join(', ')})`,
    });
  }
  if (errors.length > 0) return err(errors);
  if (records.length === 0) {
    return err([
      {
        line: header.line,
        message: 'the file has a header but no rows: add one row per organisation, period and staff group',
      },
    ]);
  }
  const rows: RowCells[] = [];
  for (const record of records) {
    if (record.fields.length !== names.length) {
      errors.push({
        line: record.line,
        message: `the row has ${record.fields.length} fields but the header names ${names.length}: check for a missing or extra comma`,
      });
      continue;
    }
    const cells = Object.fromEntries(
      ALL_RETURN_COLUMNS.flatMap((column) => {
        const at = position.get(column);
        // An optional column left out of the file is left out of the cells: the figure is not known.
        return at === undefined ? [] : [[column, (record.fields[at] ?? '').trim()]];
      }),
    ) as RowCells['cells'];
    rows.push({ line: record.line, cells });
  }
  const checked = checkReturnRows(rows, ctx);
  if (!checked.ok) errors.push(...checked.error);
  if (errors.length > 0) return err(errors.sort((a, b) => a.line - b.line));
  return checked;
}

/** An FTE as the return writes it: at most 2 decimals, no trailing zeros. */
export const fteText = (value: number): string => String(Math.round(value * 100) / 100);

/**
 * Lines as a return file, header first, LF line ends. The optional working_carers_headcount column is written only
 * when some line has the figure (an empty cell where a line does not).
 */
export function formatReturnCsv(lines: readonly ReturnLine[]): string {
  const carers = lines.some((l) => l.workingCarers !== undefined);
  return formatCsv([
    carers ? [...RETURN_COLUMNS, 'working_carers_headcount'] : [...RETURN_COLUMNS],
    ...lines.map((l) => [
      l.organisation,
      l.period,
      l.staffGroup,
      fteText(l.postsFte),
      String(l.headcount),
      fteText(l.staffFte),
      fteText(l.vacanciesFte),
      String(l.starters),
      String(l.leavers),
      String(l.newRoles),
      ...(carers ? [l.workingCarers === undefined ? '' : String(l.workingCarers)] : []),
    ]),
  ]);
}

/** Errors as lines of text: `line 4, leavers: …`. */
export function errorText(error: ReturnError): string {
  return `line ${error.line}${error.column === undefined ? '' : `, ${error.column}`}: ${error.message}`;
}
