/**
 * @module population/disclosure/rules
 * The disclosure control policy as data, with the defaults Accord publishes under (docs/disclosure.md):
 *
 * - counts of 1 to 7 are suppressed: OpenSAFELY's output rules ("redact any outputs based on counts <= 7",
 *   docs.opensafely.org/outputs/sdc) and NHS Digital's disclosure control for HES and ECDS (from September
 *   2018: sub-national counts of 1 to 7 replaced by a symbol);
 * - every other count is rounded to the nearest 5 (both sources; OpenSAFELY also allows its "midpoint 6"
 *   rounding, a variant we do not follow);
 * - a rate, proportion or standardised rate is shown only from 10 events (PHE/OHID's Fingertips practice for
 *   DSRs, and NHS Digital's rule for statistics made from few values);
 * - a true zero is not suppressed by default: a cell of 0 says that nobody has the attribute, which discloses
 *   nothing about any person. A publisher who disagrees (e.g. for a "nobody in this group was vaccinated"
 *   statement about a small group) sets `suppressZero`.
 *
 * Pure; a policy that is not sensible is a problem returned as a value.
 */
import type { Issue } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';

/** Counts from 1 up to and including this are suppressed (OpenSAFELY, NHS Digital). */
export const SUPPRESS_AT_OR_BELOW = 7;
/** Every published count is rounded to the nearest multiple of this (OpenSAFELY, NHS Digital). */
export const ROUND_TO = 5;
/** A rate, proportion or DSR is published only when its numerator has at least this many events. */
export const MIN_EVENTS_FOR_RATE = 10;

export interface DisclosurePolicy {
  /** Counts from 1 (or 0, with `suppressZero`) up to and including this are suppressed. */
  readonly suppressAtOrBelow: number;
  /** Published counts are rounded to the nearest multiple of this; 1 means no rounding. */
  readonly roundTo: number;
  /** Rates are shown only when their events are at least this. */
  readonly minEventsForRate: number;
  /** Whether a count of 0 is suppressed too (default: no — a true zero discloses nothing about a person). */
  readonly suppressZero: boolean;
}

export const DEFAULT_POLICY: DisclosurePolicy = Object.freeze({
  suppressAtOrBelow: SUPPRESS_AT_OR_BELOW,
  roundTo: ROUND_TO,
  minEventsForRate: MIN_EVENTS_FOR_RATE,
  suppressZero: false,
});

/** Checks a policy: whole numbers, a threshold ≥ 0, rounding to a base ≥ 1, a minimum of events ≥ 1. */
export function checkPolicy(policy: DisclosurePolicy): Result<DisclosurePolicy, Issue[]> {
  const issues: Issue[] = [];
  const whole = (path: string, value: number, least: number): void => {
    if (!Number.isInteger(value) || value < least) {
      issues.push({ path, message: `${path} must be a whole number ≥ ${least}, not ${value}` });
    }
  };
  whole('suppressAtOrBelow', policy.suppressAtOrBelow, 0);
  whole('roundTo', policy.roundTo, 1);
  whole('minEventsForRate', policy.minEventsForRate, 1);
  return issues.length === 0 ? ok(policy) : err(issues);
}

/**
 * Whether a count (≥ 0) is small enough to be suppressed on its own (primary suppression). A denominator in
 * person-years need not be whole: anything above 0 and below 8 is small, as 1 to 7 are.
 */
export function isSmall(count: number, policy: DisclosurePolicy): boolean {
  if (count === 0) return policy.suppressZero;
  return count < policy.suppressAtOrBelow + 1;
}

/**
 * Rounds a count (≥ 0) to the nearest multiple of `roundTo`. With the default base of 5 and whole counts
 * there are no ties (a remainder is 0 to 4, never 2.5); with an even base, or a non-integer denominator, a
 * tie is rounded up, away from zero.
 */
export function roundCount(count: number, policy: DisclosurePolicy): number {
  const base = policy.roundTo;
  return Math.floor(count / base + 0.5) * base;
}

/** A count as published on its own: a whole number ≥ 0. */
export function checkCount(path: string, value: number): Result<number, Issue> {
  if (!Number.isFinite(value) || !Number.isInteger(value) || value < 0) {
    return err({ path, message: `${path} must be a whole number ≥ 0 (a count), not ${value}` });
  }
  return ok(value);
}
