/**
 * `verifyAuditChain` against tampering done the way someone with rights over the database would do it: with the
 * table's triggers switched off, rows updated, deleted, inserted and reordered with SQL. Each case runs with pages of
 * 3 as well as the default, so a problem on a page boundary is found just the same.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import type { Queryable } from '../../store/database.js';
import { AuditLog } from './audit-log.js';
import { entryHash } from './canonical.js';
import type { ChainHead } from './chain.js';
import { readEntriesAfter } from './repository.js';
import { readEntry } from './test-entries.js';
import { verifyAuditChain } from './verify.js';
import type { ChainProblem } from './verify-chain.js';

let test: TestDatabase;
let head: ChainHead;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(async () => {
  await test.drop();
});

/** Runs SQL with the append-only triggers off, as an attacker with the table owner's rights could. */
async function tamper(work: (tx: Queryable) => Promise<unknown>) {
  await test.db.transaction(async (tx) => {
    await tx.query('ALTER TABLE audit_entry DISABLE TRIGGER USER');
    await work(tx);
    await tx.query('ALTER TABLE audit_entry ENABLE TRIGGER USER');
  });
}

/** A fresh chain of ten entries before each case, and its head as `accord audit verify` printed it. */
beforeEach(async () => {
  await tamper((tx) => tx.query('TRUNCATE audit_entry'));
  const log = new AuditLog(test.db);
  await Promise.all(
    Array.from({ length: 10 }, (_, i) => log.record(readEntry({ resourceId: `obs-${i + 1}` }))),
  );
  await log.close();
  const report = await verifyAuditChain(test.db);
  expect(report).toMatchObject({ checked: 10, problems: [] });
  head = report.head;
});

/** The problems found, the same whether the chain is read in pages of 3 or all at once. */
async function problems(options: { anchor?: ChainHead } = {}): Promise<readonly ChainProblem[]> {
  const small = await verifyAuditChain(test.db, { ...options, pageSize: 3 });
  const whole = await verifyAuditChain(test.db, options);
  expect(small.problems).toEqual(whole.problems);
  return whole.problems;
}

