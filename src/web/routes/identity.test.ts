/**
 * Record matching end to end through the real server and a real database: partner systems send records (only as
 * their own organisation), registration officers work the review queue in the API and on the pages, merge and undo
 * merges; nobody else sees any of it; and without a linkage model the index says so instead of guessing.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { loadRiverside } from '../../../test/support/riverside.js';
import { postForm, signedInPerson, type SignedIn } from '../../../test/support/people.js';
import { createToken, type Role } from '../../access/index.js';
import { saveModel } from '../../identity/index/index.js';
import { syntheticPairs } from '../../identity/linkage/testing.js';
import { linkRecords } from '../../identity/linkage/train.js';
import { buildServer } from '../server.js';

const NOW = new Date('2026-03-03T10:00:00Z');

type Person = SignedIn;

let test: TestDatabase;
let app: FastifyInstance;
let registrar: Person;
let clinician: Person;
let hospitalToken: string;

const person = (username: string, organisation: string, roles: Role[]): Promise<Person> =>
  signedInPerson(test.db, username, organisation, roles, NOW);

beforeAll(async () => {
  test = await createTestDatabase();
  const loaded = await loadRiverside(test.db);
  registrar = await person('registrar.one', 'riverside-hospitals', ['R8008']);
  clinician = await person('clinician.one', 'riverside-hospitals', ['R8000']);
  const token = await createToken(
    test.db,
    { organisation: 'riverside-hospitals', scopes: ['identity:write'] },
    { clock: () => NOW },
  );
  if (!token.ok) throw new Error(token.error.title);
  hospitalToken = token.value.token;
  app = await buildServer({
    db: test.db,
    config: { logLevel: 'silent', publicUrl: new URL('https://accord.example'), oidc: undefined },
    partnershipId: loaded.partnership.info.id,
    schemaCurrent: async () => true,
    clock: () => NOW,
  });
}, 60_000);

afterAll(async () => {
  await app.close();
  await test.drop();
});

const send = (body: object, token = hospitalToken) =>
  app.inject({
    method: 'POST',
    url: '/api/identity/records',
    headers: { authorization: `Bearer ${token}` },
    payload: body,
  });
const as = (who: Person | undefined, method: 'GET' | 'POST', url: string, payload?: object) =>
  app.inject({
    method,
    url,
    headers: who === undefined ? {} : { cookie: who.cookie, 'x-csrf-token': who.csrf },
    ...(payload === undefined ? {} : { payload }),
  });
const form = (who: Person, url: string, fields: Record<string, string>) => postForm(app, who, url, fields);

const rosa = {
  forename: 'Rosalind',
  surname: 'Ackroyd',
  dateOfBirth: '1944-06-15',
  sex: 'female',
  postcode: 'HX1 2RT',
};

describe('before a linkage model exists', () => {
  it('answers 503 and says how to get one', async () => {
    const response = await send({ organisation: 'riverside-hospitals', localId: 'H1', demographics: rosa });
    expect(response.statusCode).toBe(503);
    expect(response.json<{ title: string }>().title).toMatch(/no linkage model/);
  });
});

describe('with a model', () => {
  beforeAll(async () => {
    const { left, right } = syntheticPairs(1_500, 5);
    await test.db.transaction((tx) => saveModel(tx, linkRecords(left, right).model, 3_000, NOW));
  }, 60_000);

  it("takes a partner's records, only as its own organisation, and refuses bad ones with every problem named", async () => {
    const first = await send({ organisation: 'riverside-hospitals', localId: 'H1', demographics: rosa });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ status: 'new-person' });
    const again = await send({ organisation: 'riverside-hospitals', localId: 'H1', demographics: rosa });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ status: 'unchanged' });
    const elsewhere = await send({ organisation: 'north-bank-council', localId: 'C1', demographics: rosa });
    expect(elsewhere.statusCode).toBe(403);
    const bad = await send({
      organisation: 'riverside-hospitals',
      localId: '',
      demographics: { dateOfBirth: '1844-01-01' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ issues: { path: string }[] }>().issues.map((i) => i.path)).toEqual(['localId']);
    const typo = await send({
      organisation: 'riverside-hospitals',
      localId: 'H9',
      demographics: { forename: 'Ada', surname: 'Byron', nhsNumber: '9434765918' },
    });
    expect(typo.statusCode).toBe(201);
    expect(typo.json<{ warnings: { message: string }[] }>().warnings[0]?.message).toMatch(
      /not a valid NHS number/,
    );
  });

  it('lets only registration officers see the queue', async () => {
    expect((await as(clinician, 'GET', '/api/identity/reviews')).statusCode).toBe(403);
    expect((await as(undefined, 'GET', '/api/identity/reviews')).statusCode).toBe(401);
    const page = await as(undefined, 'GET', '/identity/reviews');
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toMatch(/^\/sign-in/);
    expect((await as(clinician, 'GET', '/identity/reviews')).statusCode).toBe(403);
  });

  it('puts an uncertain pair in the queue; the officer decides it on the page, then undoes the merge', async () => {
    const second = await send({
      organisation: 'riverside-hospitals',
      localId: 'H2',
      demographics: { ...rosa, dateOfBirth: '1944-06-25', postcode: 'HD1 3LL' },
    });
    const [reviewId] = second.json<{ reviewsOpened: number[] }>().reviewsOpened;
    expect(reviewId).toBeDefined();

    const queue = await as(registrar, 'GET', '/api/identity/reviews');
    expect(queue.json<{ total: number }>().total).toBe(1);
    const list = await as(registrar, 'GET', '/identity/reviews');
    expect(list.body).toContain(`/identity/reviews/${reviewId}`);
    expect(list.body).toContain('Record matching');

    const review = await as(registrar, 'GET', `/identity/reviews/${reviewId}`);
    expect(review.statusCode).toBe(200);
    expect(review.body).toContain('1944-06-25');
    expect(review.body).toContain('one component different');

    const unanswered = await form(registrar, `/identity/reviews/${reviewId}`, { note: '' });
    expect(unanswered.statusCode).toBe(400);
    expect(unanswered.body).toContain('Select whether these records are the same person');

    const decided = await form(registrar, `/identity/reviews/${reviewId}`, {
      outcome: 'same-person',
      note: 'Checked with the practice.',
    });
    expect(decided.statusCode, decided.body).toBe(303);
    const personUrl = String(decided.headers.location).split('?')[0] ?? '';
    const person = await as(registrar, 'GET', personUrl);
    expect(person.body).toMatch(/Merge (\d+): person/);
    const mergeId = /Undo merge (\d+)/.exec(person.body)?.[1] ?? '';

    const twice = await as(registrar, 'POST', `/api/identity/reviews/${reviewId}/decision`, {
      outcome: 'different-people',
    });
    expect(twice.statusCode).toBe(409);

    const personId = personUrl.split('/').at(-1) ?? '';
    const noReason = await form(registrar, `/identity/merges/${mergeId}/unmerge`, {
      person: personId,
      reason: ' ',
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('Say why the merge is undone');
    const undone = await form(registrar, `/identity/merges/${mergeId}/unmerge`, {
      person: personId,
      reason: 'Sisters, the practice says.',
    });
    expect(undone.statusCode).toBe(303);
    const after = await as(registrar, 'GET', `/api/identity/persons/${personId}`);
    expect(after.json<{ records: unknown[]; undoableMerges: unknown[] }>()).toMatchObject({
      undoableMerges: [],
    });
    expect(after.json<{ records: unknown[] }>().records).toHaveLength(1);
  });

  it('merges two persons by API with a reason, and refuses without one', async () => {
    const a = await send({
      organisation: 'riverside-hospitals',
      localId: 'M1',
      demographics: { forename: 'Ivy', surname: 'Moss', dateOfBirth: '1930-01-05' },
    });
    const b = await send({
      organisation: 'riverside-hospitals',
      localId: 'M2',
      demographics: { forename: 'Ivor', surname: 'Moss', dateOfBirth: '1931-02-06' },
    });
    const [first, second] = [a, b].map((r) => r.json<{ personId: string }>().personId);
    const refused = await as(registrar, 'POST', '/api/identity/merges', { first, second });
    expect(refused.statusCode).toBe(400);
    const merged = await as(registrar, 'POST', '/api/identity/merges', {
      first,
      second,
      reason: 'Duplicate registration.',
    });
    expect(merged.statusCode).toBe(201);
    // Both persons were created at the server's fixed time, so the survivor is the one with the smaller id.
    const [survivor, absorbed] = [first, second].sort();
    expect(merged.json()).toMatchObject({ survivor, absorbed });
    const asked = await as(registrar, 'GET', `/api/identity/persons/${absorbed}`);
    expect(asked.json()).toMatchObject({ id: survivor, requestedId: absorbed });
  });
});
