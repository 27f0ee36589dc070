/**
 * @module identity/linkage/train
 * The linkage run put together: prepare the records, count term frequencies, estimate u from random pairs, block,
 * compare the candidate pairs, estimate m and λ by EM, then decide every candidate pair. Pure: records in, model and
 * decisions out; reading files and writing results belong to the callers (the CLI, the benchmarks).
 *
 * Built for a million records: pairs, comparison vectors, weights and outcomes are typed-array columns, one entry
 * per candidate pair; a `Decision` with its evidence is built only for a pair someone asks about. `linkRecords`
 * runs in the calling thread; `linkRecordsInParallel` compares the pairs on several threads (`parallel-compare.ts`)
 * and gives the same run.
 */
import {
  blockRecords,
  type BlockingRule,
  type CandidatePair,
  type CandidatePairs,
  DEFAULT_BLOCKING_RULES,
  DEFAULT_MAX_BLOCK_SIZE,
  type SkippedKeys,
} from './blocking.js';
import { type Comparison, defaultComparisons } from './comparisons.js';
import { compareCandidates, compileComparisons } from './compiled-comparisons.js';
import { decide, type Decision, DEFAULT_THRESHOLDS, type Thresholds } from './decide.js';
import { estimateU, expectationMaximisation, patternCountsOfColumn } from './estimate.js';
import { mFromIdentifiedPairs } from './identified-m.js';
import { type LinkageModel, termFrequencies } from './model.js';
import { type Scores, scorePairs } from './pair-scoring.js';
import { type LinkRecord, prepareRecords, type PreparedRecord } from './record.js';
import { buildRecordTable, type RecordTable } from './record-table.js';

export interface LinkSettings {
  readonly comparisons: readonly Comparison[];
  readonly blockingRules: readonly BlockingRule[];
  readonly thresholds: Thresholds;
  readonly uSamples: number;
  readonly seed: number;
  /** A blocking key shared by more records than this is skipped for its rule (`blocking.ts`). */
  readonly maxBlockSize?: number;
}

export const DEFAULT_SETTINGS: LinkSettings = {
  comparisons: defaultComparisons(),
  blockingRules: DEFAULT_BLOCKING_RULES,
  thresholds: DEFAULT_THRESHOLDS,
  uSamples: 200_000,
  seed: 1,
  maxBlockSize: DEFAULT_MAX_BLOCK_SIZE,
};

/** The wall time of one stage of a run. */
export interface Stage {
  readonly name: string;
  readonly seconds: number;
}

export interface LinkRun {
  readonly model: LinkageModel;
  readonly left: readonly PreparedRecord[];
  readonly right: readonly PreparedRecord[];
  /** Pair k is (left[candidates.left[k]], right[candidates.right[k]]). */
  readonly candidates: CandidatePairs;
  /** Pair k's comparison vector: levels k × comparisons … k × comparisons + comparisons − 1. */
  readonly vectors: Uint8Array;
  /** Pair k's total weight (log2 Bayes factor). */
  readonly weights: Float64Array;
  /** Pair k's outcome: AUTO_LINK, REVIEW or NO_LINK (`pair-scoring.ts`); the same as `decision(k).outcome`. */
  readonly outcomes: Uint8Array;
  /** Blocking keys skipped for being shared by too many records, by rule. */
  readonly skippedKeys: readonly SkippedKeys[];
  readonly stages: readonly Stage[];
  readonly emIterations: number;
  readonly emConverged: boolean;
  /** Pair k's decision with its evidence, built on demand (by `decide`). */
  decision(k: number): Decision;
  /**
   * Every pair as a tuple and every pair's decision: built on first use, for small runs and older callers. A run of
   * a million records has tens of millions of pairs; use `candidates`, `outcomes` and `decision(k)` there.
   */
  readonly pairs: readonly CandidatePair[];
  readonly decisions: readonly Decision[];
}

/** The stages before comparing, and what they give. */
export interface Front {
  readonly left: readonly PreparedRecord[];
  readonly right: readonly PreparedRecord[];
  readonly dedupe: boolean;
  /** Left's records, then (when linking two lists) right's, packed for comparing. */
  readonly table: RecordTable;
  /** The row of right[0] in the table. */
  readonly rightBase: number;
  /** The records in the table's row order. */
  readonly rows: readonly PreparedRecord[];
  readonly u: number[][];
  readonly candidates: CandidatePairs;
  readonly skippedKeys: readonly SkippedKeys[];
}

export class Stopwatch {
  readonly stages: Stage[] = [];
  private last = performance.now();
  lap(name: string): void {
    const now = performance.now();
    this.stages.push({ name, seconds: (now - this.last) / 1000 });
    this.last = now;
  }
}

export function frontStages(
  leftRecords: readonly LinkRecord[],
  rightRecords: readonly LinkRecord[] | undefined,
  settings: LinkSettings,
  clock: Stopwatch,
): Front {
  const left = prepareRecords(leftRecords);
  const right = rightRecords === undefined ? left : prepareRecords(rightRecords);
  const dedupe = rightRecords === undefined;
  const table = dedupe ? buildRecordTable(left) : buildRecordTable(left, right);
  const rightBase = dedupe ? 0 : left.length;
  const rows = dedupe ? left : [...left, ...right];
  clock.lap('prepare');
  const compare = compileComparisons(settings.comparisons, table, { records: rows });
  const u = estimateU(settings.comparisons, left, right, {
    samples: settings.uSamples,
    seed: settings.seed,
    compare: (i, j, out) => {
      compare(i, rightBase + j, out, 0);
    },
  });
  clock.lap('u from random pairs');
  const blocking = blockRecords(settings.blockingRules, left, dedupe ? undefined : right, {
    maxBlockSize: settings.maxBlockSize ?? DEFAULT_MAX_BLOCK_SIZE,
    table,
    rightBase,
  });
  clock.lap('blocking');
  return {
    left,
    right,
    dedupe,
    table,
    rightBase,
    rows,
    u,
    candidates: blocking.pairs,
    skippedKeys: blocking.skipped,
  };
}

