/**
 * @module synthetic/alias
 * Drawing from a categorical distribution in constant time, whatever the number of categories: Walker's alias
 * method (Vose's stable construction). Built once from the calibration weights — 1,524 LSOAs, 91 ages — and then
 * sampled millions of times, which is where the generator's speed comes from ("compiled to fast samplers").
 */
import { err, ok, type Result } from '../core/result.js';
import type { Random } from './random.js';

export interface AliasTable {
  readonly size: number;
  /** Probability of keeping column i (scaled to [0, 1]); otherwise take alias[i]. */
  readonly keep: Float64Array;
  readonly alias: Uint32Array;
}

export function buildAlias(weights: readonly number[]): Result<AliasTable, string> {
  const n = weights.length;
  if (n === 0) return err('there are no categories to draw from');
  if (weights.some((w) => !Number.isFinite(w) || w < 0))
    return err('every weight must be a finite number, 0 or more');
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (total <= 0) return err('the weights add up to 0: nothing can be drawn');

  const scaled = weights.map((w) => (w * n) / total);
  const keep = new Float64Array(n);
  const alias = new Uint32Array(n);
  const small: number[] = [];
  const large: number[] = [];
  scaled.forEach((p, i) => (p < 1 ? small : large).push(i));
  while (small.length > 0 && large.length > 0) {
    const s = small.pop() as number;
    const l = large.pop() as number;
    keep[s] = scaled[s] ?? 0;
    alias[s] = l;
    scaled[l] = (scaled[l] ?? 0) + (scaled[s] ?? 0) - 1;
    (scaled[l] < 1 ? small : large).push(l);
  }
  // What is left is 1 up to rounding error: always keep.
  for (const i of [...small, ...large]) {
    keep[i] = 1;
    alias[i] = i;
  }
  return ok({ size: n, keep, alias });
}

export function drawAlias(table: AliasTable, random: Random): number {
  const column = random.int(table.size);
  return random.next() < (table.keep[column] ?? 1) ? column : (table.alias[column] ?? column);
}
