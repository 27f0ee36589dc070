/**
 * @module population/indicators/cube
 * What both engines compute for an indicator: for each year, the numerator and denominator in every cell of
 * place × national IMD quintile × sex × age band × ethnic group. Every published breakdown is a sum over cells, and a
 * directly standardised rate or a life table needs the age bands, so the cube is the one thing the engines must
 * agree on; measures and statistics are applied to it afterwards, once.
 *
 * Also the conventions both engines share: the period of a year, the start of a `monthsBefore` window, age from year
 * and month of birth, the life-table age bands and the ethnic groups.
 */
import { LIFE_TABLE_BANDS, lifeTableBandIndex } from '../statistics/standard-population.js';
import type { Window } from './definition.js';

export interface CubeCell {
  readonly year: number;
  /** The place of the person's home LSOA; null when it is outside the partnership or unknown. */
  readonly place: string | null;
  readonly imdQuintile: number | null;
  readonly sex: string;
  /** Index into AGE_BANDS. */
  readonly ageBand: number;
  readonly ethnicGroup: string;
  readonly numerator: number;
  readonly denominator: number;
}

/**
 * The cube's age bands are the life table's (<1, 1–4, 5–9, …, 85–89, 90+; statistics/standard-population.ts): the
 * ESP2013's 19 bands are these with <1 and 1–4 joined, so both a DSR and a life table can be made from one cube.
 */
export const AGE_BANDS = LIFE_TABLE_BANDS;

/** The cube's band of an age in whole years (ages here are never negative: the unborn are not counted). */
export const ageBandOf = (age: number): number => lifeTableBandIndex(age) ?? 0;

/** SQL for ageBandOf over an integer expression (portable: CASE and integer division by FLOOR). */
export const ageBandSql = (age: string): string =>
  `CASE WHEN ${age} < 1 THEN 0 WHEN ${age} < 5 THEN 1 WHEN ${age} >= 90 THEN 19 ELSE CAST(FLOOR(${age} / 5.0) AS INTEGER) + 1 END`;

/**
 * NHS ethnic category (the Data Dictionary's letter) → the five broad groups of the 2001 census classification the
 * category follows, and "Not stated" for Z, unknown or missing.
 */
export const ETHNIC_GROUPS: Readonly<Record<string, string>> = {
  A: 'White',
  B: 'White',
  C: 'White',
  D: 'Mixed',
  E: 'Mixed',
  F: 'Mixed',
  G: 'Mixed',
  H: 'Asian',
  J: 'Asian',
  K: 'Asian',
  L: 'Asian',
  M: 'Black',
  N: 'Black',
  P: 'Black',
  R: 'Other',
  S: 'Other',
};
export const NOT_STATED = 'Not stated';
export const ethnicGroupOf = (category: string | null): string =>
  (category === null ? undefined : ETHNIC_GROUPS[category]) ?? NOT_STATED;

export const ethnicGroupSql = (category: string): string =>
  `CASE ${Object.entries(
    Object.entries(ETHNIC_GROUPS).reduce<Record<string, string[]>>((groups, [letter, group]) => {
      (groups[group] ??= []).push(letter);
      return groups;
    }, {}),
  )
    .map(
      ([group, letters]) =>
        `WHEN ${category} IN (${letters.map((l) => `'${l}'`).join(', ')}) THEN '${group}'`,
    )
    .join(' ')} ELSE '${NOT_STATED}' END`;

/** ISO dates of a calendar year's period. */
export const periodOf = (year: number) => ({ start: `${year}-01-01`, end: `${year}-12-31` });

const iso = (year: number, month: number, day: number) =>
  `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

/**
 * The first day inside a window ending on the period's last day: `period` → the period's start; `{monthsBefore: n}`
 * → the day after the same day n months before the end (31 December less 15 months is 30 September, so the window
 * is 1 October to 31 December a year later); `ever` → none.
 */
export function windowStart(window: Window, year: number): string | undefined {
  if (window === 'ever') return undefined;
  if (window === 'period') return periodOf(year).start;
  // The end is 31 December: n months before it is the last day of month 12 - n (counted back over years).
  const monthIndex = year * 12 + 11 - window.monthsBefore; // month of the day n months before, 0-based
  const y = Math.floor(monthIndex / 12);
  const m = monthIndex - y * 12 + 1;
  // The day after that month's last day is the first of the next month.
  return m === 12 ? iso(y + 1, 1, 1) : iso(y, m + 1, 1);
}

/** Whole years of age on `date` (ISO) for a person born in `birthYear`/`birthMonth`, birthday on the 1st. */
export function ageOn(date: string, birthYear: number, birthMonth: number): number {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return year - birthYear - (month < birthMonth ? 1 : 0);
}

/** Cells in one order, for comparing and for stable output. */
export function sortCells(cells: readonly CubeCell[]): CubeCell[] {
  const key = (c: CubeCell) =>
    `${c.year}|${c.place ?? ''}|${c.imdQuintile ?? ''}|${c.sex}|${String(c.ageBand).padStart(2, '0')}|${c.ethnicGroup}`;
  // Each key made once, not twice per comparison: a cube has tens of thousands of cells.
  return cells
    .map((cell) => ({ cell, key: key(cell) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ cell }) => cell);
}
