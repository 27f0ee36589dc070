/**
 * @module population/statistics/interval
 * What every method returns: an estimate with its lower and upper confidence limits, the level they are at and how
 * they were found; and the checks of the inputs they share (confidence level, counts, denominators), each giving a
 * sentence that says what is wrong and what is allowed.
 */
import { err, ok, type Result } from '../../core/result.js';

/** The confidence levels PHE/OHID publish at: 95% and 99.8% (about 2 and 3 standard deviations). */
export const PUBLISHED_LEVELS = [95, 99.8] as const;
export type PublishedLevel = (typeof PUBLISHED_LEVELS)[number];

export interface Interval {
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
  /** The confidence level in percent, e.g. 95. */
  readonly level: number;
  /** How the limits were found, in words a reader of a table would recognise (e.g. "Byar", "exact Poisson"). */
  readonly method: string;
}

/** A confidence level in percent, strictly between 50 and 100. */
export function checkLevel(level: number): Result<number, string> {
  return Number.isFinite(level) && level > 50 && level < 100
    ? ok(level)
    : err(`the confidence level must be a percentage between 50 and 100 (e.g. 95 or 99.8), not ${level}`);
}

/** A count of events: a whole number ≥ 0. */
export function checkCount(name: string, value: number): Result<number, string> {
  if (!Number.isFinite(value)) return err(`${name} must be a number, not ${value}`);
  if (value < 0) return err(`${name} is negative (${value}); counts must be whole numbers ≥ 0`);
  if (!Number.isInteger(value))
    return err(`${name} is not a whole number (${value}); counts must be whole numbers ≥ 0`);
  return ok(value);
}

/** A population or other denominator: a number > 0 (it need not be whole: person-years, mid-year estimates). */
export function checkDenominator(name: string, value: number): Result<number, string> {
  if (!Number.isFinite(value)) return err(`${name} must be a number, not ${value}`);
  if (value <= 0) return err(`${name} is ${value}; it must be greater than 0`);
  return ok(value);
}
