/**
 * @module synthetic/nhs-number-pool
 * NHS numbers for the synthetic people: distinct, valid, spread over their range in a seeded random order, and
 * assigned so that any chunk can be generated alone. Chunk c owns positions c·perChunk … (c+1)·perChunk − 1 of the
 * shuffled list: its residents take the first chunkSize, the people who died before or were born after the
 * reference date take the rest. The test range (999…) is used whenever it holds enough numbers; larger
 * generations use 990…999 (see identity/nhs-number.ts) and the manifest records which.
 */
import {
  checkDigitOfStem,
  nhsNumberOfStem,
  stemWeightedSum,
  SYNTHETIC_RANGE_CAPACITY,
  TEST_RANGE_CAPACITY,
} from '../identity/nhs-number.js';
import { createRandom, type Random } from './random.js';

export type NhsNumberRange = 'test' | 'synthetic';

/** Positions a chunk owns, for chunks of `chunkSize` residents: 30% spare for the people besides the residents. */
export const poolPerChunk = (chunkSize: number): number => Math.ceil(chunkSize * 1.3);

/** The range a generation of `chunks` chunks needs, or undefined when even the wider range is too small. */
export function rangeFor(chunks: number, chunkSize: number): NhsNumberRange | undefined {
  const needed = chunks * poolPerChunk(chunkSize);
  if (needed <= TEST_RANGE_CAPACITY) return 'test';
  if (needed <= SYNTHETIC_RANGE_CAPACITY) return 'synthetic';
  return undefined;
}

export class NhsNumberPool {
  /** Every valid number's stem; positions below `#shuffled` hold their final place in the seeded order. */
  readonly #stems: Uint32Array;
  readonly #random: Random;
  #shuffled = 0;

  constructor(seed: number, range: NhsNumberRange) {
    const first = range === 'test' ? 999_000_000 : 990_000_000;
    const stems = new Uint32Array(range === 'test' ? TEST_RANGE_CAPACITY : SYNTHETIC_RANGE_CAPACITY);
    // Every stem of the range with a check digit, in order. A stem has none when its digits' weighted sum leaves 1
    // on division by 11 (see identity/nhs-number.ts); the sum is split into that of the last three digits, from a
    // table, and that of the six before them, worked out once per thousand stems — ten million stems per thread
    // cost seconds one at a time.
    const lastThree = Int32Array.from(
      { length: 1000 },
      (_, l) => (l % 10) * 2 + (Math.floor(l / 10) % 10) * 3 + Math.floor(l / 100) * 4,
    );
    let n = 0;
    for (let high = first / 1000; high <= 999_999; high++) {
      // The weighted sum of the first six digits is that of the whole stem high·1000, less the last three (zeros).
      const sum = stemWeightedSum(high * 1000);
      for (let low = 0; low < 1000; low++) {
        if ((sum + (lastThree[low] ?? 0)) % 11 !== 1) stems[n++] = high * 1000 + low;
      }
    }
    if (n !== stems.length) throw new Error(`the range holds ${n} valid NHS numbers, not ${stems.length}`);
    this.#stems = stems;
    this.#random = createRandom(seed, 'nhs-numbers');
  }

  /**
   * Shuffles as far as `position` and no further: Fisher–Yates from the front fixes position i at step i, always with
   * the stream's next number, so the order is the same however far and in whatever order positions are asked for —
   * and a generation that needs a third of the range (a worker's chunks reach only so far) shuffles only that much.
   */
  #shuffleTo(position: number): void {
    const stems = this.#stems;
    for (let i = this.#shuffled; i <= position && i < stems.length - 1; i++) {
      const j = i + this.#random.int(stems.length - i);
      const swap = stems[i] ?? 0;
      stems[i] = stems[j] ?? 0;
      stems[j] = swap;
    }
    this.#shuffled = Math.max(this.#shuffled, Math.min(position + 1, stems.length));
  }

  /** The number at a position of the shuffled list. */
  at(position: number): string {
    return nhsNumberOfStem(this.#stem(position)) ?? '';
  }

  /** The same number as a number (its ten digits; the ground truth's writer formats it, without a string a row). */
  valueAt(position: number): number {
    const stem = this.#stem(position);
    return stem * 10 + (checkDigitOfStem(stem) ?? 0);
  }

  #stem(position: number): number {
    if (position >= this.#shuffled) this.#shuffleTo(position);
    const stem = this.#stems[position];
    if (stem === undefined) throw new Error(`NHS number position ${position} is beyond the range`);
    return stem;
  }
}
