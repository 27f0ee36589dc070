/**
 * @module workforce/measures
 * What the pages and downloads show, derived from returns' lines. Pure. The definitions (docs/workforce.md):
 *
 * - **Totals** are sums of the lines: headcount, FTE, posts, vacancies, starters, leavers, new roles. An FTE sum is
 *   rounded to 2 decimals (the precision of the return), so float noise never shows.
 * - **Vacancy rate** = vacancies FTE ÷ funded posts FTE at the quarter's end: NHS England's "NHS Vacancy
 *   Statistics" definition (vacancies as a share of planned workforce, FTE). Undefined with no posts.
 * - **Turnover** is NHS Digital's annual leaver rate (NHS Workforce Statistics, "Leavers and joiners"): leavers in
 *   the 12 months ÷ the average of the headcount at their start and at their end. From quarterly returns, for the 12
 *   months ending with a quarter: leavers summed over that quarter and the three before it; the headcount at the start
 *   is the first of those quarters' opening headcount (headcount − starters + leavers, the only figure a return gives
 *   for the quarter's start), and at the end the last quarter's headcount. Counted over the organisations' staff
 *   groups with returns in all four quarters, so numerator and denominator are of the same people.
 * - **Place**: an organisation serving exactly one place (organisations.yaml `places`) counts to that place. One
 *   serving several places, or the whole partnership (an ambulance trust), is not split by guesswork: it counts to
 *   `SEVERAL_PLACES`, shown beside the places and in the partnership's total.
 * - **Working carers recognised**: the sum of `working_carers_headcount` over the lines that report it (the column is
 *   optional; a line without it is unknown, not 0). Their **share** is that sum ÷ the headcount of the same lines —
 *   never over the headcount of lines that did not report it, which would read "not known" as "none". An
 *   organisation has reported it when any of its lines of the quarter has.
 */
import type { ReturnLine } from './return-csv.js';
import { byQuarter, shiftQuarter } from './quarters.js';
import { staffGroup, type Sector } from './staff-groups.js';

export interface Totals {
  readonly headcount: number;
  readonly staffFte: number;
  readonly postsFte: number;
  readonly vacanciesFte: number;
  readonly starters: number;
  readonly leavers: number;
  readonly newRoles: number;
}

export const round2 = (n: number): number => Math.round(n * 100) / 100;

export const ZERO: Totals = {
  headcount: 0,
  staffFte: 0,
  postsFte: 0,
  vacanciesFte: 0,
  starters: 0,
  leavers: 0,
  newRoles: 0,
};

export function sumLines(lines: readonly ReturnLine[]): Totals {
  let headcount = 0;
  let staffFte = 0;
  let postsFte = 0;
  let vacanciesFte = 0;
  let starters = 0;
  let leavers = 0;
  let newRoles = 0;
  for (const l of lines) {
    headcount += l.headcount;
    // FTEs in hundredths, as whole numbers, so the sum is exact.
    staffFte += Math.round(l.staffFte * 100);
    postsFte += Math.round(l.postsFte * 100);
    vacanciesFte += Math.round(l.vacanciesFte * 100);
    starters += l.starters;
    leavers += l.leavers;
    newRoles += l.newRoles;
  }
  return {
    headcount,
    staffFte: staffFte / 100,
    postsFte: postsFte / 100,
    vacanciesFte: vacanciesFte / 100,
    starters,
    leavers,
    newRoles,
  };
}

/** Vacancies as a share of funded posts (FTE), 0 to 1; undefined with no posts. */
export const vacancyRate = (t: Totals): number | undefined =>
  t.postsFte > 0 ? t.vacanciesFte / t.postsFte : undefined;

export interface Turnover {
  /** The first and last quarters of the 12 months. */
  readonly from: string;
  readonly to: string;
  readonly leavers: number;
  readonly openingHeadcount: number;
  readonly closingHeadcount: number;
  readonly averageHeadcount: number;
  /** Leavers ÷ average headcount; undefined when the average is 0. */
  readonly rate: number | undefined;
}

const keyOfLine = (l: ReturnLine) => `${l.organisation}\u0000${l.staffGroup}`;

/**
 * Annual turnover for the 12 months ending with quarter `to`, from lines of any number of quarters (those outside
 * the four are ignored). Counted over the organisations' staff groups that have returns in all four quarters, so the
 * leavers and the headcount are of the same people (an organisation that began or ended within the year — a council
 * reorganised — is left out of that year's turnover); undefined when there are none.
 */
export function annualTurnover(lines: readonly ReturnLine[], to: string): Turnover | undefined {
  const quarters = [-3, -2, -1, 0].map((n) => shiftQuarter(to, n));
  const byQ = quarters.map((q) => lines.filter((l) => l.period === q));
  const keySets = byQ.map((ls) => new Set(ls.map(keyOfLine)));
  const common = [...(keySets[0] ?? [])].filter((key) => keySets.every((set) => set.has(key)));
  if (common.length === 0) return undefined;
  const included = new Set(common);
  const kept = byQ.map((ls) => ls.filter((l) => included.has(keyOfLine(l))));
  const opening = (kept[0] ?? []).reduce((sum, l) => sum + l.headcount - l.starters + l.leavers, 0);
  const closing = (kept[3] ?? []).reduce((sum, l) => sum + l.headcount, 0);
  const leavers = kept.flat().reduce((sum, l) => sum + l.leavers, 0);
  const average = (opening + closing) / 2;
  return {
    from: quarters[0] ?? to,
    to,
    leavers,
    openingHeadcount: opening,
    closingHeadcount: closing,
    averageHeadcount: average,
    rate: average > 0 ? leavers / average : undefined,
  };
}

