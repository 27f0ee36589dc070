/**
 * @module identity/linkage/pair-scoring
 * The decision on every candidate pair of a large run, from its comparison vector, without building a `Decision`
 * per pair. The weight of a level depends only on the model, so it is looked up in a table; only the term-frequency
 * levels (an exact forename or surname) depend on the pair, through how common the left record's value is, which is
 * looked up once per record. Weights are summed in the same order and with the same arithmetic as `scorePair`, and
 * the outcome follows the same rules as `decide`, so the outcome here is the outcome `decide` gives (tested); the full
 * `Decision`, with its evidence, is built on demand for the pairs someone looks at.
 */
import type { Thresholds } from './decide.js';
import { type LinkageModel, levelWeight, probabilityOfWeight } from './model.js';
import type { PreparedRecord } from './record.js';

/** Outcome codes in the run's `outcomes` column. */
export const AUTO_LINK = 0;
export const REVIEW = 1;
export const NO_LINK = 2;
export const OUTCOMES = ['auto-link', 'review', 'no-link'] as const;

export interface Scores {
  /** Each pair's total weight (log2 Bayes factor). */
  readonly weights: Float64Array;
  /** Each pair's outcome: AUTO_LINK, REVIEW or NO_LINK. */
  readonly outcomes: Uint8Array;
}

/** How common each record's value is for each term-frequency field (NaN: no value, or not counted). */
function frequencies(model: LinkageModel, records: readonly PreparedRecord[], field: 'forename' | 'surname') {
  // Shared memory, so the threads that score a large run's pairs (`parallel-compare.ts`) read it without a copy.
  const out = new Float64Array(new SharedArrayBuffer(records.length * Float64Array.BYTES_PER_ELEMENT));
  out.fill(Number.NaN);
  const table = model.termFrequencies?.[field];
  if (table === undefined) return out;
  records.forEach((record, i) => {
    const value = record[field];
    const frequency = value === undefined ? undefined : table.get(value);
    if (frequency !== undefined) out[i] = frequency;
  });
  return out;
}

/**
 * Everything scoring needs, as plain numbers and typed arrays: worked out once from the model, then used for every
 * pair, in this thread or sent to another (structured clone keeps typed arrays; the frequencies are shared memory).
 */
export interface ScoringTables {
  readonly width: number;
  /** Level l of comparison c is entry first[c] + l of the per-level tables. */
  readonly first: Int32Array;
  readonly weightOf: Float64Array;
  readonly mOf: Float64Array;
  /** 0: no term frequency; 1: forename; 2: surname. */
  readonly tfOf: Uint8Array;
  readonly identifiesOf: Uint8Array;
  readonly contradictsOf: Uint8Array;
  readonly preventsOf: Uint8Array;
  /** By left record. */
  readonly forenameFrequency: Float64Array;
  readonly surnameFrequency: Float64Array;
  readonly lambda: number;
  readonly thresholds: Thresholds;
  readonly autoLink: Band;
  readonly review: Band;
}

export function scoringTables(
  model: LinkageModel,
  left: readonly PreparedRecord[],
  thresholds: Thresholds,
): ScoringTables {
  const { comparisons } = model;
  const width = comparisons.length;
  const first = new Int32Array(width);
  const levels = comparisons.flatMap((comparison, c) => {
    first[c] = c === 0 ? 0 : (first[c - 1] ?? 0) + (comparisons[c - 1]?.levels.length ?? 0);
    return comparison.levels.map((level, l) => ({
      level,
      weight: levelWeight(model, c, l),
      m: model.m[c]?.[l] ?? 0,
    }));
  });
  return {
    width,
    first,
    weightOf: Float64Array.from(levels, ({ weight }) => weight),
    mOf: Float64Array.from(levels, ({ m }) => m),
    tfOf: Uint8Array.from(levels, ({ level }) =>
      level.termFrequency === 'forename' ? 1 : level.termFrequency === 'surname' ? 2 : 0,
    ),
    identifiesOf: Uint8Array.from(levels, ({ level }) => (level.identifies === true ? 1 : 0)),
    contradictsOf: Uint8Array.from(levels, ({ level }) => (level.contradictsIdentifier === true ? 1 : 0)),
    preventsOf: Uint8Array.from(levels, ({ level }) => (level.preventsAutoLink === true ? 1 : 0)),
    forenameFrequency: frequencies(model, left, 'forename'),
    surnameFrequency: frequencies(model, left, 'surname'),
    lambda: model.lambda,
    thresholds,
    autoLink: weightBand(thresholds.autoLink, model.lambda),
    review: weightBand(thresholds.review, model.lambda),
  };
}

