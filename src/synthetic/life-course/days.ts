/**
 * @module synthetic/life-course/days
 * Dates as whole days since 1970-01-01 (UTC), the form the simulator and the columnar output use: integer arithmetic
 * for ages and intervals, and DuckDB's DATE is the same count.
 */
const MS_PER_DAY = 86_400_000;
export const DAYS_PER_YEAR = 365.2425;

/** 'YYYY-MM-DD' → days since 1970-01-01. */
export const dayOf = (iso: string): number => Math.round(Date.parse(`${iso}T00:00:00Z`) / MS_PER_DAY);

/**
 * The civil date of a day, by integer arithmetic (H. Hinnant's days-to-civil algorithm for the proleptic Gregorian
 * calendar): the simulator asks for ages and years hundreds of millions of times, and a Date object each time was
 * the largest single cost in profiles. Packed as year · 10,000 + month · 100 + date, so comparisons need no object.
 */
function civilOf(day: number): number {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const date = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return year * 10_000 + month * 100 + date;
}

/**
 * The civil dates of 1850–2100 are looked up, not worked out: each person's age is asked for hundreds of times (each
 * year of life, each move, each flu season), and a table of those 91,676 days answers in one read.
 */
const TABLE_FIRST = dayOfDate(1850, 1, 1);
const TABLE = Int32Array.from({ length: dayOfDate(2100, 12, 31) - TABLE_FIRST + 1 }, (_, i) =>
  civilOf(TABLE_FIRST + i),
);

function civil(day: number): number {
  const i = day - TABLE_FIRST;
  return i >= 0 && i < TABLE.length ? (TABLE[i] as number) : civilOf(day);
}

/** The calendar year of a day. */
export const yearOf = (day: number): number => Math.floor(civil(day) / 10_000);

/** Age in completed years on `day` of someone born on `birth` (both days since 1970-01-01). */
export function ageInYears(birth: number, day: number): number {
  const b = civil(birth);
  const d = civil(day);
  const years = Math.floor(d / 10_000) - Math.floor(b / 10_000);
  // Before the birthday in the year of `day` when its month and date come earlier.
  return d % 10_000 < b % 10_000 ? years - 1 : years;
}

/** The day someone born on `birth` reaches `years` of age (fractional years counted in average years). */
export const dayAtAge = (birth: number, years: number): number => birth + Math.floor(years * DAYS_PER_YEAR);

/** The day of a given calendar date. */
export function dayOfDate(year: number, month: number, date: number): number {
  // Hinnant's days-from-civil, the inverse of `civil`.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + date - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}