describe('verifyAuditChain finds', () => {
  it('an altered field, naming its entry', async () => {
    await tamper((tx) => tx.query("UPDATE audit_entry SET actor_name = 'Someone Else' WHERE seq = 4"));
    expect(await problems()).toEqual([{ kind: 'altered', seq: 4 }]);
  });

  it('a time moved by one microsecond', async () => {
    await tamper((tx) =>
      tx.query("UPDATE audit_entry SET recorded_at = recorded_at + interval '1 microsecond' WHERE seq = 7"),
    );
    expect(await problems()).toEqual([{ kind: 'altered', seq: 7 }]);
  });

  it('a changed detail or person', async () => {
    await tamper(async (tx) => {
      await tx.query(`UPDATE audit_entry SET detail = '{"query":"x"}' WHERE seq = 2`);
      await tx.query('UPDATE audit_entry SET person_id = NULL WHERE seq = 9');
    });
    expect(await problems()).toEqual([
      { kind: 'altered', seq: 2 },
      { kind: 'altered', seq: 9 },
    ]);
  });

  it('an altered entry given a fresh hash, at the link after it', async () => {
    await tamper(async (tx) => {
      await tx.query("UPDATE audit_entry SET actor_name = 'Someone Else' WHERE seq = 4");
      const [entry] = await readEntriesAfter(tx, 3, 1);
      await tx.query('UPDATE audit_entry SET hash = $1 WHERE seq = 4', [
        entryHash(entry!.prevHash, 4, entry!),
      ]);
    });
    expect(await problems()).toEqual([{ kind: 'broken-link', seq: 5 }]);
  });

  it('a deleted entry in the middle, and at a page boundary', async () => {
    await tamper((tx) => tx.query('DELETE FROM audit_entry WHERE seq IN (5, 6)'));
    expect(await problems()).toEqual([{ kind: 'missing', fromSeq: 5, toSeq: 6 }]);
  });

  it('a deleted first entry', async () => {
    await tamper((tx) => tx.query('DELETE FROM audit_entry WHERE seq = 1'));
    expect(await problems()).toEqual([{ kind: 'missing', fromSeq: 1, toSeq: 1 }]);
  });

  it('a deleted last entry only against the head printed before (the chain alone cannot see it)', async () => {
    await tamper((tx) => tx.query('DELETE FROM audit_entry WHERE seq = 10'));
    expect(await problems()).toEqual([]);
    expect(await problems({ anchor: head })).toEqual([{ kind: 'anchor-missing', seq: 10 }]);
  });

  it('an entry appended with a made-up hash', async () => {
    await tamper((tx) =>
      tx.query(
        `INSERT INTO audit_entry (seq, recorded_at, actor, actor_name, role, organisation, person_id, action,
           resource_type, resource_id, purpose, outcome, detail, prev_hash, hash)
         SELECT 11, recorded_at, actor, actor_name, role, organisation, person_id, action, resource_type, 'forged',
           purpose, outcome, detail, hash, hash
         FROM audit_entry WHERE seq = 10`,
      ),
    );
    expect(await problems()).toEqual([{ kind: 'altered', seq: 11 }]);
  });

  it('an entry inserted in the middle, hashed and linked to its predecessor, at the entry after it', async () => {
    await tamper(async (tx) => {
      // Make room at 6 (in two steps: the key is checked row by row), then forge an entry that links to 5.
      await tx.query('UPDATE audit_entry SET seq = seq + 1000 WHERE seq >= 6');
      await tx.query('UPDATE audit_entry SET seq = seq - 999 WHERE seq >= 1000');
      const [five] = await readEntriesAfter(tx, 4, 1);
      const forged = { ...five!, resourceId: 'forged' };
      await tx.query(
        `INSERT INTO audit_entry (seq, recorded_at, actor, actor_name, role, organisation, person_id, action,
           resource_type, resource_id, purpose, outcome, detail, prev_hash, hash)
         SELECT 6, recorded_at, actor, actor_name, role, organisation, person_id, action, resource_type, 'forged',
           purpose, outcome, detail, $1, $2
         FROM audit_entry WHERE seq = 5`,
        [five!.hash, entryHash(five!.hash, 6, forged)],
      );
    });
    const found = await problems();
    // The forged entry is consistent in itself; the chain breaks at the one after it, and every entry moved along
    // no longer matches its hash (its seq is hashed).
    expect(found[0]).toEqual({ kind: 'altered', seq: 7 });
    expect(found).toContainEqual({ kind: 'broken-link', seq: 7 });
    expect(found.flatMap((p) => (p.kind === 'altered' ? [p.seq] : []))).toEqual([7, 8, 9, 10, 11]);
  });

  it('two entries whose hashes were swapped', async () => {
    await tamper(async (tx) => {
      await tx.query(`UPDATE audit_entry AS a SET hash = b.hash FROM audit_entry AS b
                      WHERE (a.seq, b.seq) IN ((3, 4), (4, 3))`);
    });
    expect(await problems()).toEqual([
      { kind: 'altered', seq: 3 },
      { kind: 'altered', seq: 4 },
      { kind: 'broken-link', seq: 4 },
      { kind: 'broken-link', seq: 5 },
    ]);
  });

  it('two entries swapped in order', async () => {
    await tamper(async (tx) => {
      await tx.query('UPDATE audit_entry SET seq = 1003 WHERE seq = 3');
      await tx.query('UPDATE audit_entry SET seq = 3 WHERE seq = 4');
      await tx.query('UPDATE audit_entry SET seq = 4 WHERE seq = 1003');
    });
    expect(await problems()).toEqual([
      { kind: 'altered', seq: 3 },
      { kind: 'broken-link', seq: 3 },
      { kind: 'altered', seq: 4 },
      { kind: 'broken-link', seq: 4 },
      { kind: 'broken-link', seq: 5 },
    ]);
  });

  it('nothing in an intact chain, anchored at its head or at an earlier entry', async () => {
    expect(await problems({ anchor: head })).toEqual([]);
    const [three] = await readEntriesAfter(test.db, 2, 1);
    expect(await problems({ anchor: { seq: 3, hash: three!.hash } })).toEqual([]);
  });
});
