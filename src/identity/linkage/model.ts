/**
 * @module identity/linkage/model
 * The Fellegi–Sunter model (Fellegi and Sunter 1969, "A theory for record linkage"). For each comparison level, m is
 * the probability of that level among pairs that are the same person and u among pairs that are not; the level's
 * match weight is log2(m/u). Fields are taken as independent given match status, so a pair's total weight is the sum
 * of its fields' weights (its log2 Bayes factor), and with λ, the prior probability that a candidate pair matches,
 * the match probability is 1 / (1 + (1 − λ)/λ · 2^−W).
 *
 * Term frequencies: for a level marked with a term-frequency field, u is replaced by how common the shared value is
 * (the chance that two different people share it is about its frequency), so an exact match on a rare surname weighs
 * more than one on a common surname. This is the adjustment Splink and Winkler (1989) describe.
 */
import type { Comparison } from './comparisons.js';
import { compareRecords } from './comparisons.js';
import type { PreparedRecord } from './record.js';

export interface TermFrequencies {
  readonly forename: ReadonlyMap<string, number>;
  readonly surname: ReadonlyMap<string, number>;
}

export interface LinkageModel {
  readonly comparisons: readonly Comparison[];
  /** m[c][l]: probability of level l of comparison c among matches. Neutral levels are ignored. */
  readonly m: readonly (readonly number[])[];
  /** u[c][l]: the same among non-matches. */
  readonly u: readonly (readonly number[])[];
  /** Prior probability that a candidate (blocked) pair is a match. */
  readonly lambda: number;
  readonly termFrequencies?: TermFrequencies | undefined;
}

/** One field's part in a pair's score, as a reviewer sees it. */
export interface FieldEvidence {
  readonly field: string;
  readonly level: string;
  readonly weight: number;
  /** True when the weight used the shared value's frequency instead of the level's u. */
  readonly termFrequencyAdjusted: boolean;
}

export interface PairScore {
  readonly vector: Uint8Array;
  readonly evidence: readonly FieldEvidence[];
  /** Sum of the fields' weights (log2 Bayes factor). */
  readonly weight: number;
  readonly probability: number;
}

/** Frequencies of each normalised forename and surname among the records: count / records with a value. */
export function termFrequencies(records: readonly PreparedRecord[]): TermFrequencies {
  const tally = (pick: (r: PreparedRecord) => string | undefined) => {
    const counts = new Map<string, number>();
    let total = 0;
    for (const record of records) {
      const value = pick(record);
      if (value === undefined) continue;
      counts.set(value, (counts.get(value) ?? 0) + 1);
      total++;
    }
    const frequencies = new Map<string, number>();
    for (const [value, count] of counts) frequencies.set(value, count / total);
    return frequencies;
  };
  return { forename: tally((r) => r.forename), surname: tally((r) => r.surname) };
}

export function levelWeight(model: LinkageModel, comparison: number, level: number): number {
  const definition = model.comparisons[comparison]?.levels[level];
  if (definition === undefined) throw new Error(`no level ${level} of comparison ${comparison}`);
  if (definition.neutral === true) return 0;
  const m = model.m[comparison]?.[level] ?? 0;
  const u = model.u[comparison]?.[level] ?? 0;
  return Math.log2(m / u);
}

export function probabilityOfWeight(weight: number, lambda: number): number {
  return 1 / (1 + ((1 - lambda) / lambda) * 2 ** -weight);
}

export function scorePair(model: LinkageModel, a: PreparedRecord, b: PreparedRecord): PairScore {
  const vector = compareRecords(model.comparisons, a, b);
  const evidence: FieldEvidence[] = [];
  let total = 0;
  model.comparisons.forEach((comparison, c) => {
    const l = vector[c] ?? 0;
    const level = comparison.levels[l];
    if (level === undefined) throw new Error('level out of range');
    let weight = levelWeight(model, c, l);
    let adjusted = false;
    const tfField = level.termFrequency;
    if (tfField !== undefined && model.termFrequencies !== undefined) {
      const value = a[tfField];
      const frequency = value === undefined ? undefined : model.termFrequencies[tfField].get(value);
      if (frequency !== undefined) {
        weight = Math.log2((model.m[c]?.[l] ?? 0) / frequency);
        adjusted = true;
      }
    }
    total += weight;
    evidence.push({ field: comparison.field, level: level.label, weight, termFrequencyAdjusted: adjusted });
  });
  return { vector, evidence, weight: total, probability: probabilityOfWeight(total, model.lambda) };
}
