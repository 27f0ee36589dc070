/**
 * @module workforce/quarters
 * The periods of a workforce return: calendar quarters written `YYYY-Qn`. `2024-Q2` is April to June 2024, ending
 * 30 June 2024 (quarter 1 of the NHS and local government financial year 2024/25); `2025-Q1` is January to March
 * 2025, ending 31 March 2025. Staff in post, posts and vacancies are as at the quarter's last day; starters and
 * leavers are those in the quarter. Calendar numbering is used because it cannot be misread: "Q1 2024" in a
 * financial-year sense would be April–June, in a calendar sense January–March, and the label says which by its year.
 */
import { MONTH_NAMES } from '../core/months.js';

export interface Quarter {
  readonly year: number;
  readonly quarter: 1 | 2 | 3 | 4;
}

export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2099;

const PATTERN = /^(\d{4})-Q([1-4])$/;

export function parseQuarter(text: string): Quarter | undefined {
  const match = PATTERN.exec(text);
  if (match === null) return undefined;
  const year = Number(match[1]);
  if (year < FIRST_YEAR || year > LAST_YEAR) return undefined;
  return { year, quarter: Number(match[2]) as Quarter['quarter'] };
}

export const quarterText = (q: Quarter): string => `${q.year}-Q${q.quarter}`;

/** A whole number that orders quarters: consecutive quarters differ by one. */
export const quarterIndex = (q: Quarter): number => q.year * 4 + (q.quarter - 1);

export function quarterOfIndex(index: number): Quarter {
  return { year: Math.floor(index / 4), quarter: ((index % 4) + 1) as Quarter['quarter'] };
}

/** The quarter `n` quarters after `text` (before, for negative `n`), as text. */
export function shiftQuarter(text: string, n: number): string {
  const q = parseQuarter(text);
  if (q === undefined) throw new Error(`not a quarter: ${text}`);
  return quarterText(quarterOfIndex(quarterIndex(q) + n));
}

/** The quarter's last day, YYYY-MM-DD. */
export function quarterEnd(q: Quarter): string {
  const month = q.quarter * 3;
  const day = new Date(Date.UTC(q.year, month, 0)).getUTCDate();
  return `${q.year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The quarter's first day, YYYY-MM-DD. */
export function quarterStart(q: Quarter): string {
  return `${q.year}-${String(q.quarter * 3 - 2).padStart(2, '0')}-01`;
}

/** "April to June 2024". */
export function quarterLabel(text: string): string {
  const q = parseQuarter(text);
  if (q === undefined) return text;
  return `${MONTH_NAMES[q.quarter * 3 - 3] ?? ''} to ${MONTH_NAMES[q.quarter * 3 - 1] ?? ''} ${q.year}`;
}

/** Sorts quarter texts in time order (they sort as text too, since years have four digits). */
export const byQuarter = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
