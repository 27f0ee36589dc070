/**
 * Withdrawing a submitted proposal, through the real server on Riverside: only its proposer, with a reason, once;
 * it stays public, marked withdrawn, with the reason and who; after it no challenge, and no meeting may take it.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { loadRiverside } from '../../../test/support/riverside.js';
import { signedInPerson, type SignedIn } from '../../../test/support/people.js';
import { buildServer } from '../server.js';

const NOW = new Date('2025-03-03T10:00:00Z');
let test: TestDatabase;
let app: FastifyInstance;
let proposer: SignedIn;
let otherOfficer: SignedIn;
let member: SignedIn;

beforeAll(async () => {
  test = await createTestDatabase();
  const loaded = await loadRiverside(test.db);
  proposer = await signedInPerson(test.db, 'officer.one', 'riverside-icb', ['officer'], NOW);
  otherOfficer = await signedInPerson(test.db, 'officer.two', 'north-bank-council', ['officer'], NOW);
  member = await signedInPerson(test.db, 'member.one', 'north-bank-council', ['board-member'], NOW);
  app = await buildServer({
    db: test.db,
    config: { logLevel: 'silent', publicUrl: new URL('https://accord.example'), oidc: undefined },
    partnershipId: loaded.partnership.info.id,
    schemaCurrent: async () => true,
    clock: () => NOW,
  });
});

afterAll(async () => {
  await app.close();
  await test.drop();
});

const call = (who: SignedIn, url: string, payload: object) =>
  app.inject({ method: 'POST', url, headers: { cookie: who.cookie, 'x-csrf-token': who.csrf }, payload });

async function submitted(): Promise<number> {
  const drafted = await call(proposer, '/api/governance/proposals', {
    title: 'A carers’ café in North Bank',
    summary: 'Evenings at the library.',
    places: ['north-bank'],
    evidence: 'Carers asked for it (invented).',
    tests: [],
  });
  const draft = drafted.json<{ id: number; version: number }>();
  await call(proposer, `/api/governance/proposals/${draft.id}/submit`, { version: draft.version });
  return draft.id;
}

it('only its proposer withdraws it, with a reason, once; it stays public, marked withdrawn', async () => {
  const id = await submitted();
  const url = `/api/governance/proposals/${id}/withdrawal`;
  expect((await call(otherOfficer, url, { reason: 'Not mine' })).statusCode).toBe(403);
  expect((await call(proposer, url, { reason: '  ' })).statusCode).toBe(400);
  const withdrawn = await call(proposer, url, { reason: 'The library closed (invented).' });
  expect(withdrawn.statusCode, withdrawn.body).toBe(201);
  expect(withdrawn.json()).toMatchObject({
    status: 'withdrawn',
    withdrawal: { reason: 'The library closed (invented).', by: { name: 'officer.one Person' } },
  });
  expect((await call(proposer, url, { reason: 'Again' })).statusCode).toBe(409);
  const challenge = await call(member, `/api/governance/proposals/${id}/challenges`, {
    reason: 'Wrong body',
  });
  expect(challenge.statusCode).toBe(409);
  const page = await app.inject({ method: 'GET', url: `/proposals/${id}` });
  expect(page.body).toContain('Withdrawn');
  expect(page.body).toContain('The library closed (invented).');
  const list = await app.inject({ method: 'GET', url: '/proposals' });
  expect(list.body).toContain('Withdrawn');
});

it('the form asks for the reason and keeps what was typed', async () => {
  const id = await submitted();
  const form = await app.inject({
    method: 'GET',
    url: `/proposals/${id}/withdraw`,
    headers: { cookie: proposer.cookie },
  });
  expect(form.statusCode).toBe(200);
  const empty = await app.inject({
    method: 'POST',
    url: `/proposals/${id}/withdraw`,
    headers: { cookie: proposer.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: proposer.csrf, reason: '' }).toString(),
  });
  expect(empty.statusCode).toBe(400);
  expect(empty.body).toContain('Enter why the proposal is withdrawn');
  const done = await app.inject({
    method: 'POST',
    url: `/proposals/${id}/withdraw`,
    headers: { cookie: proposer.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: proposer.csrf, reason: 'Merged into another proposal' }).toString(),
  });
  expect(done.statusCode).toBe(303);
  expect(done.headers.location).toBe(`/proposals/${id}?done=withdrawn`);
  await expect(test.db.query('DELETE FROM proposal_withdrawal')).rejects.toThrow(/never changed or deleted/);
});
