/**
 * @module synthetic/nhs-number-pool
 * NHS numbers for the synthetic people: distinct, valid, spread over their range in a seeded random order, and
 * assigned so that any chunk can be generated alone. Chunk c owns positions c·perChunk … (c+1)·perChunk − 1 of the
 * shuffled list: its residents take the first chunkSize, the people who died before or were born after the
 * reference date take the rest. The test range (999…) is used whenever it holds enough numbers; larger
 * generations use 990…999 (see identity/nhs-number.ts) and the manifest records which.
 */
import { nhsNumberOfStem, SYNTHETIC_RANGE_CAPACITY, TEST_RANGE_CAPACITY } from '../identity/nhs-number.js';
import { createRandom } from './random.js';

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
  readonly #stems: Uint32Array;

  constructor(seed: number, range: NhsNumberRange) {
    const first = range === 'test' ? 999_000_000 : 990_000_000;
    const stems = new Uint32Array(range === 'test' ? TEST_RANGE_CAPACITY : SYNTHETIC_RANGE_CAPACITY);
    let n = 0;
    for (let stem = first; stem <= 999_999_999; stem++)
      if (nhsNumberOfStem(stem) !== undefined) stems[n++] = stem;
    // Fisher–Yates with the generation's seed: the same numbers in the same order for the same seed.
    const random = createRandom(seed, 'nhs-numbers');
    for (let i = stems.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      const swap = stems[i] ?? 0;
      stems[i] = stems[j] ?? 0;
      stems[j] = swap;
    }
    this.#stems = stems;
  }

  /** The number at a position of the shuffled list. */
  at(position: number): string {
    const stem = this.#stems[position];
    if (stem === undefined) throw new Error(`NHS number position ${position} is beyond the range`);
    return nhsNumberOfStem(stem) ?? '';
  }
}
