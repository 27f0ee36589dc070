/**
 * The group-commit writer against a real PostgreSQL: concurrent callers get one gapless, intact chain; a failed batch
 * rejects its callers and writes nothing; two writers (two Accord processes) share one chain; `recordIn` commits and
 * rolls back with its transaction; and what is hashed is exactly what is read back.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { createDatabase, type Database, type Queryable } from '../../store/database.js';
import { AuditEntryRejected, AuditLog } from './audit-log.js';
import { canonicalEntry } from './canonical.js';
import { readEntriesAfter } from './repository.js';
import { OTHER_PERSON, PERSON, readEntry } from './test-entries.js';
import { verifyAuditChain } from './verify.js';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(async () => {
  await test.drop();
});

/** Empties the log between tests, as only someone getting round its triggers could. */
async function emptyLog(db: Database) {
  await db.transaction(async (tx) => {
    await tx.query('ALTER TABLE audit_entry DISABLE TRIGGER USER');
    await tx.query('TRUNCATE audit_entry');
    await tx.query('ALTER TABLE audit_entry ENABLE TRIGGER USER');
  });
}

beforeEach(async () => {
  await emptyLog(test.db);
});

/**
 * A Database that counts batches (INSERTs into the log) and locked transactions, and can make the next transaction
 * fail after its work (rolled back), or the next INSERT on its own fail before it is sent.
 */
function instrumented(db: Database) {
  const state = {
    inserts: 0,
    transactions: 0,
    failNext: undefined as 'transaction' | 'insert' | undefined,
  };
  const counting =
    (inner: Queryable): Queryable['query'] =>
    (text, params) => {
      if (text.includes('INSERT INTO audit_entry')) state.inserts += 1;
      return inner.query(text, params);
    };
  const wrapped: Database = {
    ...db,
    query(text, params) {
      if (state.failNext === 'insert' && text.includes('INSERT INTO audit_entry')) {
        state.failNext = undefined;
        return Promise.reject(new Error('the connection dropped'));
      }
      return counting(db)(text, params);
    },
    async transaction(work) {
      state.transactions += 1;
      const fail = state.failNext === 'transaction';
      if (fail) state.failNext = undefined;
      return db.transaction(async (tx) => {
        const result = await work({ query: counting(tx) });
        if (fail) throw new Error('the connection dropped');
        return result;
      });
    },
  };
  return { db: wrapped, state };
}

const count = async (db: Database) =>
  Number((await db.query<{ n: string }>('SELECT count(*)::text AS n FROM audit_entry'))[0]?.n);