/** Lines grouped by a key, keys in first-seen order. */
export function groupBy<K>(lines: readonly ReturnLine[], keyOf: (l: ReturnLine) => K): Map<K, ReturnLine[]> {
  const groups = new Map<K, ReturnLine[]>();
  for (const l of lines) {
    const key = keyOf(l);
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [l]);
    else list.push(l);
  }
  return groups;
}

/** The quarters the lines cover, in time order. */
export const periodsOf = (lines: readonly ReturnLine[]): string[] =>
  [...new Set(lines.map((l) => l.period))].sort(byQuarter);

export const latestPeriod = (lines: readonly ReturnLine[]): string | undefined => periodsOf(lines).at(-1);

/**
 * The quarter a summary leads with: the latest in which at least half as many organisations reported as in the
 * best-reported quarter. Returns arrive over weeks; a quarter only one or two partners have sent yet would read as
 * the whole workforce shrinking. An organisation's own page uses its own latest quarter.
 */
export function headlinePeriod(lines: readonly ReturnLine[]): string | undefined {
  const reporting = new Map<string, Set<string>>();
  for (const l of lines) {
    let organisations = reporting.get(l.period);
    if (organisations === undefined) reporting.set(l.period, (organisations = new Set()));
    organisations.add(l.organisation);
  }
  const most = Math.max(0, ...[...reporting.values()].map((organisations) => organisations.size));
  return periodsOf(lines)
    .filter((period) => (reporting.get(period)?.size ?? 0) * 2 >= most)
    .at(-1);
}

/** Working carers recognised by their employers, over the lines that reported the figure (see the module header). */
export interface WorkingCarers {
  /** The sum of the figure over the lines that reported it. */
  readonly recognised: number;
  /** The headcount of those lines: the share's denominator. */
  readonly headcountReporting: number;
  /** Lines (organisations' staff groups) that reported it. */
  readonly linesReporting: number;
  /** Organisations with at least one line reporting it. */
  readonly organisationsReporting: number;
  /** Organisations with any line at all. */
  readonly organisations: number;
  /** recognised ÷ headcountReporting, 0 to 1; undefined when nobody reported it (or their headcount is 0). */
  readonly share: number | undefined;
}

/** Working carers recognised in `lines` (normally one quarter's). */
export function workingCarersOf(lines: readonly ReturnLine[]): WorkingCarers {
  let recognised = 0;
  let headcountReporting = 0;
  let linesReporting = 0;
  const reporting = new Set<string>();
  for (const l of lines) {
    if (l.workingCarers === undefined) continue;
    recognised += l.workingCarers;
    headcountReporting += l.headcount;
    linesReporting += 1;
    reporting.add(l.organisation);
  }
  return {
    recognised,
    headcountReporting,
    linesReporting,
    organisationsReporting: reporting.size,
    organisations: new Set(lines.map((l) => l.organisation)).size,
    share: headcountReporting > 0 ? recognised / headcountReporting : undefined,
  };
}

export interface Measures {
  readonly totals: Totals;
  readonly vacancyRate: number | undefined;
  readonly turnover: Turnover | undefined;
  readonly workingCarers: WorkingCarers;
}

/** Totals and rates of `lines` in quarter `period`; turnover over the 12 months ending with it (from `all`). */
export function measuresAt(all: readonly ReturnLine[], period: string): Measures {
  const inPeriod = all.filter((l) => l.period === period);
  const totals = sumLines(inPeriod);
  return {
    totals,
    vacancyRate: vacancyRate(totals),
    turnover: annualTurnover(all, period),
    workingCarers: workingCarersOf(inPeriod),
  };
}

export interface TrendPoint extends Measures {
  readonly period: string;
}

/** The measures for every quarter the lines cover, in time order. */
export function trend(lines: readonly ReturnLine[]): TrendPoint[] {
  return periodsOf(lines).map((period) => ({ period, ...measuresAt(lines, period) }));
}

export interface BreakdownRow<K> extends Measures {
  readonly key: K;
}

/**
 * The measures in quarter `period` for each value of `keyOf` (staff group, sector, place, organisation), in the
 * order of `keys` (keys with no lines are left out).
 */
export function breakdown<K>(
  lines: readonly ReturnLine[],
  period: string,
  keyOf: (l: ReturnLine) => K,
  keys: readonly K[],
): BreakdownRow<K>[] {
  const groups = groupBy(lines, keyOf);
  return keys.flatMap((key) => {
    const group = groups.get(key);
    if (group === undefined || !group.some((l) => l.period === period)) return [];
    return [{ key, ...measuresAt(group, period) }];
  });
}

export const sectorOf = (l: ReturnLine): Sector => staffGroup(l.staffGroup)?.sector ?? 'nhs';

/** What an organisation counts to when it serves several places or the whole partnership. */
export const SEVERAL_PLACES = 'several-places';

/** Each organisation's place (see the module header), from the partnership's organisations. */
export function placesOfOrganisations(
  organisations: readonly { readonly id: string; readonly places?: readonly string[] | undefined }[],
): (organisation: string) => string {
  const places = new Map(
    organisations.map((o) => [
      o.id,
      o.places?.length === 1 ? (o.places[0] ?? SEVERAL_PLACES) : SEVERAL_PLACES,
    ]),
  );
  return (organisation) => places.get(organisation) ?? SEVERAL_PLACES;
}
