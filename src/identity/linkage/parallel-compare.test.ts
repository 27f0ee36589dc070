import { describe, expect, it } from 'vitest';
import { surnameComparison } from './comparisons.js';
import { linkRecordsInParallel } from './parallel-compare.js';
import { syntheticPairs } from './testing.js';
import { DEFAULT_SETTINGS, linkRecords } from './train.js';

describe('a linkage run on several threads', () => {
  const { left, right } = syntheticPairs(1_500, 21);

  it('gives the same pairs, vectors, model and outcomes as the run in one thread', async () => {
    const single = linkRecords(left, right);
    // Chunks of 16 pairs, so that every thread takes some of this small run's pairs.
    const parallel = await linkRecordsInParallel(left, right, DEFAULT_SETTINGS, {
      threads: 3,
      chunkPairs: 16,
    });
    expect(parallel.candidates.count).toBeGreaterThan(1_500);
    expect(parallel.candidates.left).toEqual(single.candidates.left);
    expect(parallel.candidates.right).toEqual(single.candidates.right);
    expect(parallel.vectors).toEqual(single.vectors);
    expect(parallel.model.m).toEqual(single.model.m);
    expect(parallel.weights).toEqual(single.weights);
    expect(parallel.outcomes).toEqual(single.outcomes);
    // The stages show the comparison was timed as one stage, as in one thread.
    expect(parallel.stages.map((stage) => stage.name)).toEqual(single.stages.map((stage) => stage.name));
  });

  it('deduplicates one list the same way too', async () => {
    const records = [...left.slice(0, 600), ...right.slice(0, 600)];
    const single = linkRecords(records);
    const parallel = await linkRecordsInParallel(records, undefined, DEFAULT_SETTINGS, {
      threads: 2,
      chunkPairs: 16,
    });
    expect(parallel.vectors).toEqual(single.vectors);
    expect(parallel.outcomes).toEqual(single.outcomes);
  });

  it('runs in the calling thread when a comparison has no kernel to rebuild in a worker', async () => {
    const own = { ...surnameComparison, kernel: undefined };
    const settings = { ...DEFAULT_SETTINGS, comparisons: [own] };
    const run = await linkRecordsInParallel(left.slice(0, 200), right.slice(0, 200), settings, {
      threads: 2,
    });
    expect(run.vectors).toEqual(linkRecords(left.slice(0, 200), right.slice(0, 200), settings).vectors);
  });
});