describe('AuditLog.record', () => {
  it('gives concurrent callers one gapless, intact chain, in few batches', async () => {
    const { db, state } = instrumented(test.db);
    const log = new AuditLog(db, { maxBatch: 500 });
    // 64 callers, each recording 40 accesses one after another, as 64 requests in flight would.
    await Promise.all(
      Array.from({ length: 64 }, async (_, caller) => {
        for (let i = 0; i < 40; i += 1) {
          await log.record(readEntry({ resourceId: `obs-${caller}-${i}` }));
        }
      }),
    );
    await log.close();
    const seqs = await test.db.query<{ seq: string }>(
      'SELECT seq::text AS seq FROM audit_entry ORDER BY audit_entry.seq',
    );
    expect(seqs.map((row) => Number(row.seq))).toEqual(Array.from({ length: 64 * 40 }, (_, i) => i + 1));
    const report = await verifyAuditChain(test.db);
    expect(report).toMatchObject({ checked: 2560, problems: [], head: { seq: 2560 } });
    // Each caller waits for its previous entry, so there are at least 40 batches; far fewer than 2,560. Only the
    // first, when the writer does not yet know the head, needs the locked transaction.
    expect(state.inserts).toBeGreaterThanOrEqual(40);
    expect(state.inserts).toBeLessThan(2560 / 4);
    expect(state.transactions).toBe(1);
  });

  it('resolves a caller only once its entry is committed', async () => {
    const log = new AuditLog(test.db);
    await log.record(readEntry());
    expect(await count(test.db)).toBe(1);
    await log.close();
  });

  it('rejects every caller of a failed locked batch and writes nothing of it; the next batch carries on', async () => {
    const { db, state } = instrumented(test.db);
    const log = new AuditLog(db);
    state.failNext = 'transaction';
    const failed = await Promise.allSettled(Array.from({ length: 10 }, () => log.record(readEntry())));
    expect(failed.map((outcome) => outcome.status)).toEqual(Array(10).fill('rejected'));
    expect(await count(test.db)).toBe(0);
    await log.record(readEntry({ resourceId: 'after' }));
    await log.close();
    expect(await verifyAuditChain(test.db)).toMatchObject({ checked: 1, problems: [], head: { seq: 1 } });
  });

  it('rejects every caller of a failed fast batch and writes nothing of it; the next batch re-reads the head', async () => {
    const { db, state } = instrumented(test.db);
    const log = new AuditLog(db);
    await log.record(readEntry({ resourceId: 'first' }));
    state.failNext = 'insert';
    const failed = await Promise.allSettled(Array.from({ length: 10 }, () => log.record(readEntry())));
    expect(failed.map((outcome) => outcome.status)).toEqual(Array(10).fill('rejected'));
    expect(await count(test.db)).toBe(1);
    await log.record(readEntry({ resourceId: 'after' }));
    await log.close();
    expect(state.transactions).toBe(2);
    expect(await verifyAuditChain(test.db)).toMatchObject({ checked: 2, problems: [], head: { seq: 2 } });
  });

  it('notices another writer appended since its last batch, and links after that writer', async () => {
    const mine = instrumented(test.db);
    const one = new AuditLog(mine.db);
    const two = new AuditLog(test.db);
    await one.record(readEntry({ resourceId: 'one-1' }));
    await two.record(readEntry({ resourceId: 'two-1' }));
    await one.record(readEntry({ resourceId: 'one-2' })); // its fast insert finds seq 2 taken
    await one.record(readEntry({ resourceId: 'one-3' }));
    await Promise.all([one.close(), two.close()]);
    // Locked: the first batch (head unknown) and the retry of the third; the fourth went the fast way again.
    expect(mine.state.transactions).toBe(2);
    expect(mine.state.inserts).toBe(4);
    const ids = await test.db.query<{ resource_id: string }>(
      'SELECT resource_id FROM audit_entry ORDER BY audit_entry.seq',
    );
    expect(ids.map((row) => row.resource_id)).toEqual(['one-1', 'two-1', 'one-2', 'one-3']);
    expect(await verifyAuditChain(test.db)).toMatchObject({ checked: 4, problems: [] });
  });

  it('refuses a malformed entry on its own, without failing the others queued with it', async () => {
    const log = new AuditLog(test.db);
    const outcomes = await Promise.allSettled([
      log.record(readEntry()),
      log.record(readEntry({ personId: 'nobody' })),
      log.record(readEntry()),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const refused = outcomes[1];
    expect(refused.status === 'rejected' && refused.reason).toBeInstanceOf(AuditEntryRejected);
    await log.close();
    expect(await count(test.db)).toBe(2);
  });

  it('writes everything queued on close, and refuses entries after', async () => {
    const log = new AuditLog(test.db);
    const pending = Array.from({ length: 25 }, () => log.record(readEntry()));
    await log.close();
    await Promise.all(pending);
    expect(await count(test.db)).toBe(25);
    await expect(log.record(readEntry())).rejects.toThrow(/closed/);
  });

  it('keeps one chain when two writers (two Accord processes) share the database', async () => {
    const second = createDatabase(test.target, { max: 2 });
    try {
      const one = new AuditLog(test.db, { maxBatch: 7 });
      const two = new AuditLog(second, { maxBatch: 5 });
      await Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          (i % 2 === 0 ? one : two).record(readEntry({ resourceId: `obs-${i}` })),
        ),
      );
      await Promise.all([one.close(), two.close()]);
      expect(await verifyAuditChain(test.db)).toMatchObject({ checked: 300, problems: [] });
    } finally {
      await second.close();
    }
  });
});