/** Scores pairs from … to − 1, writing their weights and outcomes in place. */
export function scoreRange(
  tables: ScoringTables,
  pairsLeft: Int32Array,
  vectors: Uint8Array,
  range: { readonly from: number; readonly to: number },
  out: Scores,
): void {
  const { width, first, weightOf, mOf, tfOf, identifiesOf, contradictsOf, preventsOf } = tables;
  const { forenameFrequency, surnameFrequency, thresholds, autoLink, review, lambda } = tables;
  const { weights, outcomes } = out;
  for (let k = range.from; k < range.to; k++) {
    const base = k * width;
    let total = 0;
    let identifyingWeight = Number.NaN;
    let contradicted = false;
    let prevented = false;
    for (let c = 0; c < width; c++) {
      const entry = (first[c] ?? 0) + (vectors[base + c] ?? 0);
      let weight = weightOf[entry] ?? 0;
      const tf = tfOf[entry];
      if (tf !== 0) {
        const frequency = (tf === 1 ? forenameFrequency : surnameFrequency)[pairsLeft[k] ?? 0] ?? Number.NaN;
        if (!Number.isNaN(frequency)) weight = Math.log2((mOf[entry] ?? 0) / frequency);
      }
      total += weight;
      if (identifiesOf[entry] === 1 && Number.isNaN(identifyingWeight)) identifyingWeight = weight;
      if (contradictsOf[entry] === 1) contradicted = true;
      if (preventsOf[entry] === 1) prevented = true;
    }
    weights[k] = total;
    if (!Number.isNaN(identifyingWeight)) {
      outcomes[k] =
        total - identifyingWeight >= thresholds.nhsDemographicsFloor && !contradicted ? AUTO_LINK : REVIEW;
    } else if (atLeast(total, autoLink, thresholds.autoLink, lambda)) {
      outcomes[k] = prevented ? REVIEW : AUTO_LINK;
    } else {
      outcomes[k] = atLeast(total, review, thresholds.review, lambda) ? REVIEW : NO_LINK;
    }
  }
}

/** Columns for `count` pairs' scores: shared memory, so several threads can fill them. */
export function scoreColumns(count: number): Scores {
  return {
    weights: new Float64Array(new SharedArrayBuffer(count * Float64Array.BYTES_PER_ELEMENT)),
    outcomes: new Uint8Array(new SharedArrayBuffer(count)),
  };
}

/** Scores every pair in the calling thread. */
export function scorePairs(
  model: LinkageModel,
  left: readonly PreparedRecord[],
  pairsLeft: Int32Array,
  vectors: Uint8Array,
  thresholds: Thresholds,
): Scores {
  const scores = scoreColumns(pairsLeft.length);
  scoreRange(
    scoringTables(model, left, thresholds),
    pairsLeft,
    vectors,
    { from: 0, to: pairsLeft.length },
    scores,
  );
  return scores;
}

/**
 * The weight at which the match probability reaches a threshold, widened a little either way: outside the band the
 * weight alone settles the comparison (probability grows with weight); inside it the probability is computed as
 * `decide` computes it, so rounding can never make the two disagree. Saves a power per pair.
 */
export interface Band {
  readonly low: number;
  readonly high: number;
}

function weightBand(threshold: number, lambda: number): Band {
  const weight = Math.log2((((1 - lambda) / lambda) * threshold) / (1 - threshold));
  // A threshold of 0 or 1 (or a degenerate λ) gives an infinite or undefined weight: always compute.
  if (!Number.isFinite(weight)) return { low: Number.NEGATIVE_INFINITY, high: Number.POSITIVE_INFINITY };
  return { low: weight - 1e-3, high: weight + 1e-3 };
}

function atLeast(weight: number, band: Band, threshold: number, lambda: number): boolean {
  if (weight < band.low) return false;
  if (weight > band.high) return true;
  return probabilityOfWeight(weight, lambda) >= threshold;
}
