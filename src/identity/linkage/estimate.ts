/**
 * @module identity/linkage/estimate
 * Estimating the model's parameters without labelled pairs.
 *
 * u from random pairs: almost every random pair of records is two different people, so the share of random pairs at
 * each level estimates u directly (Splink's `estimate_u_using_random_sampling`). Counts get one pseudo-count per level
 * so no level's u is 0 (which would make its weight infinite).
 *
 * m and λ by expectation maximisation over the blocked pairs (Winkler 1988; Jaro 1989). EM re-estimates u as well by
 * default: the non-matches among blocked pairs are not random pairs (they all share a blocking key, e.g. the date of
 * birth), so with u held at its random-pair value EM cannot explain them as non-matches and drifts to λ → 1. The
 * caller keeps EM's m and uses the random-pair u for scoring (as Splink does). `fixU` holds u for a caller whose
 * pairs are random. Identical comparison vectors are counted once with a multiplicity, so each iteration costs the
 * number of distinct patterns, not of pairs.
 */
import { type Comparison, compareRecords } from './comparisons.js';
import type { PreparedRecord } from './record.js';
import { seededRng } from './random.js';

export interface UEstimateOptions {
  readonly samples?: number;
  readonly seed?: number;
  /**
   * Writes the comparison vector of left[i] and right[j] into `out`: a compiled comparer (`compiled-comparisons.ts`)
   * when the caller has one; by default the comparisons' data are run on the records.
   */
  readonly compare?: (i: number, j: number, out: Uint8Array) => void;
}

/**
 * u from random pairs: one record from `left`, one from `right` (pass the same array for deduplication; a record is
 * never paired with itself).
 */
export function estimateU(
  comparisons: readonly Comparison[],
  left: readonly PreparedRecord[],
  right: readonly PreparedRecord[],
  options: UEstimateOptions = {},
): number[][] {
  const samples = options.samples ?? 100_000;
  const rng = seededRng(options.seed ?? 1);
  const counts = comparisons.map((c) => new Array<number>(c.levels.length).fill(1));
  if (left.length === 0 || right.length === 0) return normaliseCounts(comparisons, counts);
  const same = left === right;
  const vector = new Uint8Array(comparisons.length);
  const compare =
    options.compare ??
    ((i: number, j: number, out: Uint8Array) => {
      out.set(compareRecords(comparisons, left[i] as PreparedRecord, right[j] as PreparedRecord));
    });
  for (let s = 0; s < samples; s++) {
    const i = rng.int(left.length);
    const j = rng.int(right.length);
    if (same && i === j) continue;
    compare(i, j, vector);
    vector.forEach((level, c) => {
      const row = counts[c];
      if (row !== undefined) row[level] = (row[level] ?? 0) + 1;
    });
  }
  return normaliseCounts(comparisons, counts);
}

/** Shares among the non-neutral levels; neutral levels get 1 (they are never used). */
function normaliseCounts(comparisons: readonly Comparison[], counts: number[][]): number[][] {
  return comparisons.map((comparison, c) => {
    const row = counts[c] ?? [];
    const total = comparison.levels.reduce(
      (sum, level, l) => (level.neutral === true ? sum : sum + (row[l] ?? 0)),
      0,
    );
    return comparison.levels.map((level, l) => (level.neutral === true ? 1 : (row[l] ?? 0) / total));
  });
}

export interface EmOptions {
  readonly maxIterations?: number;
  /** Stop when no m and not λ moves by more than this between iterations. */
  readonly tolerance?: number;
  readonly initialLambda?: number;
  readonly initialM?: readonly (readonly number[])[];
  /** Hold u at the given values instead of re-estimating it. */
  readonly fixU?: boolean;
  /** m rows measured elsewhere (`identified-m.ts`), held fixed; EM estimates the rows left undefined, and λ. */
  readonly fixedM?: readonly (readonly number[] | undefined)[];
}