describe('AuditLog.recordIn', () => {
  it('commits with the transaction it is in, and rolls back with it', async () => {
    const log = new AuditLog(test.db);
    const written = await test.db.transaction((tx) => log.recordIn(tx, readEntry({ action: 'create' })));
    expect(written.seq).toBe(1);
    await expect(
      test.db.transaction(async (tx) => {
        await log.recordIn(tx, readEntry({ action: 'update' }));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await log.record(readEntry());
    // The writer knows its head now; an entry recorded in a transaction moves it on, and the writer follows.
    await test.db.transaction((tx) => log.recordIn(tx, readEntry({ action: 'delete' })));
    await log.record(readEntry());
    await log.close();
    expect(await verifyAuditChain(test.db)).toMatchObject({ checked: 4, problems: [], head: { seq: 4 } });
  });
});

describe('the hashing round trip', () => {
  it('reads back exactly the content it hashed, awkward values included', async () => {
    const times = [
      new Date('2026-03-01T09:15:30.000Z'),
      new Date('2026-03-01T23:59:59.999Z'),
      new Date('1999-12-31T23:59:59.001Z'),
      new Date('2026-07-01T00:00:00.5Z'), // summer time in London: stored and read in UTC regardless
    ];
    let tick = 0;
    const log = new AuditLog(test.db, { clock: () => times[tick++ % times.length]! });
    const inputs = [
      readEntry({
        personId: PERSON.toUpperCase(),
        detail: { z: 1, a: { y: [1, 'two', null, true], b: 0.1 } },
      }),
      readEntry({
        personId: null,
        role: null,
        resourceId: null,
        action: 'search',
        detail: { query: 'name=Ó Briain & "quotes"' },
      }),
      readEntry({
        purpose: 'Unconscious in A&E — 🚑 no consent possible',
        action: 'break-glass',
        detail: { n: 1e21, m: -0 },
      }),
      readEntry({
        personId: OTHER_PERSON,
        actorName: "Nurse O'Neill\n(bank)",
        detail: { '10': 'ten', '9': 'nine', é: 'e' },
      }),
    ];
    for (const input of inputs) await log.record(input);
    await log.close();
    const stored = await readEntriesAfter(test.db, 0, 10);
    expect(stored.map((entry) => entry.recordedAt)).toEqual([
      '2026-03-01T09:15:30.000000Z',
      '2026-03-01T23:59:59.999000Z',
      '1999-12-31T23:59:59.001000Z',
      '2026-07-01T00:00:00.500000Z',
    ]);
    expect(stored[0]?.personId).toBe(PERSON);
    expect(await verifyAuditChain(test.db)).toMatchObject({ checked: 4, problems: [] });
  });

  it('a timestamp changed by a microsecond no longer matches its hash', async () => {
    const log = new AuditLog(test.db);
    await log.record(readEntry());
    await log.close();
    const [entry] = await readEntriesAfter(test.db, 0, 1);
    const shifted = { ...entry!, recordedAt: entry!.recordedAt.replace(/0Z$/, '1Z') };
    expect(canonicalEntry(1, shifted)).not.toBe(canonicalEntry(1, entry!));
  });
});

describe('the table', () => {
  it('refuses UPDATE, DELETE and TRUNCATE', async () => {
    const log = new AuditLog(test.db);
    await log.record(readEntry());
    await log.close();
    await expect(test.db.query("UPDATE audit_entry SET actor_name = 'x'")).rejects.toThrow(/append-only/);
    await expect(test.db.query('DELETE FROM audit_entry')).rejects.toThrow(/append-only/);
    await expect(test.db.query('TRUNCATE audit_entry')).rejects.toThrow(/append-only/);
    expect(await count(test.db)).toBe(1);
  });
});
