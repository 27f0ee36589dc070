/**
 * @module identity/linkage/work-share
 * Sharing a run's pairs among threads: each thread takes the next chunk from a counter in shared memory until none is
 * left. Fixed equal shares finish only when the slowest does — a thread whose pairs hold longer names, or that the
 * machine gives less time, keeps the others waiting — whereas taking chunks keeps every thread busy to the end.
 */

/** Pairs per chunk: large enough that taking one costs nothing, small enough that the last ones even out. */
export const CHUNK_PAIRS = 1 << 16;

/** A counter of the pairs handed out so far, in shared memory for every thread to take from. */
export function sharedCounter(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
}

/** Runs `work` on chunks of 0 … count − 1 taken from `counter` until all are taken (by this thread or others). */
export function forEachChunk(
  counter: Int32Array,
  count: number,
  work: (range: { readonly from: number; readonly to: number }) => void,
  chunk: number = CHUNK_PAIRS,
): void {
  for (;;) {
    const from = Atomics.add(counter, 0, chunk);
    if (from >= count) return;
    work({ from, to: Math.min(count, from + chunk) });
  }
}
