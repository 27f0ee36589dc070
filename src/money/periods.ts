/**
 * @module money/periods
 * The accounting calendar: monthly periods of the NHS and local government financial year, which runs from 1 April
 * to 31 March. Financial year 2025 is 2025/26; period 1 is April 2025, period 12 is March 2026. Pure: the same
 * arithmetic the database uses for a period's dates (migrations/0005_money.sql), so code and table cannot disagree.
 */
import { MONTH_NAMES } from '../core/months.js';

export interface PeriodRef {
  /** The calendar year in which the financial year starts: 2025 for 2025/26. */
  readonly financialYear: number;
  /** 1 (April) to 12 (March). */
  readonly period: number;
}

/** A run of periods, both ends included. */
export interface PeriodRange {
  readonly from: PeriodRef;
  readonly to: PeriodRef;
}

export const PERIODS_IN_YEAR = 12;

/** The financial years the ledger holds (the database's CHECK on accounting_period.financial_year). */
export const FIRST_FINANCIAL_YEAR = 2000;
export const LAST_FINANCIAL_YEAR = 2999;

/** The calendar year and month (1-12) a period covers. */
function calendarMonth(ref: PeriodRef): { year: number; month: number } {
  return {
    year: ref.financialYear + (ref.period >= 10 ? 1 : 0),
    month: ((ref.period + 2) % 12) + 1,
  };
}

const iso = (year: number, month: number, day: number) =>
  `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

/** The first and last day of a period (YYYY-MM-DD). */
export function periodDates(ref: PeriodRef): { readonly startsOn: string; readonly endsOn: string } {
  const { year, month } = calendarMonth(ref);
  // Day 0 of the next month is the last day of this one.
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { startsOn: iso(year, month, 1), endsOn: iso(year, month, lastDay) };
}

/** The period holding a date (YYYY-MM-DD, already checked to be a real date). */
export function periodOfDate(date: string): PeriodRef {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return month >= 4
    ? { financialYear: year, period: month - 3 }
    : { financialYear: year - 1, period: month + 9 };
}

/** "2025/26" */
export function financialYearLabel(financialYear: number): string {
  return `${financialYear}/${String((financialYear + 1) % 100).padStart(2, '0')}`;
}

/** "2025/26 month 1 (April 2025)": how finance teams name a period (M1 is April). */
export function periodLabel(ref: PeriodRef): string {
  const { year, month } = calendarMonth(ref);
  return `${financialYearLabel(ref.financialYear)} month ${ref.period} (${MONTH_NAMES[month - 1] ?? '?'} ${year})`;
}

/** Orders periods in time: negative when `a` comes first. */
export const comparePeriods = (a: PeriodRef, b: PeriodRef): number =>
  a.financialYear - b.financialYear || a.period - b.period;

export const samePeriod = (a: PeriodRef, b: PeriodRef): boolean => comparePeriods(a, b) === 0;

/** One period as a range. */
export const onlyPeriod = (ref: PeriodRef): PeriodRange => ({ from: ref, to: ref });

/** A whole financial year as a range. */
export const wholeYear = (financialYear: number): PeriodRange => ({
  from: { financialYear, period: 1 },
  to: { financialYear, period: PERIODS_IN_YEAR },
});

export const inRange = (ref: PeriodRef, range: PeriodRange): boolean =>
  comparePeriods(range.from, ref) <= 0 && comparePeriods(ref, range.to) <= 0;