export interface EmResult {
  readonly m: number[][];
  /** u among the pairs EM saw (the given u when `fixU`). */
  readonly u: number[][];
  readonly lambda: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/** A starting m: most matches agree on the best level; the rest spread evenly over the other non-neutral levels. */
export function initialM(comparisons: readonly Comparison[]): number[][] {
  return comparisons.map((comparison) => {
    const active = comparison.levels
      .map((level, l) => (level.neutral === true ? -1 : l))
      .filter((l) => l >= 0);
    const first = active[0];
    return comparison.levels.map((level, l) => {
      if (level.neutral === true) return 1;
      if (active.length === 1) return 1;
      return l === first ? 0.8 : 0.2 / (active.length - 1);
    });
  });
}

/** Counts identical comparison vectors once. */
export function patternCounts(vectors: Iterable<Uint8Array>): { vector: Uint8Array; count: number }[] {
  const byKey = new Map<string, { vector: Uint8Array; count: number }>();
  for (const vector of vectors) {
    const key = vector.join(',');
    const entry = byKey.get(key);
    if (entry === undefined) byKey.set(key, { vector, count: 1 });
    else entry.count++;
  }
  return [...byKey.values()];
}

/**
 * Counts identical comparison vectors once, for vectors stored one after another in one array (`width` levels each,
 * as a large run keeps them), each vector numbered by its levels in mixed radix (the comparisons' level counts).
 * There are few possible vectors (under a million for the default comparisons), so the counts are an array indexed
 * by that number rather than a map: tens of millions of pairs are counted in a fraction of a second. Patterns come
 * in the order of their numbers.
 */
export function patternCountsOfColumn(
  comparisons: readonly Comparison[],
  vectors: Uint8Array,
): { vector: Uint8Array; count: number }[] {
  const width = comparisons.length;
  const radix = comparisons.map((comparison) => comparison.levels.length);
  const possible = radix.reduce((product, levels) => product * levels, 1);
  if (possible > 1 << 24) {
    const each = function* () {
      for (let offset = 0; offset < vectors.length; offset += width)
        yield vectors.slice(offset, offset + width);
    };
    return patternCounts(each());
  }
  const counts = new Float64Array(possible);
  for (let offset = 0; offset < vectors.length; offset += width) {
    let code = 0;
    for (let c = 0; c < width; c++) code = code * (radix[c] ?? 1) + (vectors[offset + c] ?? 0);
    counts[code] = (counts[code] ?? 0) + 1;
  }
  const patterns: { vector: Uint8Array; count: number }[] = [];
  counts.forEach((count, code) => {
    if (count === 0) return;
    const vector = new Uint8Array(width);
    let rest = code;
    for (let c = width - 1; c >= 0; c--) {
      const levels = radix[c] ?? 1;
      vector[c] = rest % levels;
      rest = Math.floor(rest / levels);
    }
    patterns.push({ vector, count });
  });
  return patterns;
}

// A floor on m so a level never seen among likely matches keeps a finite weight.
const M_FLOOR = 1e-6;
/**
 * One pseudo-pair per level in the M step (a flat Dirichlet prior): a level the data never show among matches — no
 * nicknames in a foreign benchmark, say — would otherwise get m ≈ 0 and a weight so negative that the one pair that
 * does show it could never link. With thousands of pairs it moves m by well under 0.001.
 */
const PSEUDO_COUNT = 1;

export function expectationMaximisation(
  comparisons: readonly Comparison[],
  u: readonly (readonly number[])[],
  patterns: readonly { vector: Uint8Array; count: number }[],
  options: EmOptions = {},
): EmResult {
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-6;
  let lambda = options.initialLambda ?? 0.1;
  const fixed = options.fixedM ?? [];
  let m = (options.initialM ?? initialM(comparisons)).map((row, c) => [...(fixed[c] ?? row)]);
  let uNow = u.map((row) => [...row]);
  const neutral = comparisons.map((c) => c.levels.map((level) => level.neutral === true));
  const total = patterns.reduce((sum, p) => sum + p.count, 0);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const matchMass = comparisons.map((c) => new Array<number>(c.levels.length).fill(0));
    const nonMatchMass = comparisons.map((c) => new Array<number>(c.levels.length).fill(0));
    let lambdaMass = 0;
    for (const { vector, count } of patterns) {
      // E step: the posterior probability that this pattern is a match, in logs to avoid underflow.
      let logRatio = Math.log(lambda) - Math.log(1 - lambda);
      vector.forEach((l, c) => {
        if (neutral[c]?.[l] === true) return;
        logRatio += Math.log(m[c]?.[l] ?? M_FLOOR) - Math.log(uNow[c]?.[l] ?? 1);
      });
      const p = 1 / (1 + Math.exp(-logRatio));
      lambdaMass += p * count;
      vector.forEach((l, c) => {
        const row = matchMass[c];
        if (row !== undefined) row[l] = (row[l] ?? 0) + p * count;
        const other = nonMatchMass[c];
        if (other !== undefined) other[l] = (other[l] ?? 0) + (1 - p) * count;
      });
    }
    // M step: m (and u) from the match- (non-match-) weighted level shares, neutral levels excluded; λ from the
    // mean posterior.
    const shares = (mass: number[][]) =>
      comparisons.map((comparison, c) => {
        const row = mass[c] ?? [];
        const active = comparison.levels.reduce(
          (s, level, l) => (level.neutral === true ? s : s + (row[l] ?? 0) + PSEUDO_COUNT),
          0,
        );
        const raw = comparison.levels.map((level, l) =>
          level.neutral === true ? 1 : Math.max(M_FLOOR, ((row[l] ?? 0) + PSEUDO_COUNT) / active),
        );
        const sum = raw.reduce((s, value, l) => (comparison.levels[l]?.neutral === true ? s : s + value), 0);
        return raw.map((value, l) => (comparison.levels[l]?.neutral === true ? 1 : value / sum));
      });
    const nextM = shares(matchMass).map((row, c) => [...(fixed[c] ?? row)]);
    const nextU = options.fixU === true ? uNow : shares(nonMatchMass);
    const nextLambda = Math.min(1 - 1e-9, Math.max(1e-9, lambdaMass / total));
    let change = Math.abs(nextLambda - lambda);
    const moved = (next: number[][], previous: number[][]) => {
      next.forEach((row, c) => {
        row.forEach((value, l) => {
          change = Math.max(change, Math.abs(value - (previous[c]?.[l] ?? 0)));
        });
      });
    };
    moved(nextM, m);
    moved(nextU, uNow);
    m = nextM;
    uNow = nextU;
    lambda = nextLambda;
    if (change < tolerance) return { m, u: uNow, lambda, iterations: iteration, converged: true };
  }
  return { m, u: uNow, lambda, iterations: maxIterations, converged: false };
}
