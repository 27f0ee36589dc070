/**
 * @module access/audit/verify
 * `verifyAuditChain`: reads the whole audit log in seq order, a page at a time (keyset pagination, so millions of
 * entries never sit in memory and each page costs the same), and checks every entry with the pure ChainChecker.
 * Entries appended while it reads are checked too if they are reached: the chain only grows, and batches commit in
 * seq order under the chain's lock, so no reader ever sees a later seq before an earlier one.
 */
import type { Queryable } from '../../store/database.js';
import { readEntriesAfter } from './repository.js';
import { ChainChecker, type ChainCheckOptions, type ChainReport } from './verify-chain.js';

export interface VerifyOptions extends ChainCheckOptions {
  /** Entries per page. Default 10,000. */
  readonly pageSize?: number;
  /** Called after each page with the number of entries checked so far. */
  readonly onProgress?: (checked: number) => void;
}

export async function verifyAuditChain(db: Queryable, options: VerifyOptions = {}): Promise<ChainReport> {
  const pageSize = options.pageSize ?? 10_000;
  if (!(Number.isInteger(pageSize) && pageSize >= 1))
    throw new Error('pageSize must be a whole number, 1 or more');
  const checker = new ChainChecker(options);
  let checked = 0;
  for (;;) {
    const page = await readEntriesAfter(db, checker.lastSeq, pageSize);
    for (const entry of page) checker.add(entry);
    checked += page.length;
    options.onProgress?.(checked);
    if (page.length < pageSize) return checker.finish();
  }
}
