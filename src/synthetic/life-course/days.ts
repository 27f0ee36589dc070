/**
 * @module synthetic/life-course/days
 * Dates as whole days since 1970-01-01 (UTC), the form the simulator and the columnar output use: integer arithmetic
 * for ages and intervals, and DuckDB's DATE is the same count.
 */
const MS_PER_DAY = 86_400_000;
export const DAYS_PER_YEAR = 365.2425;

/** 'YYYY-MM-DD' → days since 1970-01-01. */
export const dayOf = (iso: string): number => Math.round(Date.parse(`${iso}T00:00:00Z`) / MS_PER_DAY);

/** The calendar year of a day. */
export const yearOf = (day: number): number => new Date(day * MS_PER_DAY).getUTCFullYear();

/** Age in completed years on `day` of someone born on `birth` (both days since 1970-01-01). */
export function ageInYears(birth: number, day: number): number {
  const b = new Date(birth * MS_PER_DAY);
  const d = new Date(day * MS_PER_DAY);
  let years = d.getUTCFullYear() - b.getUTCFullYear();
  if (
    d.getUTCMonth() < b.getUTCMonth() ||
    (d.getUTCMonth() === b.getUTCMonth() && d.getUTCDate() < b.getUTCDate())
  )
    years--;
  return years;
}

/** The day someone born on `birth` reaches `years` of age (fractional years counted in average years). */
export const dayAtAge = (birth: number, years: number): number => birth + Math.floor(years * DAYS_PER_YEAR);

/** The day of a given calendar date. */
export const dayOfDate = (year: number, month: number, date: number): number =>
  Math.round(Date.UTC(year, month - 1, date) / MS_PER_DAY);
