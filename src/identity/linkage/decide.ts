/**
 * @module identity/linkage/decide
 * The decision on one pair: auto-link, clerical review or no-link, with the evidence (each field's level and weight)
 * so a reviewer can see why.
 *
 * Deterministic on the NHS number: two records with the same valid NHS number are the same person — unless the rest
 * of their demographics clearly disagree (the sum of the other fields' weights is below `nhsDemographicsFloor`, or
 * a level marked `contradictsIdentifier` is met, such as twins' different forenames), which is how a number typed
 * into the wrong person's record shows itself; such a pair goes to review, never auto-link. Otherwise the match probability is compared with the two thresholds —
 * except that a pair with two different valid NHS numbers (a level marked `preventsAutoLink`) goes to review at most.
 */
import { type FieldEvidence, type LinkageModel, scorePair } from './model.js';
import type { PreparedRecord } from './record.js';

export interface Thresholds {
  /** Match probability at or above which a pair links without review. */
  readonly autoLink: number;
  /** Match probability at or above which (and below autoLink) a pair goes to clerical review. */
  readonly review: number;
  /** With equal valid NHS numbers: the least total weight of the other fields that still auto-links. */
  readonly nhsDemographicsFloor: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { autoLink: 0.99, review: 0.2, nhsDemographicsFloor: 0 };

export type Outcome = 'auto-link' | 'review' | 'no-link';
export type Reason = 'nhs-number' | 'nhs-number-demographics-disagree' | 'nhs-numbers-differ' | 'probability';

export interface Decision {
  readonly outcome: Outcome;
  readonly reason: Reason;
  readonly probability: number;
  readonly weight: number;
  readonly evidence: readonly FieldEvidence[];
}

export function decide(
  model: LinkageModel,
  a: PreparedRecord,
  b: PreparedRecord,
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): Decision {
  const score = scorePair(model, a, b);
  const base = { probability: score.probability, weight: score.weight, evidence: score.evidence };
  const identifying = model.comparisons.findIndex(
    (comparison, c) => comparison.levels[score.vector[c] ?? 0]?.identifies === true,
  );
  const nhs = score.evidence[identifying];
  if (nhs !== undefined) {
    const others = score.weight - nhs.weight;
    const contradicted = model.comparisons.some(
      (comparison, c) => comparison.levels[score.vector[c] ?? 0]?.contradictsIdentifier === true,
    );
    return others >= thresholds.nhsDemographicsFloor && !contradicted
      ? { outcome: 'auto-link', reason: 'nhs-number', ...base }
      : { outcome: 'review', reason: 'nhs-number-demographics-disagree', ...base };
  }
  const outcome: Outcome =
    score.probability >= thresholds.autoLink
      ? 'auto-link'
      : score.probability >= thresholds.review
        ? 'review'
        : 'no-link';
  const prevented = model.comparisons.some(
    (comparison, c) => comparison.levels[score.vector[c] ?? 0]?.preventsAutoLink === true,
  );
  if (outcome === 'auto-link' && prevented)
    return { outcome: 'review', reason: 'nhs-numbers-differ', ...base };
  return { outcome, reason: 'probability', ...base };
}
