/**
 * @module governance/meetings/clear-days
 * "Five clear days": a meeting's agenda and papers are open to the public at least five clear days before it
 * (Local Government Act 1972, s.100B(3); s.100K(1) as amended by the Local Government (Access to Information)
 * (Variation) Order 2006 makes a clear day a working day: Saturdays, Sundays, Christmas Day, Good Friday and bank
 * holidays do not count). Neither the day a paper is published nor the day of the meeting counts (R v Swansea City
 * Council, ex parte Elitestone, 1993). Accord holds every body that meets in public to this rule: a council's
 * committees must meet it, and the partnership promised to meet in public as they do.
 *
 * Bank holidays are England and Wales's: the rules of the Banking and Financial Dealings Act 1971 as proclaimed
 * each year, and the one-off changes listed below (source: gov.uk/bank-holidays, checked for 2012–2026).
 */

/** A calendar date, YYYY-MM-DD. Dates here are days in London, never instants. */
export type Day = string;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

const toUtc = (day: Day): Date => {
  const match = DAY.exec(day);
  if (match === null) throw new Error(`not a YYYY-MM-DD day: ${day}`);
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
};
const fromUtc = (date: Date): Day => date.toISOString().slice(0, 10);

export const addDays = (day: Day, days: number): Day => {
  const date = toUtc(day);
  date.setUTCDate(date.getUTCDate() + days);
  return fromUtc(date);
};

const weekday = (day: Day): number => toUtc(day).getUTCDay(); // 0 Sunday … 6 Saturday

/** Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm, as in Meeus). */
export function easterSunday(year: number): Day {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const date = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(date).padStart(2, '0')}`;
}

const firstMonday = (year: number, month: number): Day => {
  let day = `${year}-${String(month).padStart(2, '0')}-01`;
  while (weekday(day) !== 1) day = addDays(day, 1);
  return day;
};
const lastMonday = (year: number, month: number): Day => {
  let day = addDays(
    month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`,
    -1,
  );
  while (weekday(day) !== 1) day = addDays(day, -1);
  return day;
};

/** Years whose proclamation moved a regular holiday, and the holidays it added (gov.uk/bank-holidays). */
const CHANGES: Readonly<
  Record<number, { readonly moved?: Readonly<Record<Day, Day>>; readonly added?: readonly Day[] }>
> = {
  // Queen's Diamond Jubilee: the spring holiday moved to 4 June, and 5 June added.
  2012: { moved: { '2012-05-28': '2012-06-04' }, added: ['2012-06-05'] },
  // 75th anniversary of VE Day: the early May holiday moved to Friday 8 May.
  2020: { moved: { '2020-05-04': '2020-05-08' } },
  // Queen's Platinum Jubilee (spring holiday moved to 2 June, 3 June added) and the Queen's state funeral.
  2022: { moved: { '2022-05-30': '2022-06-02' }, added: ['2022-06-03', '2022-09-19'] },
  // The coronation of King Charles III.
  2023: { added: ['2023-05-08'] },
};

/** New Year's Day, or the next Monday when it falls at a weekend. */
const newYear = (year: number): Day => {
  const day = `${year}-01-01`;
  const w = weekday(day);
  return w === 6 ? addDays(day, 2) : w === 0 ? addDays(day, 1) : day;
};

/** Christmas Day and Boxing Day, each moved to the next free weekday when it falls at a weekend. */
function christmas(year: number): Day[] {
  const christmasDay = `${year}-12-25`;
  switch (weekday(christmasDay)) {
    case 5: // Friday: Boxing Day (Saturday) moves to Monday 28th
      return [christmasDay, `${year}-12-28`];
    case 6: // Saturday: Monday 27th and Tuesday 28th
      return [`${year}-12-27`, `${year}-12-28`];
    case 0: // Sunday: Boxing Day is Monday 26th; Christmas moves to Tuesday 27th
      return [`${year}-12-26`, `${year}-12-27`];
    default:
      return [christmasDay, `${year}-12-26`];
  }
}

const holidayCache = new Map<number, ReadonlySet<Day>>();

/** England and Wales's bank holidays in `year`, with Good Friday and Christmas Day. */
export function bankHolidays(year: number): ReadonlySet<Day> {
  const cached = holidayCache.get(year);
  if (cached !== undefined) return cached;
  const easter = easterSunday(year);
  const change = CHANGES[year] ?? {};
  const regular = [
    newYear(year),
    addDays(easter, -2),
    addDays(easter, 1),
    firstMonday(year, 5),
    lastMonday(year, 5),
    lastMonday(year, 8),
    ...christmas(year),
  ].map((day) => change.moved?.[day] ?? day);
  const holidays = new Set([...regular, ...(change.added ?? [])]);
  holidayCache.set(year, holidays);
  return holidays;
}

export const isWorkingDay = (day: Day): boolean => {
  const w = weekday(day);
  return w !== 0 && w !== 6 && !bankHolidays(Number(day.slice(0, 4))).has(day);
};

/** The clear days between publishing on `published` and meeting on `meeting`: working days strictly between them. */
export function clearDaysBetween(published: Day, meeting: Day): number {
  let count = 0;
  for (let day = addDays(published, 1); day < meeting; day = addDays(day, 1)) {
    if (isWorkingDay(day)) count += 1;
  }
  return count;
}

/** The clear days the law asks for before a meeting in public. */
export const CLEAR_DAYS = 5;

/** The last day on which a paper can be published and still give `clearDays` clear days before `meeting`. */
export function latestPublicationDay(meeting: Day, clearDays: number = CLEAR_DAYS): Day {
  let day = addDays(meeting, -1);
  let counted = 0;
  while (counted < clearDays) {
    if (isWorkingDay(day)) counted += 1;
    day = addDays(day, -1);
  }
  return day;
}
