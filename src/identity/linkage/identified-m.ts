/**
 * @module identity/linkage/identified-m
 * m from the pairs an identifier already identifies. Expectation maximisation finds whatever class of pairs best
 * explains the data, and where households are common — spouses, parents and children sharing a surname, an address
 * and a postcode — that class can be "lives together" rather than "is the same person": EM then learns that a
 * different forename, date of birth or NHS number hardly matters, and links a wife to her husband. Candidate pairs
 * with equal valid NHS numbers are, nearly all, one person recorded twice, so the share of each level of every other
 * comparison among them is that level's m, measured rather than inferred (as Splink does from a label column). Where
 * there are enough such pairs the caller holds those m fixed and lets EM estimate only the identifier's own m and λ;
 * where there are not (benchmarks without NHS numbers), EM estimates everything.
 *
 * The identified pairs are not a perfect sample of matches: a record without an NHS number may be a poorer record in
 * other ways too. The bias is small beside EM's failure, and the identifier's own m still comes from EM.
 */
import type { Comparison } from './comparisons.js';

/** Below this many identified pairs, the shares are too noisy to hold fixed. */
export const MIN_IDENTIFIED_PAIRS = 500;

export interface IdentifiedM {
  /** m[c] for each comparison measured on the identified pairs; undefined for the identifying comparison itself. */
  readonly m: readonly (readonly number[] | undefined)[];
  readonly pairs: number;
}

/**
 * m measured on the candidate pairs whose identifying comparison (a level marked `identifies`) agrees, from their
 * comparison-vector patterns; undefined when there is no identifying comparison or too few such pairs. One
 * pseudo-count per non-neutral level, as for u, so no level gets m = 0 (an infinitely negative weight).
 */
export function mFromIdentifiedPairs(
  comparisons: readonly Comparison[],
  patterns: readonly { readonly vector: Uint8Array; readonly count: number }[],
): IdentifiedM | undefined {
  const identifying = comparisons.findIndex((c) => c.levels.some((level) => level.identifies === true));
  if (identifying < 0) return undefined;
  const identifyingLevels = comparisons[identifying]?.levels ?? [];
  const counts = comparisons.map((c) => c.levels.map((level): number => (level.neutral === true ? 0 : 1)));
  let pairs = 0;
  for (const { vector, count } of patterns) {
    if (identifyingLevels[vector[identifying] ?? 0]?.identifies !== true) continue;
    pairs += count;
    vector.forEach((level, c) => {
      const row = counts[c];
      if (row !== undefined) row[level] = (row[level] ?? 0) + count;
    });
  }
  if (pairs < MIN_IDENTIFIED_PAIRS) return undefined;
  const m = comparisons.map((comparison, c) => {
    if (c === identifying) return undefined;
    const row = counts[c] ?? [];
    const total = comparison.levels.reduce(
      (sum, level, l) => (level.neutral === true ? sum : sum + (row[l] ?? 0)),
      0,
    );
    return comparison.levels.map((level, l) => (level.neutral === true ? 1 : (row[l] ?? 0) / total));
  });
  return { m, pairs };
}
