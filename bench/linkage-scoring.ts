/**
 * What the deduplication benchmarks share: reading a benchmark file the way `accord link` reads one (the same column
 * mapping and row checks, a bad value counted as missing as `--on-error missing` does), and pairwise precision,
 * recall and F1 against the true pairs, of the decisions and of the clusters they imply.
 */
import { readFileSync } from 'node:fs';
import { clusterPairs } from '../src/identity/linkage/cluster.js';
import { parseColumnMapping, readLinkCsv } from '../src/identity/linkage/csv-input.js';
import type { Decision } from '../src/identity/linkage/decide.js';
import type { LinkRecord } from '../src/identity/linkage/record.js';
import type { LinkRun } from '../src/identity/linkage/train.js';

export interface BenchmarkRecords {
  readonly records: readonly LinkRecord[];
  /** Rows with a problem `accord link` would report (their bad values are counted as missing here). */
  readonly problems: number;
}

export function readBenchmark(file: string, map: string): BenchmarkRecords {
  const mapping = parseColumnMapping(map);
  if (!mapping.ok) throw new Error(`bad mapping: ${mapping.error.join('; ')}`);
  const csv = readLinkCsv(readFileSync(file, 'utf8'), file, mapping.value, { badValues: 'treat-as-missing' });
  if (!csv.ok) throw new Error(csv.error.map((issue) => issue.message).join('; '));
  if (csv.value.rejected > 0) throw new Error(`${csv.value.rejected} rows of ${file} cannot be read`);
  return { records: csv.value.records, problems: csv.value.issues.length };
}

/** An unordered pair of ids, as a key. */
export const pairKey = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`);

/** Every pair within each group: the true pairs of a deduplication whose truth is a group label per record. */
export function pairsWithinGroups(groups: ReadonlyMap<string, readonly string[]>): Set<string> {
  const pairs = new Set<string>();
  for (const ids of groups.values()) {
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) pairs.add(pairKey(ids[i] ?? '', ids[j] ?? ''));
    }
  }
  return pairs;
}

export interface Score {
  readonly predicted: number;
  readonly correct: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export function score(predicted: Iterable<string>, truth: ReadonlySet<string>): Score {
  let count = 0;
  let correct = 0;
  for (const key of predicted) {
    count++;
    if (truth.has(key)) correct++;
  }
  const precision = count === 0 ? 0 : correct / count;
  const recall = truth.size === 0 ? 0 : correct / truth.size;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { predicted: count, correct, precision, recall, f1 };
}

/** The candidate pairs of a deduplication run whose decision `accept`s, as keys. */
export function* decidedPairs(run: LinkRun, accept: (decision: Decision) => boolean): Generator<string> {
  for (let k = 0; k < run.pairs.length; k++) {
    const pair = run.pairs[k];
    const decision = run.decisions[k];
    if (pair === undefined || decision === undefined || !accept(decision)) continue;
    yield pairKey(run.left[pair[0]]?.id ?? '', run.left[pair[1]]?.id ?? '');
  }
}

/** Every pair within the clusters the auto-links of a deduplication run make. */
export function clusterImpliedPairs(run: LinkRun): {
  readonly pairs: Set<string>;
  readonly clusters: number;
} {
  const clusters = clusterPairs(run.left.length, undefined, run.pairs, run.decisions);
  const groups = new Map<string, string[]>();
  clusters.left.forEach((cluster, i) => {
    const key = String(cluster);
    groups.set(key, [...(groups.get(key) ?? []), run.left[i]?.id ?? '']);
  });
  return { pairs: pairsWithinGroups(groups), clusters: clusters.count };
}

export function show(name: string, s: Score): void {
  console.log(
    `${name}: ${s.predicted} pairs, precision ${s.precision.toFixed(4)}, recall ${s.recall.toFixed(4)}, F1 ${s.f1.toFixed(4)}`,
  );
}

/** Prints blocking recall and the scores of auto-links, auto-links with reviews, probability ≥ 0.5 and clusters. */
export function report(run: LinkRun, truth: ReadonlySet<string>): void {
  const candidates = score(
    decidedPairs(run, () => true),
    truth,
  );
  const n = run.left.length;
  console.log(
    `blocking: ${run.pairs.length} candidate pairs (${((100 * run.pairs.length) / ((n * (n - 1)) / 2)).toFixed(3)}% of all pairs), recall ${candidates.recall.toFixed(4)}`,
  );
  console.log(
    `EM: ${run.emIterations} iterations, converged ${run.emConverged}; λ (random pair) ${run.model.lambda.toExponential(3)}`,
  );
  show(
    'auto-link',
    score(
      decidedPairs(run, (d) => d.outcome === 'auto-link'),
      truth,
    ),
  );
  show(
    'auto-link + review',
    score(
      decidedPairs(run, (d) => d.outcome !== 'no-link'),
      truth,
    ),
  );
  show(
    'match probability ≥ 0.5',
    score(
      decidedPairs(run, (d) => d.probability >= 0.5),
      truth,
    ),
  );
  const implied = clusterImpliedPairs(run);
  show(`pairs within the ${implied.clusters} clusters of auto-links`, score(implied.pairs, truth));
}
