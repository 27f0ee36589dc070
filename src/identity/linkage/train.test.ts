import { describe, expect, it } from 'vitest';
import { syntheticPairs } from './testing.js';
import { linkRecords } from './train.js';

describe('a whole linkage run on synthetic pairs', () => {
  it('estimates its own parameters and links with high precision and recall', () => {
    const { left, right } = syntheticPairs(1_500, 5);
    const run = linkRecords(left, right);
    expect(run.emConverged).toBe(true);
    let truePositives = 0;
    let linked = 0;
    run.pairs.forEach(([i, j], k) => {
      if (run.decisions[k]?.outcome !== 'auto-link') return;
      linked++;
      if (i === j) truePositives++;
    });
    const precision = truePositives / linked;
    const recall = truePositives / left.length;
    expect(precision).toBeGreaterThanOrEqual(0.99);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  it('is deterministic for a given seed', () => {
    const { left, right } = syntheticPairs(300, 9);
    const first = linkRecords(left, right);
    const second = linkRecords(left, right);
    expect(second.model.m).toEqual(first.model.m);
    expect(second.decisions.map((d) => d.outcome)).toEqual(first.decisions.map((d) => d.outcome));
  });
});
