import { describe, expect, it } from 'vitest';
import type { CandidatePair } from './blocking.js';
import { clusterAutoLinks, clusterPairs, connectedComponents } from './cluster.js';
import type { Decision, Outcome } from './decide.js';
import { syntheticPairs } from './testing.js';
import { linkRecords } from './train.js';

const decision = (outcome: Outcome): Decision => ({
  outcome,
  reason: 'probability',
  probability: outcome === 'auto-link' ? 0.999 : outcome === 'review' ? 0.5 : 0.01,
  weight: 0,
  evidence: [],
});

/** Members of each cluster, as sorted lists of node numbers, sorted by first member. */
function groups(component: Int32Array): number[][] {
  const byCluster = new Map<number, number[]>();
  component.forEach((c, node) => {
    byCluster.set(c, [...(byCluster.get(c) ?? []), node]);
  });
  return [...byCluster.values()].sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
}

describe('connected components', () => {
  it('joins records linked through others (A–B, B–C makes A, B, C one cluster)', () => {
    const { component, components } = connectedComponents(5, [
      [0, 3],
      [3, 4],
    ]);
    expect(groups(component)).toEqual([[0, 3, 4], [1], [2]]);
    expect(components).toBe(3);
  });

  it('puts every node in exactly one cluster, a node without links on its own', () => {
    const { component, components } = connectedComponents(4, []);
    expect([...component]).toEqual([0, 1, 2, 3]);
    expect(components).toBe(4);
  });

  it('numbers clusters by their first node, whatever order the links come in', () => {
    const edges: [number, number][] = [
      [5, 4],
      [2, 0],
      [3, 1],
      [1, 5],
    ];
    const forwards = connectedComponents(6, edges).component;
    const backwards = connectedComponents(
      6,
      [...edges].reverse().map(([a, b]) => [b, a] as const),
    ).component;
    expect([...forwards]).toEqual([0, 1, 0, 1, 1, 1]);
    expect([...backwards]).toEqual([...forwards]);
  });

  it('merges long chains into one cluster', () => {
    const n = 10_000;
    const chain = Array.from({ length: n - 1 }, (_, i) => [i + 1, i] as const);
    const { component, components } = connectedComponents(n, chain);
    expect(components).toBe(1);
    expect(component.every((c) => c === 0)).toBe(true);
  });

  it('refuses an edge to a node that does not exist', () => {
    expect(() => connectedComponents(2, [[0, 2]])).toThrow(/outside/);
  });
});

describe('clusters of a linkage run', () => {
  it('deduplicating: only auto-links join records by default; reviews and no-links do not', () => {
    const pairs: CandidatePair[] = [
      [0, 1],
      [1, 2],
      [3, 4],
      [2, 5],
    ];
    const decisions = [decision('auto-link'), decision('auto-link'), decision('review'), decision('no-link')];
    const clusters = clusterPairs(6, undefined, pairs, decisions);
    expect([...clusters.left]).toEqual([0, 0, 0, 1, 2, 3]);
    expect(clusters.right).toHaveLength(0);
    expect(clusters).toMatchObject({ count: 4, linked: 1 });
  });

  it('accepts reviews too when asked, joining the reviewed pair', () => {
    const clusters = clusterPairs(
      3,
      undefined,
      [[1, 2]],
      [decision('review')],
      (d) => d.outcome !== 'no-link',
    );
    expect([...clusters.left]).toEqual([0, 1, 1]);
    expect(clusters).toMatchObject({ count: 2, linked: 1 });
  });

  it('linking two lists: left and right records with the same index are different records', () => {
    // left 0 ↔ right 1, left 1 ↔ right 1: both left records are one person through right 1.
    const clusters = clusterPairs(
      2,
      3,
      [
        [0, 1],
        [1, 1],
      ],
      [decision('auto-link'), decision('auto-link')],
    );
    expect([...clusters.left]).toEqual([0, 0]);
    expect([...clusters.right]).toEqual([1, 0, 2]);
    expect(clusters).toMatchObject({ count: 3, linked: 1 });
  });

  it('needs one decision per pair', () => {
    expect(() => clusterPairs(2, undefined, [[0, 1]], [])).toThrow(/one decision per pair/);
  });
});

describe('clusterAutoLinks', () => {
  it('gives the same clusters from a run’s columns as clusterPairs from its decisions', () => {
    const { left, right } = syntheticPairs(300, 9);
    const run = linkRecords(left, right);
    const fromDecisions = clusterPairs(left.length, right.length, run.pairs, run.decisions);
    const fromColumns = clusterAutoLinks(left.length, right.length, run.candidates, run.outcomes);
    expect(fromColumns).toEqual(fromDecisions);
    expect(fromColumns.linked).toBeGreaterThan(250);
  });
});
