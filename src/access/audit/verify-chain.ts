/**
 * @module access/audit/verify-chain
 * Checks entries of the chain, pure, one at a time in seq order, so the verifier can stream millions of them in pages
 * and keep only the previous entry. Problems are values, each naming the seq where the chain stops being
 * trustworthy:
 *   * `altered`: an entry's stored hash is not the hash of its content (a changed field, or a forged hash);
 *   * `broken-link`: an entry's prev_hash is not its predecessor's hash (an entry inserted, reordered, or changed
 *     together with its own hash);
 *   * `missing`: seq numbers absent (entries deleted). The link across a gap is necessarily broken, so it is not
 *     reported again;
 *   * `anchor-missing` / `anchor-mismatch`: a head printed by an earlier verify is gone or differs — the one way to
 *     notice entries removed from the end, which leave no gap and no broken link behind.
 */
import { entryHash, GENESIS_HASH } from './canonical.js';
import { EMPTY_CHAIN, type ChainHead } from './chain.js';
import type { AuditEntry } from './entry.js';

export type ChainProblem =
  | { readonly kind: 'altered'; readonly seq: number }
  | { readonly kind: 'broken-link'; readonly seq: number }
  | { readonly kind: 'missing'; readonly fromSeq: number; readonly toSeq: number }
  | { readonly kind: 'anchor-missing'; readonly seq: number }
  | { readonly kind: 'anchor-mismatch'; readonly seq: number };

export interface ChainReport {
  /** Entries read and checked. */
  readonly checked: number;
  /** The last entry (seq 0 and the genesis hash when there are none): print it, compare it next time. */
  readonly head: ChainHead;
  /** The first `maxProblems` problems, in seq order. */
  readonly problems: readonly ChainProblem[];
  /** Problems found beyond those kept. */
  readonly moreProblems: number;
}

export interface ChainCheckOptions {
  /** A head printed by an earlier verify: that entry must still be there with that hash. */
  readonly anchor?: ChainHead;
  /** How many problems to keep (a renumbered chain could otherwise give one per entry). Default 1,000. */
  readonly maxProblems?: number;
}

export class ChainChecker {
  private checked = 0;
  private previous: ChainHead = EMPTY_CHAIN;
  private anchorSeen = false;
  private readonly problems: ChainProblem[] = [];
  private moreProblems = 0;
  private readonly maxProblems: number;

  constructor(private readonly options: ChainCheckOptions = {}) {
    this.maxProblems = options.maxProblems ?? 1000;
  }

  /** The last seq checked (0 before any): where the next page starts. */
  get lastSeq(): number {
    return this.previous.seq;
  }

  /** Checks the next entry; entries must come in ascending seq order. */
  add(entry: AuditEntry): void {
    if (entry.seq <= this.previous.seq) {
      throw new Error(`audit entries out of order: ${entry.seq} after ${this.previous.seq}`);
    }
    this.checked += 1;
    if (!entryHash(entry.prevHash, entry.seq, entry).equals(entry.hash)) {
      this.report({ kind: 'altered', seq: entry.seq });
    }
    if (entry.seq > this.previous.seq + 1) {
      this.report({ kind: 'missing', fromSeq: this.previous.seq + 1, toSeq: entry.seq - 1 });
    } else if (!entry.prevHash.equals(this.previous.seq === 0 ? GENESIS_HASH : this.previous.hash)) {
      this.report({ kind: 'broken-link', seq: entry.seq });
    }
    const anchor = this.options.anchor;
    if (anchor !== undefined && entry.seq === anchor.seq) {
      this.anchorSeen = true;
      if (!entry.hash.equals(anchor.hash)) this.report({ kind: 'anchor-mismatch', seq: anchor.seq });
    }
    this.previous = { seq: entry.seq, hash: entry.hash };
  }

  /** The report once every entry has been added. */
  finish(): ChainReport {
    const anchor = this.options.anchor;
    if (anchor !== undefined && anchor.seq > 0 && !this.anchorSeen) {
      this.report({ kind: 'anchor-missing', seq: anchor.seq });
    }
    return {
      checked: this.checked,
      head: this.previous,
      problems: [...this.problems],
      moreProblems: this.moreProblems,
    };
  }

  private report(problem: ChainProblem): void {
    if (this.problems.length < this.maxProblems) this.problems.push(problem);
    else this.moreProblems += 1;
  }
}

/** Checks a whole chain held in memory (tests, small exports). */
export function checkChain(entries: Iterable<AuditEntry>, options: ChainCheckOptions = {}): ChainReport {
  const checker = new ChainChecker(options);
  for (const entry of entries) checker.add(entry);
  return checker.finish();
}

/** One line for a problem, naming its seq. */
export function describeProblem(problem: ChainProblem): string {
  switch (problem.kind) {
    case 'altered':
      return `entry ${problem.seq}: altered — its hash does not match its content`;
    case 'broken-link':
      return `entry ${problem.seq}: broken link — its prev_hash is not the hash of entry ${problem.seq - 1} (an entry inserted, reordered or rewritten)`;
    case 'missing':
      return problem.fromSeq === problem.toSeq
        ? `entry ${problem.fromSeq}: missing — deleted`
        : `entries ${problem.fromSeq}–${problem.toSeq}: missing — deleted`;
    case 'anchor-missing':
      return `entry ${problem.seq}: missing — the anchored head is gone (entries removed from the end)`;
    case 'anchor-mismatch':
      return `entry ${problem.seq}: its hash differs from the anchored head (the chain was rewritten)`;
  }
}
