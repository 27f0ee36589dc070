/**
 * @module identity/linkage/cluster
 * From linked pairs to people: the records joined by accepted links, directly or through others, are one cluster
 * (connected components, by union–find). Linking is pairwise but identity is transitive: if A links to B and B to C,
 * A and C are one person even when their own pair was never compared or scored below the threshold. Every record is
 * in exactly one cluster; a record with no accepted link is a cluster of its own.
 *
 * Cluster numbers are stable for the same input: clusters are numbered 0, 1, 2, … in the order of their first record
 * (left records before right ones), never in the order links happened to be found.
 */
import type { CandidatePair, CandidatePairs } from './blocking.js';
import type { Decision } from './decide.js';
import { AUTO_LINK } from './pair-scoring.js';

/** Union–find with path halving and union by size: near-constant time per operation. */
class DisjointSets {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;

  constructor(count: number) {
    this.parent = new Int32Array(count);
    this.size = new Int32Array(count).fill(1);
    for (let i = 0; i < count; i++) this.parent[i] = i;
  }

  find(node: number): number {
    let x = node;
    for (;;) {
      const up = this.parent[x] ?? x;
      if (up === x) return x;
      const grand = this.parent[up] ?? up;
      this.parent[x] = grand;
      x = grand;
    }
  }

  union(a: number, b: number): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    if ((this.size[ra] ?? 0) < (this.size[rb] ?? 0)) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra] = (this.size[ra] ?? 0) + (this.size[rb] ?? 0);
  }
}

/**
 * The connected components of `count` nodes joined by `edges`: the component number of each node, numbered from 0
 * in the order of each component's smallest node.
 */
export function connectedComponents(
  count: number,
  edges: Iterable<readonly [number, number]>,
): { readonly component: Int32Array; readonly components: number } {
  const sets = new DisjointSets(count);
  for (const [a, b] of edges) {
    if (!(a >= 0 && a < count && b >= 0 && b < count))
      throw new Error(`edge ${a}–${b} outside 0…${count - 1}`);
    sets.union(a, b);
  }
  const numberOfRoot = new Map<number, number>();
  const component = new Int32Array(count);
  for (let node = 0; node < count; node++) {
    const root = sets.find(node);
    let number = numberOfRoot.get(root);
    if (number === undefined) {
      number = numberOfRoot.size;
      numberOfRoot.set(root, number);
    }
    component[node] = number;
  }
  return { component, components: numberOfRoot.size };
}

export interface Clusters {
  /** The cluster of each left record, by index. */
  readonly left: Int32Array;
  /** The cluster of each right record, by index; empty when deduplicating (the pairs are all within left). */
  readonly right: Int32Array;
  /** How many clusters, singletons included. */
  readonly count: number;
  /** How many of them hold more than one record. */
  readonly linked: number;
}

export const autoLinked = (decision: Decision): boolean => decision.outcome === 'auto-link';

/**
 * The clusters implied by a linkage run's accepted pairs (`accept`, by default the auto-links). `rightCount` is
 * undefined when deduplicating one list, whose pairs index `left` on both sides.
 */
export function clusterPairs(
  leftCount: number,
  rightCount: number | undefined,
  pairs: readonly CandidatePair[],
  decisions: readonly Decision[],
  accept: (decision: Decision) => boolean = autoLinked,
): Clusters {
  if (pairs.length !== decisions.length) throw new Error('one decision per pair is needed');
  const offset = rightCount === undefined ? 0 : leftCount;
  const edges = function* (): Generator<readonly [number, number]> {
    for (let k = 0; k < pairs.length; k++) {
      const pair = pairs[k];
      const decision = decisions[k];
      if (pair !== undefined && decision !== undefined && accept(decision)) yield [pair[0], offset + pair[1]];
    }
  };
  return splitClusters(connectedComponents(leftCount + (rightCount ?? 0), edges()), leftCount, rightCount);
}

/**
 * The clusters of a large run's auto-links, from its columns (`candidates`, `outcomes`) rather than from a Decision
 * per pair, which would not fit in memory at a million records.
 */
export function clusterAutoLinks(
  leftCount: number,
  rightCount: number | undefined,
  candidates: CandidatePairs,
  outcomes: Uint8Array,
): Clusters {
  const offset = rightCount === undefined ? 0 : leftCount;
  const { left, right, count } = candidates;
  const edges = function* (): Generator<readonly [number, number]> {
    for (let k = 0; k < count; k++) {
      if (outcomes[k] === AUTO_LINK) yield [left[k] ?? 0, offset + (right[k] ?? 0)];
    }
  };
  return splitClusters(connectedComponents(leftCount + (rightCount ?? 0), edges()), leftCount, rightCount);
}

function splitClusters(
  { component, components }: { readonly component: Int32Array; readonly components: number },
  leftCount: number,
  rightCount: number | undefined,
): Clusters {
  const sizes = new Int32Array(components);
  for (const c of component) sizes[c] = (sizes[c] ?? 0) + 1;
  return {
    left: component.slice(0, leftCount),
    right: rightCount === undefined ? new Int32Array(0) : component.slice(leftCount),
    count: components,
    linked: sizes.filter((size) => size > 1).length,
  };
}
