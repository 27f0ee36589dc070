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

  it('records for every pair the outcome and weight that decide gives it', () => {
    const { left, right } = syntheticPairs(800, 13);
    const run = linkRecords(left, right);
    const outcomes = ['auto-link', 'review', 'no-link'];
    let mismatched = 0;
    for (let k = 0; k < run.candidates.count; k++) {
      const decision = run.decision(k);
      if (decision.outcome !== outcomes[run.outcomes[k] ?? -1] || decision.weight !== run.weights[k])
        mismatched++;
    }
    expect(run.candidates.count).toBeGreaterThan(800);
    expect(mismatched).toBe(0);
    // Every outcome occurs, so the comparison above covered each branch.
    expect(new Set(run.outcomes).size).toBe(3);
    // The tuple and decision lists older callers read are the same pairs.
    expect(run.pairs.length).toBe(run.candidates.count);
    expect(run.pairs[5]).toEqual([run.candidates.left[5], run.candidates.right[5]]);
    expect(run.decisions[5]).toEqual(run.decision(5));
  });

  it('reports the time of each stage', () => {
    const { left, right } = syntheticPairs(100, 3);
    const run = linkRecords(left, right);
    expect(run.stages.map((stage) => stage.name)).toEqual([
      'prepare',
      'u from random pairs',
      'blocking',
      'comparing',
      'EM',
      'decisions',
    ]);
    expect(run.stages.every((stage) => stage.seconds >= 0)).toBe(true);
  });
});
