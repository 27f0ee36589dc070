/**
 * The first load of an empty index, against a real PostgreSQL: seeded synthetic pairs (two partners' records of the
 * same people) load as one person each with few exceptions, with their history, keys and model; the index then takes
 * records one at a time; and a second bulk load, or a load with repeated ids, is refused with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { defaultComparisons } from '../linkage/comparisons.js';
import { syntheticPairs } from '../linkage/testing.js';
import { loadInitialRecords } from './bulk-load.js';
import type { IncomingRecord } from './incoming.js';
import { loadModel } from './model-store.js';
import { addRecord, identityIndex } from './service.js';

const NOW = new Date('2026-03-02T09:00:00Z');
let test: TestDatabase;

beforeAll(async () => {
  test = await createTestDatabase();
}, 60_000);
afterAll(async () => {
  await test.drop();
});

const PEOPLE = 1_000;
const { left, right } = syntheticPairs(PEOPLE, 21);
const asIncoming = (organisation: string) => (record: (typeof left)[number]) => {
  const { id, ...demographics } = record;
  return { organisation, localId: id, demographics } satisfies IncomingRecord;
};
const records = [...left.map(asIncoming('RR8')), ...right.map(asIncoming('B86001'))];

describe('the first load', () => {
  it('refuses repeated ids before writing anything', async () => {
    const first = records[0];
    if (first === undefined) throw new Error('no records');
    const result = await loadInitialRecords(test.db, [first, first], NOW);
    expect(result.ok ? '' : result.error.title).toMatch(/Two records of RR8 have the id/);
    const [count] = await test.db.query<{ n: string }>('SELECT count(*) AS n FROM identity_model');
    expect(count?.n).toBe('0');
  });

  it('links two partners’ records of the same people into one person each, with history, keys and a model', async () => {
    const result = await loadInitialRecords(test.db, records, NOW);
    if (!result.ok) throw new Error(result.error.title);
    expect(result.value.records).toBe(2 * PEOPLE);
    // Nearly every pair auto-links (the pairs carry typing errors, nicknames, moves, swapped dates).
    expect(result.value.persons).toBeGreaterThanOrEqual(PEOPLE);
    expect(result.value.persons).toBeLessThan(PEOPLE * 1.05);
    // Left record a17 and right record b17 are the same person.
    const together = await test.db.query<{ same: boolean }>(
      `SELECT a.person_id = b.person_id AS same FROM identity_record a
         JOIN identity_record b ON substr(b.local_id, 2) = substr(a.local_id, 2) AND b.organisation = 'B86001'
        WHERE a.organisation = 'RR8'`,
    );
    expect(together.filter((row) => row.same).length / PEOPLE).toBeGreaterThan(0.95);
    const [events] = await test.db.query<{ created: string; linked: string }>(
      `SELECT count(*) FILTER (WHERE kind = 'person-created') AS created,
              count(*) FILTER (WHERE kind = 'record-linked') AS linked FROM identity_event`,
    );
    expect(Number(events?.created)).toBe(result.value.persons);
    expect(Number(events?.linked)).toBe(2 * PEOPLE);
    const [keys] = await test.db.query<{ n: string }>(
      'SELECT count(DISTINCT record_id) AS n FROM identity_block_key',
    );
    expect(Number(keys?.n)).toBe(2 * PEOPLE);
    const [reviews] = await test.db.query<{ n: string }>('SELECT count(*) AS n FROM identity_review');
    expect(Number(reviews?.n)).toBe(result.value.reviews);
    const model = await loadModel(test.db, defaultComparisons());
    expect(model.ok && model.value?.id).toBe(result.value.modelId);
  });

  it('then takes records one at a time, matched against what was loaded', async () => {
    const model = await loadModel(test.db, defaultComparisons());
    if (!model.ok || model.value === undefined) throw new Error('no model');
    const index = identityIndex(test.db, model.value.model, { now: () => NOW });
    const known = left[7];
    if (known === undefined) throw new Error('no record');
    const { id: _id, ...demographics } = known;
    const added = await addRecord(index, { organisation: 'leeds-council', localId: 'SC7', demographics });
    expect(added.status).toBe('joined');
    const [original] = await test.db.query<{ person_id: string }>(
      "SELECT person_id FROM identity_record WHERE organisation = 'RR8' AND local_id = $1",
      [known.id],
    );
    expect(added.personId).toBe(original?.person_id);
  });

  it('refuses a second bulk load', async () => {
    const again = await loadInitialRecords(test.db, records.slice(0, 10), NOW);
    expect(again.ok ? undefined : again.error.kind).toBe('conflict');
  });
});