/** The model, estimated from the blocked pairs' comparison vectors. */
export interface Estimate {
  readonly model: LinkageModel;
  readonly em: { readonly iterations: number; readonly converged: boolean };
}

export function estimateModel(
  front: Front,
  vectors: Uint8Array,
  settings: LinkSettings,
  clock: Stopwatch,
): Estimate {
  const { left, right, dedupe, u, candidates } = front;
  const patterns = patternCountsOfColumn(settings.comparisons, vectors);
  // Where the NHS number identifies enough pairs, the other fields' m are measured on those pairs rather than left to
  // EM, which on data with many households can take "lives together" for "is the same person" (identified-m.ts).
  const identified = mFromIdentifiedPairs(settings.comparisons, patterns);
  const em = expectationMaximisation(settings.comparisons, u, patterns, { fixedM: identified?.m });
  clock.lap('EM');
  // EM's λ is the share of matches among the blocked pairs; the weights use the random-pair u, i.e. they are Bayes
  // factors against all pairs, so the prior must be the chance that two records taken at random match.
  const allPairs = dedupe ? (left.length * (left.length - 1)) / 2 : left.length * right.length;
  const expectedMatches = em.lambda * candidates.count;
  const model: LinkageModel = {
    comparisons: settings.comparisons,
    m: em.m,
    u,
    lambda: allPairs === 0 ? 0 : Math.min(1 - 1e-12, Math.max(1e-12, expectedMatches / allPairs)),
    termFrequencies: termFrequencies(dedupe ? left : [...left, ...right]),
  };
  return { model, em };
}

/** The run, once every pair is scored (the caller laps the clock for 'decisions'). */
export function finishRun(
  front: Front,
  vectors: Uint8Array,
  estimate: Estimate,
  scores: Scores,
  settings: LinkSettings,
  clock: Stopwatch,
): LinkRun {
  return new Run(estimate.model, front, vectors, scores, settings.thresholds, clock.stages, estimate.em);
}

function backStages(front: Front, vectors: Uint8Array, settings: LinkSettings, clock: Stopwatch): LinkRun {
  const estimate = estimateModel(front, vectors, settings, clock);
  const scores = scorePairs(estimate.model, front.left, front.candidates.left, vectors, settings.thresholds);
  clock.lap('decisions');
  return finishRun(front, vectors, estimate, scores, settings, clock);
}

class Run implements LinkRun {
  readonly left: readonly PreparedRecord[];
  readonly right: readonly PreparedRecord[];
  readonly candidates: CandidatePairs;
  readonly skippedKeys: readonly SkippedKeys[];
  readonly emIterations: number;
  readonly emConverged: boolean;
  readonly weights: Float64Array;
  readonly outcomes: Uint8Array;
  private pairList: readonly CandidatePair[] | undefined;
  private decisionList: readonly Decision[] | undefined;

  constructor(
    readonly model: LinkageModel,
    front: Front,
    readonly vectors: Uint8Array,
    scores: Scores,
    private readonly thresholds: Thresholds,
    readonly stages: readonly Stage[],
    em: { readonly iterations: number; readonly converged: boolean },
  ) {
    this.left = front.left;
    this.right = front.right;
    this.candidates = front.candidates;
    this.skippedKeys = front.skippedKeys;
    this.emIterations = em.iterations;
    this.emConverged = em.converged;
    this.weights = scores.weights;
    this.outcomes = scores.outcomes;
  }

  decision(k: number): Decision {
    const a = this.left[this.candidates.left[k] ?? -1];
    const b = this.right[this.candidates.right[k] ?? -1];
    if (a === undefined || b === undefined) throw new Error(`no candidate pair ${k}`);
    return decide(this.model, a, b, this.thresholds);
  }

  get pairs(): readonly CandidatePair[] {
    this.pairList ??= Array.from({ length: this.candidates.count }, (_, k): CandidatePair => [
      this.candidates.left[k] ?? 0,
      this.candidates.right[k] ?? 0,
    ]);
    return this.pairList;
  }

  get decisions(): readonly Decision[] {
    this.decisionList ??= Array.from({ length: this.candidates.count }, (_, k) => this.decision(k));
    return this.decisionList;
  }
}

/** Links two lists of records, or deduplicates one when `right` is omitted, in the calling thread. */
export function linkRecords(
  leftRecords: readonly LinkRecord[],
  rightRecords?: readonly LinkRecord[],
  settings: LinkSettings = DEFAULT_SETTINGS,
): LinkRun {
  const clock = new Stopwatch();
  const front = frontStages(leftRecords, rightRecords, settings, clock);
  const { left, right } = front.candidates;
  const vectors = compareCandidates(settings.comparisons, front.table, left, right, front.rightBase, {
    records: front.rows,
  });
  clock.lap('comparing');
  return backStages(front, vectors, settings, clock);
}
