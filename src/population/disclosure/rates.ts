/**
 * @module population/disclosure/rates
 * Protecting a rate, proportion or directly standardised rate with its confidence interval. These are
 * "complex statistics" (NHS Digital needs no rounding of them), but none is shown when its numerator has
 * fewer than 10 events (PHE/OHID's Fingertips rule for DSRs, applied here to every rate): it is withheld as
 * 'too-few-events'. Its numerator (events) and denominator, when they are published beside it, go through the
 * count rules (1 to 7 withheld, others rounded to 5). Pure.
 *
 * What remains: a crude rate and an exactly known denominator give the unrounded number of events; that is
 * accepted, as the rate is shown only from 10 events, where the small-number rules do not apply.
 */
import type { Issue } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { countCell, rateCell, suppressedCell, type PublishedCount, type PublishedRate } from './cells.js';
import { checkPolicy, DEFAULT_POLICY, isSmall, roundCount, type DisclosurePolicy } from './rules.js';

export interface RateInput {
  /** The estimate: a rate per some base, a proportion or a DSR. */
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
  /** The numerator: the number of events (a whole number ≥ 0). */
  readonly events: number;
  /** The denominator, when it is to be published too: a population (it may be person-years, not whole). */
  readonly denominator?: number;
}

export interface ProtectedRate {
  readonly estimate: PublishedRate;
  readonly events: PublishedCount;
  /** Present when the input had a denominator. */
  readonly denominator?: PublishedCount;
}

/** Shows a rate with its interval only from `minEventsForRate` events; its counts through the count rules. */
export function protectRate(
  input: RateInput,
  policy: DisclosurePolicy = DEFAULT_POLICY,
): Result<ProtectedRate, Issue[]> {
  const checked = checkPolicy(policy);
  if (!checked.ok) return checked;
  const issues: Issue[] = [];
  for (const name of ['value', 'lower', 'upper'] as const) {
    if (!Number.isFinite(input[name])) {
      issues.push({ path: name, message: `${name} must be a finite number, not ${String(input[name])}` });
    }
  }
  if (issues.length === 0 && !(input.lower <= input.value && input.value <= input.upper)) {
    issues.push({
      path: 'value',
      message:
        'the interval must hold the value ' +
        `(lower ${input.lower} ≤ value ${input.value} ≤ upper ${input.upper})`,
    });
  }
  if (!Number.isInteger(input.events) || input.events < 0) {
    issues.push({
      path: 'events',
      message: `events must be a whole number ≥ 0 (a count), not ${String(input.events)}`,
    });
  }
  const { denominator } = input;
  if (denominator !== undefined && (!Number.isFinite(denominator) || denominator < 0)) {
    issues.push({
      path: 'denominator',
      message: `denominator must be a number ≥ 0, not ${String(denominator)}`,
    });
  }
  if (issues.length > 0) return err(issues);

  const estimate =
    input.events >= policy.minEventsForRate
      ? rateCell(input.value, input.lower, input.upper)
      : suppressedCell('too-few-events');
  const count = (value: number): PublishedCount =>
    isSmall(value, policy) ? suppressedCell('small-count') : countCell(roundCount(value, policy));
  return ok({
    estimate,
    events: count(input.events),
    ...(denominator === undefined ? {} : { denominator: count(denominator) }),
  });
}
