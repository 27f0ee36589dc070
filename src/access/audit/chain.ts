/**
 * @module access/audit/chain
 * Links new entries onto the chain, pure: given the head (the last entry's seq and hash, read under the chain's lock)
 * each entry gets the next seq and its hash, in order. The writer and `recordIn` both link through here.
 */
import { entryHash, GENESIS_HASH } from './canonical.js';
import type { AuditEntry, AuditEntryContent } from './entry.js';

/** The last entry of the chain, or seq 0 with the genesis hash when it is empty. */
export interface ChainHead {
  readonly seq: number;
  readonly hash: Buffer;
}

export const EMPTY_CHAIN: ChainHead = { seq: 0, hash: GENESIS_HASH };

export function linkEntries(head: ChainHead, contents: readonly AuditEntryContent[]): AuditEntry[] {
  const linked: AuditEntry[] = [];
  let previous = head;
  for (const content of contents) {
    const seq = previous.seq + 1;
    const entry = { ...content, seq, prevHash: previous.hash, hash: entryHash(previous.hash, seq, content) };
    linked.push(entry);
    previous = entry;
  }
  return linked;
}
