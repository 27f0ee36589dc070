import { describe, expect, it } from 'vitest';
import { forEachChunk, sharedCounter } from './work-share.js';

describe('sharing pairs among threads by chunks', () => {
  it('hands out every pair exactly once, the last chunk cut at the end', () => {
    const counter = sharedCounter();
    const seen = new Uint8Array(1_000);
    const ranges: [number, number][] = [];
    forEachChunk(
      counter,
      1_000,
      ({ from, to }) => {
        ranges.push([from, to]);
        for (let k = from; k < to; k++) seen[k] = (seen[k] ?? 0) + 1;
      },
      64,
    );
    expect(seen.every((times) => times === 1)).toBe(true);
    expect(ranges.at(-1)).toEqual([960, 1_000]);
  });

  it('leaves a thread nothing once the others have taken every chunk', () => {
    const counter = sharedCounter();
    // Another thread took the chunks first: the counter is past the end.
    forEachChunk(counter, 100, () => undefined, 64);
    forEachChunk(counter, 100, () => undefined, 64);
    let called = false;
    forEachChunk(
      counter,
      100,
      () => {
        called = true;
      },
      64,
    );
    expect(called).toBe(false);
  });

  it('shares the pairs between two takers that interleave', () => {
    const counter = sharedCounter();
    const owner = new Int8Array(300).fill(-1);
    // Taking a chunk in turn, as two threads would: each claims what it took.
    const take = (thread: number) => {
      const from = Atomics.add(counter, 0, 50);
      if (from >= 300) return false;
      for (let k = from; k < Math.min(300, from + 50); k++) {
        expect(owner[k]).toBe(-1);
        owner[k] = thread;
      }
      return true;
    };
    while (take(0) && take(1));
    expect(owner.every((thread) => thread === 0 || thread === 1)).toBe(true);
    expect(new Set(owner).size).toBe(2);
  });
});
