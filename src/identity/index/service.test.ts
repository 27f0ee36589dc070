/**
 * The master patient index against a real PostgreSQL: records join persons or start them, re-sent records change
 * nothing, uncertain pairs wait for review, and merges and unmerges keep the full history — with the database
 * refusing to rewrite that history. The model is estimated once from seeded synthetic pairs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { createUser } from '../../access/index.js';
import { defaultComparisons } from '../linkage/comparisons.js';
import type { LinkageModel } from '../linkage/model.js';
import { syntheticPairs } from '../linkage/testing.js';
import { linkRecords } from '../linkage/train.js';
import { checkIncoming, type IncomingRecord } from './incoming.js';
import { loadModel, modelFromStored, saveModel, storedModel } from './model-store.js';
import * as repo from './repository.js';
import {
  addRecord,
  currentPerson,
  decideReview,
  identityIndex,
  type IdentityIndex,
  mergePersons,
  unmerge,
  type Actor,
} from './service.js';

const NOW = new Date('2026-03-02T09:00:00Z');
let test: TestDatabase;
let index: IdentityIndex;
let model: LinkageModel;
let officer: Actor;
let tick = 0;

beforeAll(async () => {
  test = await createTestDatabase();
  const { left, right } = syntheticPairs(1_500, 5);
  model = linkRecords(left, right).model;
  // Each operation a second later than the last, so "older person" is well defined.
  index = identityIndex(test.db, model, { now: () => new Date(NOW.getTime() + 1000 * tick++) });
  const user = await createUser(test.db, {
    username: 'records.officer',
    displayName: 'Records Officer',
    organisation: 'leeds-teaching-hospitals',
    roles: ['R8008'],
    oidcSubject: 'https://idp.example#records.officer',
  });
  if (!user.ok) throw new Error(user.error.title);
  officer = { userId: user.value.id, organisation: 'leeds-teaching-hospitals' };
}, 60_000);

afterAll(async () => {
  await test.drop();
});

const catherine = {
  forename: 'Catherine',
  surname: 'Illingworth',
  dateOfBirth: '1958-04-17',
  sex: 'female' as const,
  postcode: 'LS6 2AB',
  nhsNumber: '943 476 5919',
};

const record = (organisation: string, localId: string, demographics: IncomingRecord['demographics']) => ({
  organisation,
  localId,
  demographics,
});

describe('adding records', () => {
  it("starts a person, takes the same record again without change, and joins another partner's record to it", async () => {
    const first = await addRecord(index, record('RR8', 'H100', catherine));
    expect(first.status).toBe('new-person');
    const again = await addRecord(index, record('RR8', 'H100', { ...catherine }));
    expect(again).toMatchObject({ status: 'unchanged', personId: first.personId, recordId: first.recordId });
    const gp = await addRecord(
      index,
      record('B86001', 'P77', {
        ...catherine,
        forename: 'Cathy',
        postcode: 'LS6 2AB',
        nhsNumber: '9434765919',
      }),
    );
    expect(gp.status).toBe('joined');
    expect(gp.personId).toBe(first.personId);
    expect(gp.decision?.reason).toBe('nhs-number');
    const records = await repo.recordsOfPerson(test.db, first.personId);
    expect(records.map((r) => r.organisation)).toEqual(['RR8', 'B86001']);
  });

  it('joins without an NHS number when the demographics agree, and starts a new person for someone else', async () => {
    const council = await addRecord(
      index,
      record('leeds-council', 'SC-1', { ...catherine, nhsNumber: undefined, address: '12 Otley Road' }),
    );
    expect(council.status).toBe('joined');
    expect(council.decision?.reason).toBe('probability');
    const other = await addRecord(
      index,
      record('RR8', 'H200', {
        forename: 'Tariq',
        surname: 'Mahmood',
        dateOfBirth: '1990-11-02',
        postcode: 'BD7 1DP',
      }),
    );
    expect(other.status).toBe('new-person');
    expect(other.personId).not.toBe(council.personId);
  });

  it('stores changed demographics without moving the record, naming the fields changed', async () => {
    const moved = await addRecord(index, record('RR8', 'H100', { ...catherine, postcode: 'LS16 5QT' }));
    expect(moved.status).toBe('updated');
    const history = await repo.personEvents(test.db, moved.personId);
    expect(history.at(-1)).toMatchObject({
      kind: 'record-updated',
      recordId: moved.recordId,
      detail: { fields: ['postcode'] },
    });
  });

  it('matches two records of one new person arriving together one after the other: one person, not two', async () => {
    const person = {
      forename: 'Olusegun',
      surname: 'Adeyemi',
      dateOfBirth: '1971-07-30',
      nhsNumber: '9000000009',
    };
    const [a, b] = await Promise.all([
      addRecord(index, record('RAE', 'A1', person)),
      addRecord(index, record('RXF', 'B1', person)),
    ]);
    expect(a.personId).toBe(b.personId);
    expect([a.status, b.status].sort()).toEqual(['joined', 'new-person']);
  });
});

describe('review, merge and unmerge', () => {
  // Same names and sex; the date one component off and another postcode: the model cannot tell.
  const rosa = {
    forename: 'Rosalind',
    surname: 'Ackroyd',
    dateOfBirth: '1944-06-15',
    sex: 'female' as const,
    postcode: 'HX1 2RT',
  };
  const rosaAgain = { ...rosa, dateOfBirth: '1944-06-25', postcode: 'HD1 3LL' };

  it('opens a review for an uncertain pair; "same person" merges into the older person; unmerge restores both', async () => {
    const older = await addRecord(index, record('RWY', 'R1', rosa));
    const younger = await addRecord(index, record('B87002', 'R2', rosaAgain));
    expect(younger.status).toBe('new-person');
    expect(younger.reviewsOpened).toHaveLength(1);
    const reviewId = younger.reviewsOpened[0] ?? 0;
    const review = await repo.findReview(test.db, reviewId);
    expect(review).toMatchObject({
      reason: 'probable-match',
      recordId: younger.recordId,
      candidateRecordId: older.recordId,
    });
    expect(review?.evidence.find((e) => e.field === 'dateOfBirth')?.level).toBe('one component different');

    const decided = await decideReview(
      index,
      reviewId,
      'same-person',
      officer,
      'Same person: the GP confirmed the date.',
    );
    expect(decided.ok).toBe(true);
    if (!decided.ok) return;
    expect(decided.value.merge?.survivor).toBe(older.personId);
    expect(await currentPerson(test.db, younger.personId)).toBe(older.personId);
    expect((await repo.recordsOfPerson(test.db, older.personId)).map((r) => r.id)).toEqual([
      older.recordId,
      younger.recordId,
    ]);

    const again = await decideReview(index, reviewId, 'different-people', officer);
    expect(again.ok ? undefined : again.error.kind).toBe('conflict');

    const undone = await unmerge(
      index,
      decided.value.merge?.eventId ?? 0,
      officer,
      'Twins: the practice checked.',
    );
    expect(undone.ok).toBe(true);
    expect(await currentPerson(test.db, younger.personId)).toBe(younger.personId);
    expect((await repo.recordsOfPerson(test.db, younger.personId)).map((r) => r.id)).toEqual([
      younger.recordId,
    ]);
    const twice = await unmerge(index, decided.value.merge?.eventId ?? 0, officer, 'again');
    expect(twice.ok ? undefined : twice.error.kind).toBe('conflict');

    const history = await repo.personEvents(test.db, older.personId);
    expect(history.map((e) => e.kind)).toEqual([
      'person-created',
      'record-linked',
      'review-decided',
      'merged',
      'unmerged',
    ]);
    expect(history[3]?.detail).toMatchObject({ records: [younger.recordId] });
  });

  it('keeps a "different people" decision, and refuses to merge the two persons afterwards', async () => {
    const one = await addRecord(
      index,
      record('RWY', 'D1', { ...rosa, forename: 'Dorothy', surname: 'Hainsworth' }),
    );
    const two = await addRecord(
      index,
      record('B87002', 'D2', { ...rosaAgain, forename: 'Dorothy', surname: 'Hainsworth' }),
    );
    const reviewId = two.reviewsOpened[0] ?? 0;
    const decided = await decideReview(index, reviewId, 'different-people', officer, 'Mother and daughter.');
    expect(decided.ok && decided.value.merge).toBe(undefined);
    const merged = await mergePersons(index, one.personId, two.personId, officer, 'looks the same');
    expect(merged.ok ? undefined : merged.error.title).toMatch(
      /decided to be different people \(review \d+\)/,
    );
  });

  it('refuses a merge without a reason, of unknown persons, and of a person with themselves', async () => {
    const someone = await addRecord(
      index,
      record('RWY', 'M1', { forename: 'Ada', surname: 'Lovelace', dateOfBirth: '1915-12-10' }),
    );
    const noReason = await mergePersons(index, someone.personId, someone.personId, officer, '  ');
    expect(noReason.ok ? undefined : noReason.error.kind).toBe('bad-input');
    const self = await mergePersons(index, someone.personId, someone.personId, officer, 'why');
    expect(self.ok ? undefined : self.error.kind).toBe('conflict');
    const unknown = await mergePersons(
      index,
      someone.personId,
      '00000000-0000-4000-8000-000000000000',
      officer,
      'why',
    );
    expect(unknown.ok ? undefined : unknown.error.kind).toBe('not-found');
  });

  it('lets the database refuse any rewrite of the history or of a decided review', async () => {
    await expect(test.db.query('UPDATE identity_event SET reason = $1', ['rewritten'])).rejects.toThrow(
      /append-only/,
    );
    await expect(test.db.query('DELETE FROM identity_event')).rejects.toThrow(/append-only/);
    await expect(
      test.db.query("UPDATE identity_review SET outcome = 'same-person' WHERE outcome = 'different-people'"),
    ).rejects.toThrow(/decided review cannot be changed/);
  });
});

describe('incoming records', () => {
  it('refuses a malformed record with every problem named, and drops an invalid NHS number with a warning', () => {
    const bad = checkIncoming(
      {
        organisation: 'RR8',
        localId: '',
        demographics: { forename: 'A', dateOfBirth: '2031-01-01', shoeSize: '9' },
      },
      NOW,
    );
    expect(bad.ok ? [] : bad.error.issues?.map((i) => i.path)).toEqual(['localId', 'demographics']);
    const future = checkIncoming(
      { organisation: 'RR8', localId: 'x', demographics: { dateOfBirth: '2031-01-01' } },
      NOW,
    );
    expect(future.ok ? [] : future.error.issues?.map((i) => i.message)).toEqual(['is in the future']);
    const nothing = checkIncoming(
      { organisation: 'RR8', localId: 'x', demographics: { postcode: 'LS1 4AP' } },
      NOW,
    );
    expect(nothing.ok ? [] : nothing.error.issues?.map((i) => i.message)).toEqual([
      'has nothing to link on: send at least a name, a date of birth or a valid NHS number',
    ]);
    const typo = checkIncoming(
      { organisation: 'RR8', localId: 'x', demographics: { surname: 'Shaw', nhsNumber: '9434765918' } },
      NOW,
    );
    expect(typo.ok && typo.value.record.demographics.nhsNumber).toBe(undefined);
    expect(typo.ok && typo.value.warnings[0]?.message).toMatch(
      /not a valid NHS number \(check digit mismatch\)/,
    );
  });
});

describe('the stored model', () => {
  it('round-trips, and is refused by code whose comparison levels differ', async () => {
    await test.db.transaction((tx) => saveModel(tx, model, 3_000, NOW));
    const loaded = await loadModel(test.db, defaultComparisons());
    expect(loaded.ok && loaded.value?.model.lambda).toBe(model.lambda);
    const fewer = modelFromStored(storedModel(model), defaultComparisons().slice(1));
    expect(fewer.ok ? '' : fewer.error).toMatch(/other comparison levels/);
  });
});
