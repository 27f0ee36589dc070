/**
 * @module access/audit/audit-log
 * The writer of the audit chain, with group commit. One chain means one lock, and a transaction per access would
 * make every request queue for it; instead `record()` queues the entry and one writer loop flushes whatever has
 * queued as one batch, then settles every caller of that batch together. While one batch commits the next one
 * gathers, so under load batches grow and the commits per second stay few. A caller's promise resolves only once its
 * entry is durable, so a response that waits for it never goes out for an access that was not recorded; if a batch
 * fails, every caller in it is rejected and nothing of it was written (save one case: a connection lost just as its
 * commit went through, when the outcome is unknown — the entries may then be in the log though their callers were
 * told otherwise: the log can over-record, never under-record).
 *
 * A batch is written one of two ways. Locked: one transaction takes the chain's advisory lock, reads the head, links
 * the batch to it and inserts it. Fast, once the writer knows the head (it keeps the last one it wrote): the batch is
 * linked before touching the database and inserted by one statement that takes the same lock and commits on its own
 * — one round trip instead of five, which is what lets a batch of 64 go in a few milliseconds. If another writer
 * (another Accord process, or `recordIn`) appended meanwhile, the batch's first seq is already taken, the statement
 * fails whole on the primary key, and the batch is written the locked way instead. The chain cannot fork either way:
 * seq is gapless, so a stale head's next seq is always taken.
 *
 * The lock is a PostgreSQL advisory lock, so several Accord processes on one database keep one chain. `recordIn`
 * records inside a caller's own transaction (for a write that must stand or fall with its audit entry); it holds the
 * chain's lock until that transaction ends, so keep such transactions short, and never wait in one for `record()`,
 * whose writer would be waiting for the same lock.
 */
import type { Database, Queryable } from '../../store/database.js';
import { systemClock, type Clock } from '../clock.js';
import { linkEntries, type ChainHead } from './chain.js';
import { checkEntry, type AuditEntry, type AuditEntryContent, type AuditEntryInput } from './entry.js';
import { insertEntries, isSeqTaken, lockChainHead } from './repository.js';

/** An entry the audit log refuses to record: a bug in the code that made it, with every problem named. */
export class AuditEntryRejected extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`audit entry refused: ${problems.join('; ')}`);
    this.name = 'AuditEntryRejected';
  }
}

export interface AuditLogOptions {
  /** When an access happened: read when it is recorded. */
  readonly clock?: Clock;
  /** The most entries one batch writes. Default 2,000. */
  readonly maxBatch?: number;
}

interface Waiting {
  readonly content: AuditEntryContent;
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
}

/** Links one entry onto the chain inside `tx`, under the chain's lock; the entry as written. */
export async function recordAuditEntryIn(
  tx: Queryable,
  input: AuditEntryInput,
  at: Date,
): Promise<AuditEntry> {
  const checked = checkEntry(input, at);
  if (!checked.ok) throw new AuditEntryRejected(checked.error);
  const head = await lockChainHead(tx);
  const linked = linkEntries(head, [checked.value]);
  await insertEntries(tx, linked);
  const [entry] = linked;
  if (entry === undefined) throw new Error('linkEntries returned no entry');
  return entry;
}

export class AuditLog {
  private readonly clock: Clock;
  private readonly maxBatch: number;
  private queue: Waiting[] = [];
  private writing: Promise<void> | undefined;
  private closed = false;
  /** The last entry this writer committed; undefined when unknown (at first, and after any failure). */
  private head: ChainHead | undefined;

  constructor(
    private readonly db: Database,
    options: AuditLogOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.maxBatch = options.maxBatch ?? 2000;
    if (!(Number.isInteger(this.maxBatch) && this.maxBatch >= 1)) {
      throw new Error('maxBatch must be a whole number, 1 or more');
    }
  }

  /** Records an access; resolves once the entry is committed, rejects if it could not be. */
  record(input: AuditEntryInput): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the audit log is closed'));
    const checked = checkEntry(input, this.clock());
    if (!checked.ok) return Promise.reject(new AuditEntryRejected(checked.error));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ content: checked.value, resolve, reject });
      this.writing ??= this.drain();
    });
  }

  /** Records an access in the caller's transaction, so it commits (or rolls back) with the change it records. */
  recordIn(tx: Queryable, input: AuditEntryInput): Promise<AuditEntry> {
    return recordAuditEntryIn(tx, input, this.clock());
  }

  /** Writes everything queued, then refuses further entries. */
  async close(): Promise<void> {
    this.closed = true;
    await this.writing;
  }

  /** The writer loop: runs while anything is queued, one batch at a time. */
  private async drain(): Promise<void> {
    try {
      // Let the callers of this same tick queue first, so the first batch holds them all.
      await Promise.resolve();
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await this.write(batch.map((waiting) => waiting.content));
        } catch (error) {
          for (const waiting of batch) waiting.reject(error);
          continue;
        }
        for (const waiting of batch) waiting.resolve();
      }
    } finally {
      this.writing = undefined;
    }
  }

  /** Writes one batch, the fast way when the head is known, else (or when another writer got there first) locked. */
  private async write(contents: readonly AuditEntryContent[]): Promise<void> {
    const known = this.head;
    this.head = undefined; // until this batch is known to be committed
    if (known !== undefined) {
      const linked = linkEntries(known, contents);
      try {
        await insertEntries(this.db, linked);
        this.head = linked.at(-1);
        return;
      } catch (error) {
        if (!isSeqTaken(error)) throw error;
      }
    }
    const linked = await this.db.transaction(async (tx) => {
      const entries = linkEntries(await lockChainHead(tx), contents);
      await insertEntries(tx, entries);
      return entries;
    });
    this.head = linked.at(-1);
  }
}
