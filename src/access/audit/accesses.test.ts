/**
 * "Who looked at my record": a person's entries, newest first, paged by seq, every kind included, nobody else's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { accessesOfPerson } from './accesses.js';
import { AuditLog } from './audit-log.js';
import { OTHER_PERSON, PERSON, readEntry } from './test-entries.js';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
  let minute = 0;
  const log = new AuditLog(test.db, { clock: () => new Date(Date.UTC(2026, 2, 1, 9, minute++)) });
  // Recorded one after another, so seq order is known: 12 about PERSON, interleaved with others.
  for (let i = 1; i <= 12; i += 1) {
    await log.record(readEntry({ resourceId: `obs-${i}` }));
    await log.record(readEntry({ personId: OTHER_PERSON, resourceId: `other-${i}` }));
    if (i === 6) await log.record(readEntry({ personId: null, action: 'search', resourceId: null }));
  }
  await log.record(
    readEntry({ action: 'break-glass', purpose: 'unconscious in A&E', actorName: 'Dr Lee', role: 'R8000' }),
  );
  await log.record(
    readEntry({ action: 'access-denied', outcome: 'denied', role: 'R8008', actorName: 'Clerk' }),
  );
  await log.close();
});
afterAll(async () => {
  await test.drop();
});

async function page(personId: string, query: { limit?: number; before?: number } = {}) {
  const result = await accessesOfPerson(test.db, personId, query);
  if (!result.ok) throw new Error(result.error.title);
  return result.value;
}

describe('accessesOfPerson', () => {
  it('lists every access to the person, newest first, with who, role, organisation, what, why and when', async () => {
    const { accesses, before } = await page(PERSON, { limit: 3 });
    expect(accesses).toEqual([
      {
        seq: 27,
        recordedAt: '2026-03-01T09:26:00.000000Z',
        actorName: 'Clerk',
        role: 'R8008',
        organisation: 'riverside-gp',
        action: 'access-denied',
        resourceType: 'Observation',
        resourceId: 'obs-1',
        purpose: 'direct-care',
        outcome: 'denied',
      },
      expect.objectContaining({
        seq: 26,
        action: 'break-glass',
        purpose: 'unconscious in A&E',
        actorName: 'Dr Lee',
      }),
      expect.objectContaining({ seq: 24, resourceId: 'obs-12' }),
    ]);
    expect(before).toBe(24);
  });

  it('pages back through all of them without repeats or omissions, then says there are no more', async () => {
    const seen: number[] = [];
    let before: number | undefined;
    let pages = 0;
    do {
      const next = await page(PERSON, { limit: 5, ...(before === undefined ? {} : { before }) });
      seen.push(...next.accesses.map((access) => access.seq));
      before = next.before;
      pages += 1;
    } while (before !== undefined);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(14);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
    expect(new Set(seen).size).toBe(14);
  });

  it('finds the person by an upper-case id too, and nothing for someone never accessed', async () => {
    expect((await page(PERSON.toUpperCase(), { limit: 1 })).accesses[0]?.seq).toBe(27);
    expect(await page('00000000-0000-4000-8000-000000000000')).toEqual({ accesses: [], before: undefined });
  });

  it('follows a merge: entries recorded against a person merged into this one are theirs too', async () => {
    const before = (await page(OTHER_PERSON, { limit: 500 })).accesses.length;
    await test.db.query(
      `INSERT INTO identity_person (id, created_at, merged_into) VALUES ($1, now(), NULL), ($2, now(), $1)`,
      [PERSON, OTHER_PERSON],
    );
    try {
      const merged = (await page(PERSON, { limit: 500 })).accesses;
      expect(merged).toHaveLength(14 + before);
      expect(merged.some((access) => access.resourceId === 'other-3')).toBe(true);
      // The person merged away sees only their own entries: the merge does not run backwards.
      expect((await page(OTHER_PERSON, { limit: 500 })).accesses).toHaveLength(before);
    } finally {
      await test.db.query('DELETE FROM identity_person WHERE id = ANY($1::uuid[])', [[OTHER_PERSON, PERSON]]);
    }
  });

  it('lists several persons’ accesses as one log, newest first', async () => {
    const result = await accessesOfPerson(test.db, [PERSON, OTHER_PERSON], { limit: 500 });
    if (!result.ok) throw new Error(result.error.title);
    const seqs = result.value.accesses.map((access) => access.seq);
    expect(seqs).toHaveLength(26);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
  });

  it('refuses a bad id, limit or cursor as bad input', async () => {
    const result = await accessesOfPerson(test.db, 'nobody', { limit: 0, before: -1 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('bad-input');
    expect(result.error.issues).toHaveLength(3);
  });
});
