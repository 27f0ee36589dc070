/**
 * The record's repository on a real PostgreSQL: versions, the history that nothing may rewrite, feeds that are
 * idempotent by the partner's own id, ownership, and a search index that always agrees with the current version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { recordRepository, sourcedId, type RecordRepository } from './repository.js';
import { planSearch } from './search/query.js';
import { searchParameters } from './search/parameters.js';

let test: TestDatabase;
let repository: RecordRepository;
const hospital = { id: 'token-1', organisation: 'RXF' };
const practice = { id: 'token-2', organisation: 'B86001' };

beforeAll(async () => {
  test = await createTestDatabase();
  repository = recordRepository(test.db);
}, 60_000);

afterAll(async () => {
  await test.drop();
});

const condition = (code: string) => ({
  resourceType: 'Condition',
  subject: { reference: 'Patient/p-1' },
  code: { coding: [{ system: 'http://snomed.info/sct', code }] },
});

const search = async (type: string, query: string) => {
  const plan = planSearch(searchParameters(), type, [...new URLSearchParams(query)]);
  if (!plan.ok) throw new Error(plan.error.message);
  return (await repository.search(plan.value, { all: true })).matches.map((m) => m.resource.id);
};

describe('the record repository', () => {
  it('gives a partner resource the same id every time, and writes nothing when it is sent again unchanged', async () => {
    const first = await repository.create(hospital, condition('44054006'), { sourceId: 'cond-9' });
    const again = await repository.create(hospital, condition('44054006'), { sourceId: 'cond-9' });
    expect(first.ok && first.value.change).toBe('created');
    expect(again.ok && again.value.change).toBe('unchanged');
    const id = sourcedId('RXF', 'Condition', 'cond-9');
    expect(first.ok && first.value.stored.resource.id).toBe(id);
    expect(first.ok && first.value.stored.patientId).toBe('p-1');
    // Another organisation's resource with the same local id is another resource.
    expect(sourcedId('B86001', 'Condition', 'cond-9')).not.toBe(id);
    const changed = await repository.create(hospital, condition('73211009'), { sourceId: 'cond-9' });
    expect(changed.ok && changed.value.change).toBe('updated');
    expect(changed.ok && changed.value.stored.version).toBe(2);
    const history = await repository.history('Condition', id);
    expect(history.ok && history.value.map((entry) => entry.version)).toEqual([2, 1]);
  });

  it('keeps the search index in step with the current version, and empties it on delete', async () => {
    const made = await repository.create(hospital, condition('38341003'));
    if (!made.ok) throw new Error('create failed');
    const id = made.value.stored.resource.id;
    expect(await search('Condition', 'code=38341003')).toEqual([id]);
    const updated = await repository.update(hospital, { ...condition('195967001'), id }, { ifMatch: 1 });
    expect(updated.ok).toBe(true);
    expect(await search('Condition', 'code=38341003')).toEqual([]);
    expect(await search('Condition', 'code=195967001')).toEqual([id]);
    const deleted = await repository.delete(hospital, 'Condition', id);
    expect(deleted.ok && deleted.value.version).toBe(3);
    expect(await search('Condition', 'code=195967001')).toEqual([]);
    const read = await repository.read('Condition', id);
    expect(!read.ok && read.error.kind).toBe('gone');
    const rows = await test.db.query(`SELECT 1 FROM record_search_token WHERE id = $1`, [id]);
    expect(rows).toHaveLength(0);
  });

  it('lets only the sending organisation change or delete a resource, and refuses a stale version', async () => {
    const made = await repository.create(hospital, condition('22298006'));
    if (!made.ok) throw new Error('create failed');
    const id = made.value.stored.resource.id;
    const taken = await repository.update(practice, { ...condition('1'), id });
    expect(!taken.ok && taken.error.kind).toBe('forbidden');
    const removed = await repository.delete(practice, 'Condition', id);
    expect(!removed.ok && removed.error.kind).toBe('forbidden');
    const stale = await repository.update(hospital, { ...condition('2'), id }, { ifMatch: 7 });
    expect(!stale.ok && stale.error.kind).toBe('precondition-failed');
    const read = await repository.read('Condition', id);
    expect(read.ok && read.value.version).toBe(1);
    // The sending organisation in another case (its token's lower-case id) is still the sender.
    const own = await repository.update({ id: 'token-3', organisation: 'rxf' }, { ...condition('3'), id });
    expect(own.ok && own.value.change).toBe('updated');
  });

  it("reads a resource for its own organisation only, in any case, answering alike for another's and none", async () => {
    const made = await repository.create(practice, condition('49436004'), { sourceId: 'cond-read-for' });
    if (!made.ok) throw new Error('create failed');
    const id = made.value.stored.resource.id;
    // A token's or user's organisation id is lower case; the practice's ODS code in its feed is upper case.
    const own = await repository.readFor('Condition', id, 'b86001');
    expect(own.ok && own.value).toEqual(made.value.stored);
    const others = await repository.readFor('Condition', id, 'RXF');
    const missing = await repository.readFor('Condition', 'no-such-id', 'RXF');
    expect(!others.ok && others.error).toEqual({
      kind: 'not-found',
      message: `There is no Condition/${id} that your organisation may read.`,
    });
    expect(!missing.ok && missing.error.kind).toBe('not-found');
    expect(!missing.ok && missing.error.message).toBe(
      'There is no Condition/no-such-id that your organisation may read.',
    );
    await repository.delete(practice, 'Condition', id);
    const deleted = await repository.readFor('Condition', id, 'B86001');
    expect(!deleted.ok && deleted.error.kind).toBe('gone');
    // Another organisation learns nothing of the deletion either.
    const deletedForOthers = await repository.readFor('Condition', id, 'RXF');
    expect(!deletedForOthers.ok && deletedForOthers.error.kind).toBe('not-found');
  });

  it("searches an organisation's own resources whatever the case of its id, and no one else's", async () => {
    const made = await repository.create(practice, condition('271737000'), { sourceId: 'cond-scope' });
    if (!made.ok) throw new Error('create failed');
    const plan = planSearch(searchParameters(), 'Condition', [['code', '271737000']]);
    if (!plan.ok) throw new Error(plan.error.message);
    const found = async (organisation: string) =>
      (await repository.search(plan.value, { organisation })).matches.map((m) => m.resource.id);
    expect(await found('b86001')).toEqual([made.value.stored.resource.id]);
    expect(await found('B86001')).toEqual([made.value.stored.resource.id]);
    expect(await found('rxf')).toEqual([]);
  });

  it('finds the current person of each Patient, following merges, and leaves out Patients the index lacks', async () => {
    const patient = { resourceType: 'Patient', name: [{ family: 'Merged' }] };
    const ids: string[] = [];
    for (const sourceId of ['pat-merged', 'pat-plain', 'pat-unindexed']) {
      const made = await repository.create(practice, patient, { sourceId });
      if (!made.ok) throw new Error('create failed');
      ids.push(made.value.stored.resource.id);
    }
    const [merged = '', plain = '', unindexed = ''] = ids;
    const person = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
    // 1 was merged into 2, and 2 later into 3: the chain is walked to 3. 4 was never merged.
    await test.db.query(
      `INSERT INTO identity_person (id, created_at, merged_into)
       VALUES ($3, now(), NULL), ($2, now(), $3), ($1, now(), $2), ($4, now(), NULL)`,
      [person(1), person(2), person(3), person(4)],
    );
    await test.db.query(
      `INSERT INTO identity_record (organisation, local_id, demographics, person_id, received_at, updated_at)
       VALUES ('B86001', 'pat-merged', '{}', $1, now(), now()), ('B86001', 'pat-plain', '{}', $2, now(), now())`,
      [person(1), person(4)],
    );
    const persons = await repository.personsOfPatients([merged, plain, unindexed]);
    expect(Object.fromEntries(persons)).toEqual({ [merged]: person(3), [plain]: person(4) });
    expect((await repository.personsOfPatients([plain])).get(plain)).toBe(person(4));
    expect((await repository.personsOfPatients([])).size).toBe(0);
  });

  it("creates with the client's id on update, and refuses any rewrite of a past version", async () => {
    const created = await repository.update(practice, { ...condition('3'), id: 'client-chosen-1' });
    expect(created.ok && created.value.change).toBe('created');
    await expect(
      test.db.query(`UPDATE record_version SET deleted = deleted WHERE id = 'client-chosen-1'`),
    ).rejects.toThrow(/append-only/);
    await expect(test.db.query(`DELETE FROM record_version WHERE id = 'client-chosen-1'`)).rejects.toThrow(
      /append-only/,
    );
  });

  it('stores nothing of a write that fails part way', async () => {
    // A fault injected into the last step of a write (the search index) must take the resource and its version with it.
    await test.db.query(`CREATE FUNCTION fail_on_code() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.code = 'fault' THEN RAISE EXCEPTION 'injected fault'; END IF; RETURN NEW; END; $$`);
    await test.db.query(`CREATE TRIGGER fail_on_code BEFORE INSERT ON record_search_token
      FOR EACH ROW EXECUTE FUNCTION fail_on_code()`);
    const count = async () =>
      (
        await test.db.query<{ n: number }>(`SELECT (SELECT count(*) FROM record_version)::int
        + (SELECT count(*) FROM record_resource)::int AS n`)
      )[0]?.n;
    const before = await count();
    await expect(repository.create(hospital, condition('fault'), { sourceId: 'faulty' })).rejects.toThrow(
      /injected/,
    );
    expect(await count()).toBe(before);
    await test.db.query('DROP TRIGGER fail_on_code ON record_search_token');
  });
});
