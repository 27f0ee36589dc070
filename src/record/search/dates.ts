/**
 * @module record/search/dates
 * FHIR's dates as the range of instants they cover, for indexing and for search prefixes: "2024" is the whole year,
 * "2024-03" the month, "2024-03-05" the day, and a dateTime with a time the second it names. A date without a time
 * zone is taken in UTC (FHIR leaves the zone to the reader; one fixed rule keeps indexing and searching consistent).
 */

export interface DateRange {
  /** ISO instant, inclusive. */
  readonly low: string;
  /** ISO instant, inclusive (the last millisecond of the range). */
  readonly high: string;
}

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const iso = (milliseconds: number) => new Date(milliseconds).toISOString();

/** The range a FHIR date, dateTime or instant covers; undefined when the text is none of them. */
export function dateRange(value: string): DateRange | undefined {
  const date = DATE.exec(value);
  if (date !== null) {
    const year = Number(date[1]);
    const month = date[2] === undefined ? undefined : Number(date[2]);
    const day = date[3] === undefined ? undefined : Number(date[3]);
    if (month !== undefined && (month < 1 || month > 12)) return undefined;
    const start = Date.UTC(year, (month ?? 1) - 1, day ?? 1);
    // Date.UTC rolls 31 February into March: refuse a day the month does not have.
    if (day !== undefined && new Date(start).getUTCDate() !== day) return undefined;
    const end =
      day !== undefined
        ? Date.UTC(year, (month ?? 1) - 1, day + 1)
        : month !== undefined
          ? Date.UTC(year, month, 1)
          : Date.UTC(year + 1, 0, 1);
    return { low: iso(start), high: iso(end - 1) };
  }
  const time = DATE_TIME.exec(value);
  if (time === null) return undefined;
  const instant = Date.parse(value);
  if (Number.isNaN(instant)) return undefined;
  // To the second (or the millisecond, when written): the range of instants the text can mean.
  const precise = time[7] !== undefined;
  const seconds = time[6] !== undefined;
  const width = precise ? 1 : seconds ? 1_000 : 60_000;
  return { low: iso(instant), high: iso(instant + width - 1) };
}
