/**
 * @module identity/linkage/train
 * The linkage run put together: prepare the records, count term frequencies, estimate u from random pairs, block,
 * compare the candidate pairs, estimate m and λ by EM, then decide every candidate pair. Pure: records in, model and
 * decisions out; reading files and writing results belong to the callers (the CLI, the benchmarks).
 */
import { candidatePairs, type BlockingRule, type CandidatePair, DEFAULT_BLOCKING_RULES } from './blocking.js';
import { compareRecords, type Comparison, defaultComparisons } from './comparisons.js';
import { decide, type Decision, DEFAULT_THRESHOLDS, type Thresholds } from './decide.js';
import { estimateU, expectationMaximisation, patternCounts } from './estimate.js';
import { type LinkageModel, termFrequencies } from './model.js';
import { type LinkRecord, prepareRecord, type PreparedRecord } from './record.js';

export interface LinkSettings {
  readonly comparisons: readonly Comparison[];
  readonly blockingRules: readonly BlockingRule[];
  readonly thresholds: Thresholds;
  readonly uSamples: number;
  readonly seed: number;
}

export const DEFAULT_SETTINGS: LinkSettings = {
  comparisons: defaultComparisons(),
  blockingRules: DEFAULT_BLOCKING_RULES,
  thresholds: DEFAULT_THRESHOLDS,
  uSamples: 200_000,
  seed: 1,
};

export interface LinkRun {
  readonly model: LinkageModel;
  readonly left: readonly PreparedRecord[];
  readonly right: readonly PreparedRecord[];
  readonly pairs: readonly CandidatePair[];
  readonly decisions: readonly Decision[];
  readonly emIterations: number;
  readonly emConverged: boolean;
}

/** Links two lists of records, or deduplicates one when `right` is omitted. */
export function linkRecords(
  leftRecords: readonly LinkRecord[],
  rightRecords?: readonly LinkRecord[],
  settings: LinkSettings = DEFAULT_SETTINGS,
): LinkRun {
  const left = leftRecords.map(prepareRecord);
  const right = rightRecords === undefined ? left : rightRecords.map(prepareRecord);
  const u = estimateU(settings.comparisons, left, right, { samples: settings.uSamples, seed: settings.seed });
  const pairs = candidatePairs(settings.blockingRules, left, rightRecords === undefined ? undefined : right);
  const vectors = pairs.map(([i, j]) => compareRecords(settings.comparisons, at(left, i), at(right, j)));
  const em = expectationMaximisation(settings.comparisons, u, patternCounts(vectors));
  // EM's λ is the share of matches among the blocked pairs; the weights use the random-pair u, i.e. they are Bayes
  // factors against all pairs, so the prior must be the chance that two records taken at random match.
  const allPairs =
    rightRecords === undefined ? (left.length * (left.length - 1)) / 2 : left.length * right.length;
  const expectedMatches = em.lambda * pairs.length;
  const model: LinkageModel = {
    comparisons: settings.comparisons,
    m: em.m,
    u,
    lambda: allPairs === 0 ? 0 : Math.min(1 - 1e-12, Math.max(1e-12, expectedMatches / allPairs)),
    termFrequencies: termFrequencies(rightRecords === undefined ? left : [...left, ...right]),
  };
  const decisions = pairs.map(([i, j]) => decide(model, at(left, i), at(right, j), settings.thresholds));
  return { model, left, right, pairs, decisions, emIterations: em.iterations, emConverged: em.converged };
}

function at<T>(list: readonly T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new Error(`index ${index} out of range`);
  return item;
}
