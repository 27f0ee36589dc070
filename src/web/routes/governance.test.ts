/**
 * Proposals routed by subsidiarity, end to end through the real server and a real database: the JSON API (draft,
 * edit, submit, challenge, resolve, read), who may do each, what bad input gets back, that nothing is ever
 * half-written or changed in place, and the pages and their forms. Time is a fixed clock: 3 March 2025, when the
 * fictional Riverside Partnership Board's delegation (stroke and digital, up to £500,000) is in force.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { loadRiverside } from '../../../test/support/riverside.js';
import { signedInPerson, type SignedIn } from '../../../test/support/people.js';
import { createToken, type Role } from '../../access/index.js';
import { ProposalDocument } from '../../governance/index.js';
import { insertProposal, insertVersion } from '../../governance/repository.js';
import { buildServer } from '../server.js';

const NOW = new Date('2025-03-03T10:00:00Z');

type Person = SignedIn;

let test: TestDatabase;
let app: FastifyInstance;
let officer: Person; // drafts and submits
let secondOfficer: Person; // resolves challenges
let member: Person; // challenges
let otherMember: Person;
let publicUser: Person;
let partnerToken: string;

const person = (username: string, organisation: string, roles: Role[]): Promise<Person> =>
  signedInPerson(test.db, username, organisation, roles, NOW);

beforeAll(async () => {
  test = await createTestDatabase();
  const loaded = await loadRiverside(test.db);
  officer = await person('officer.one', 'riverside-icb', ['officer']);
  secondOfficer = await person('officer.two', 'north-bank-council', ['officer']);
  member = await person('member.one', 'north-bank-council', ['board-member']);
  otherMember = await person('member.two', 'south-bank-council', ['board-member']);
  publicUser = await person('public.one', 'healthwatch-north-bank', ['public']);
  const token = await createToken(
    test.db,
    { organisation: 'riverside-hospitals', scopes: ['partnership:read'] },
    { clock: () => NOW },
  );
  if (!token.ok) throw new Error(token.error.title);
  partnerToken = token.value.token;
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

/** A JSON call as `who` (with their session and its CSRF token), or anonymously. */
const call = (who: Person | undefined, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  app.inject({
    method,
    url,
    headers: who === undefined ? {} : { cookie: who.cookie, 'x-csrf-token': who.csrf },
    ...(payload === undefined ? {} : { payload }),
  });

const documentOf = (response: LightMyRequestResponse) => ProposalDocument.parse(response.json());

const stroke = {
  title: 'One hyper-acute stroke unit for both banks',
  summary: 'Move hyper-acute stroke care to one unit serving North Bank and South Bank.',
  places: ['south-bank', 'north-bank'],
  programme: 'stroke',
  moneyPence: 25_000_000,
  evidence: 'Units seeing fewer than 600 strokes a year have worse outcomes (invented).',
  tests: [{ test: 'scale', evidence: 'Neither bank alone has 600 strokes a year.' }],
};

async function draft(body: object = stroke): Promise<ReturnType<typeof documentOf>> {
  const response = await call(officer, 'POST', '/api/governance/proposals', body);
  expect(response.statusCode, response.body).toBe(201);
  return documentOf(response);
}

async function submitted(body: object = stroke) {
  const d = await draft(body);
  const response = await call(officer, 'POST', `/api/governance/proposals/${d.id}/submit`, {
    version: d.version,
  });
  expect(response.statusCode, response.body).toBe(200);
  return documentOf(response);
}

/** Rows in every governance table: to show that a refused request wrote nothing. */
async function rowCounts(): Promise<Record<string, number>> {
  const tables = [
    'proposal',
    'proposal_version',
    'proposal_test_claim',
    'routing_decision',
    'routing_challenge',
    'challenge_resolution',
    'governance_audit',
  ];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await test.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    counts[table] = Number(row?.n);
  }
  return counts;
}

describe('the API: drafting', () => {
  it('an officer drafts a proposal; it is theirs alone until submitted', async () => {
    const d = await draft();
    expect(d).toMatchObject({
      status: 'draft',
      version: 1,
      title: stroke.title,
      // Places come back in the partnership's order, named.
      places: [
        { id: 'north-bank', name: 'North Bank' },
        { id: 'south-bank', name: 'South Bank' },
      ],
      programme: { id: 'stroke', name: 'Stroke' },
      moneyPence: 25_000_000,
      tests: [{ test: 'scale', name: 'Scale', evidence: 'Neither bank alone has 600 strokes a year.' }],
      proposer: { name: 'officer.one Person', organisation: { id: 'riverside-icb' } },
      routing: null,
      submittedAt: null,
      history: [{ action: 'proposal-drafted', at: NOW.toISOString() }],
    });
    expect((await call(undefined, 'GET', `/api/governance/proposals/${d.id}`)).statusCode).toBe(404);
    expect((await call(secondOfficer, 'GET', `/api/governance/proposals/${d.id}`)).statusCode).toBe(404);
    expect((await call(officer, 'GET', `/api/governance/proposals/${d.id}`)).statusCode).toBe(200);
    const list = (await call(undefined, 'GET', '/api/governance/proposals')).json<{
      proposals: { id: number }[];
    }>();
    expect(list.proposals.map((p) => p.id)).not.toContain(d.id);
    const drafts = (await call(officer, 'GET', '/api/governance/proposals/drafts')).json<{
      proposals: { id: number }[];
    }>();
    expect(drafts.proposals.map((p) => p.id)).toContain(d.id);
  });

  it.each([
    ['nobody signed in', undefined, 401],
    ['a member of the public', 'public', 403],
    ['a board member', 'member', 403],
  ] as const)('refuses a draft from %s (%s)', async (_who, key, status) => {
    const who = key === undefined ? undefined : key === 'public' ? publicUser : member;
    const before = await rowCounts();
    const response = await call(who, 'POST', '/api/governance/proposals', stroke);
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await rowCounts()).toEqual(before);
  });

  it('refuses a partner system’s token: systems may read, not draft', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/governance/proposals',
      headers: { authorization: `Bearer ${partnerToken}` },
      payload: stroke,
    });
    expect(response.statusCode).toBe(403);
  });

  it('refuses a form post without the session’s CSRF token', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/governance/proposals',
      headers: { cookie: officer.cookie },
      payload: stroke,
    });
    expect(response.statusCode).toBe(403);
  });

  it('bad input: one problem naming every field at fault, and nothing written', async () => {
    const before = await rowCounts();
    const response = await call(officer, 'POST', '/api/governance/proposals', {
      summary: '   ',
      places: ['atlantis', 'north-bank'],
      programme: 'stroke',
      moneyPence: -5,
      evidence: 'x',
      tests: [{ test: 'scale', evidence: '' }],
      colour: 'blue',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = response.json<{
      title: string;
      detail: string;
      issues: { path?: string; message: string }[];
    }>();
    expect(body.title).toBe('The proposal is not valid.');
    expect(body.detail).toContain('Nothing was saved');
    expect(body.issues).toEqual(
      expect.arrayContaining([
        { path: 'title', message: 'Enter a title' },
        { path: 'summary', message: 'Enter a summary of what is proposed' },
        { path: 'moneyPence', message: 'must not be negative' },
        { path: 'tests[0].evidence', message: 'Enter the evidence that the proposal meets this test' },
        { message: "unknown field 'colour': remove it" },
      ]),
    );
    expect(await rowCounts()).toEqual(before);

    // Shape right, references wrong: the partnership's own ids are checked too.
    const unknown = await call(officer, 'POST', '/api/governance/proposals', {
      ...stroke,
      places: ['atlantis', 'north-bank', 'north-bank'],
      programme: 'knitting',
      tests: [{ test: 'popularity', evidence: 'Everyone likes it.' }],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<{ issues: { path: string; message: string }[] }>().issues).toEqual([
      {
        path: 'places[0]',
        message:
          "unknown place 'atlantis': use the id of one of the partnership's places (see /api/partnership/places)",
      },
      { path: 'places[2]', message: "'north-bank' is listed twice: list each place once" },
      {
        path: 'programme',
        message:
          "unknown programme 'knitting': use the id of one of the partnership's programmes (see /api/partnership/programmes), or leave it out",
      },
      {
        path: 'tests[0].test',
        message: "unknown test 'popularity': use one of 'scale', 'good-practice', 'wicked-issues'",
      },
    ]);
    // A programme that has ended (North Bank frailty ran to March 2023) cannot be chosen on 3 March 2025.
    const ended = await call(officer, 'POST', '/api/governance/proposals', {
      ...stroke,
      programme: 'north-bank-frailty',
    });
    expect(ended.json<{ issues: { path: string; message: string }[] }>().issues).toEqual([
      {
        path: 'programme',
        message:
          "the programme 'north-bank-frailty' is not running on 3 March 2025: choose a current programme, or leave it out",
      },
    ]);
    expect(await rowCounts()).toEqual(before);
  });

  it('an edit is a new version, from the version the officer read; a stale one is refused', async () => {
    const d = await draft();
    const stale = await call(officer, 'PUT', `/api/governance/proposals/${d.id}`, {
      ...stroke,
      title: 'Renamed',
      version: 1,
    });
    expect(stale.statusCode).toBe(200);
    expect(documentOf(stale)).toMatchObject({ version: 2, title: 'Renamed' });
    const before = await rowCounts();
    const again = await call(officer, 'PUT', `/api/governance/proposals/${d.id}`, { ...stroke, version: 1 });
    expect(again.statusCode).toBe(409);
    expect(again.json<{ title: string }>().title).toContain('it is at version 2, not 1');
    const noVersion = await call(officer, 'PUT', `/api/governance/proposals/${d.id}`, {
      ...stroke,
      title: '',
    });
    expect(noVersion.statusCode).toBe(400);
    expect(noVersion.json<{ issues: { path: string }[] }>().issues.map((i) => i.path)).toEqual([
      'version',
      'title',
    ]);
    const byOther = await call(secondOfficer, 'PUT', `/api/governance/proposals/${d.id}`, {
      ...stroke,
      version: 2,
    });
    expect(byOther.statusCode).toBe(404);
    expect(await rowCounts()).toEqual(before);
    // Both versions are kept.
    const versions = await test.db.query<{ version: number; title: string }>(
      'SELECT version, title FROM proposal_version WHERE proposal_id = $1 ORDER BY version',
      [d.id],
    );
    expect(versions).toEqual([
      { version: 1, title: stroke.title },
      { version: 2, title: 'Renamed' },
    ]);
  });
});

describe('the API: submitting routes the proposal', () => {
  it('a stroke proposal claiming scale, within the Board’s limit, goes to the Partnership Board', async () => {
    const s = await submitted();
    expect(s.status).toBe('submitted');
    expect(s.submittedAt).toBe(NOW.toISOString());
    expect(s.routing).toMatchObject({
      version: 1,
      proposalDate: '2025-03-03',
      rule: 'system-delegation',
      bodies: [{ id: 'partnership-board', name: 'Riverside Partnership Board' }],
      organisations: [],
      delegation: { id: 'councils-to-partnership-board', body: { id: 'partnership-board' } },
      testsMet: [{ id: 'scale', name: 'Scale' }],
      reason: null,
      challengeId: null,
      decidedBy: { name: 'officer.one Person' },
    });
    const why = s.routing?.rationale.join(' ') ?? '';
    expect(why).toContain(
      'Rule: a proposal that meets one or more tests for collective action goes to the system body',
    );
    expect(why).toContain("the delegation 'councils-to-partnership-board'");
    expect(why).toContain('Tests for collective action claimed: Scale.');
    expect(why).toContain('the proposal involves £250,000, within it');
    // Public now, to anyone.
    const seen = await call(undefined, 'GET', `/api/governance/proposals/${s.id}`);
    expect(seen.statusCode).toBe(200);
    expect(documentOf(seen).routing?.rule).toBe('system-delegation');
    const list = (await call(undefined, 'GET', '/api/governance/proposals')).json<{
      proposals: { id: number; routing: { rule: string } }[];
    }>();
    expect(list.proposals.find((p) => p.id === s.id)?.routing.rule).toBe('system-delegation');
  });

  it('routes by the data: over the limit → the partners’ own boards; no test → each place', async () => {
    const over = await submitted({ ...stroke, moneyPence: 60_000_000 });
    expect(over.routing).toMatchObject({
      rule: 'partners-own-boards',
      bodies: [],
      organisations: [{ id: 'north-bank-council' }, { id: 'riverside-icb' }, { id: 'south-bank-council' }],
    });
    expect(over.routing?.rationale.join(' ')).toContain('its financial limit is £500,000');
    // The findings are data too: every delegation considered, and its verdict with the figures.
    expect(over.routing?.findings).toEqual([
      {
        delegation: 'councils-to-partnership-board',
        body: 'partnership-board',
        verdict: 'over-limit',
        limitPence: 50_000_000,
        moneyPence: 60_000_000,
      },
    ]);
    const local = await submitted({ ...stroke, tests: [], moneyPence: null });
    expect(local.routing).toMatchObject({
      rule: 'each-place',
      bodies: [{ id: 'north-bank-hwb' }, { id: 'south-bank-hwb' }],
    });
  });

  it('once submitted, a proposal can be neither submitted again nor edited', async () => {
    const s = await submitted();
    const before = await rowCounts();
    const again = await call(officer, 'POST', `/api/governance/proposals/${s.id}/submit`, {
      version: s.version,
    });
    expect(again.statusCode).toBe(409);
    const edit = await call(officer, 'PUT', `/api/governance/proposals/${s.id}`, {
      ...stroke,
      version: s.version,
    });
    expect(edit.statusCode).toBe(409);
    expect(await rowCounts()).toEqual(before);
  });

  it('two submissions at once: exactly one routes it, the other is refused', async () => {
    const d = await draft();
    const [a, b] = await Promise.all([
      call(officer, 'POST', `/api/governance/proposals/${d.id}/submit`, { version: 1 }),
      call(officer, 'POST', `/api/governance/proposals/${d.id}/submit`, { version: 1 }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const routings = await test.db.query('SELECT version FROM routing_decision WHERE proposal_id = $1', [
      d.id,
    ]);
    expect(routings).toHaveLength(1);
  });
});

describe('the API: challenges', () => {
  it('a member challenges; an independent officer dismisses; a member challenges again; it is upheld and re-routed', async () => {
    const s = await submitted();
    const base = `/api/governance/proposals/${s.id}`;

    expect((await call(secondOfficer, 'POST', `${base}/challenges`, { reason: 'No.' })).statusCode).toBe(403);
    const empty = await call(member, 'POST', `${base}/challenges`, { reason: ' ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json<{ issues: unknown[] }>().issues).toEqual([
      { path: 'reason', message: 'Enter why the routing is wrong' },
    ]);

    const challenged = await call(member, 'POST', `${base}/challenges`, {
      reason: 'Scale is not met: each bank has enough strokes.',
    });
    expect(challenged.statusCode).toBe(201);
    const [challenge] = documentOf(challenged).challenges;
    expect(challenge).toMatchObject({
      routingVersion: 1,
      status: 'open',
      resolution: null,
      by: { name: 'member.one Person' },
    });
    const cid = challenge!.id;
    expect((await call(member, 'POST', `${base}/challenges`, { reason: 'Again.' })).statusCode).toBe(409);

    const resolution = `${base}/challenges/${cid}/resolution`;
    // The proposer may not resolve a challenge to their own proposal; a member may not resolve at all.
    const byProposer = await call(officer, 'POST', resolution, {
      outcome: 'dismissed',
      reason: 'Mine is right.',
    });
    expect(byProposer.statusCode).toBe(403);
    expect(byProposer.json<{ title: string }>().title).toContain('another officer must resolve');
    expect((await call(member, 'POST', resolution, { outcome: 'dismissed', reason: 'x' })).statusCode).toBe(
      403,
    );
    const noOutcome = await call(secondOfficer, 'POST', resolution, { reason: 'x' });
    expect(noOutcome.json<{ issues: unknown[] }>().issues).toEqual([
      {
        path: 'outcome',
        message: 'Choose whether the challenge is upheld (the routing changes) or dismissed (it stands)',
      },
    ]);

    const dismissed = await call(secondOfficer, 'POST', resolution, {
      outcome: 'dismissed',
      reason: 'Outcomes data shows neither bank reaches 600 strokes.',
    });
    expect(dismissed.statusCode).toBe(201);
    const afterDismissal = documentOf(dismissed);
    expect(afterDismissal.routings).toHaveLength(1);
    expect(afterDismissal.challenges[0]).toMatchObject({
      status: 'dismissed',
      resolution: { outcome: 'dismissed', routingVersion: null, by: { name: 'officer.two Person' } },
    });
    expect(
      (await call(secondOfficer, 'POST', resolution, { outcome: 'dismissed', reason: 'Again' })).statusCode,
    ).toBe(409);

    // The same member may challenge again once the first is resolved; another member may any time.
    const second = await call(otherMember, 'POST', `${base}/challenges`, {
      reason: 'Scale is not the reason: South Bank already runs a unit.',
    });
    expect(second.statusCode).toBe(201);
    const cid2 = documentOf(second).challenges.at(-1)!.id;
    const resolution2 = `${base}/challenges/${cid2}/resolution`;

    const before = await rowCounts();
    const unchanged = await call(secondOfficer, 'POST', resolution2, {
      outcome: 'upheld',
      reason: 'Agreed.',
    });
    expect(unchanged.statusCode).toBe(409);
    expect(unchanged.json<{ title: string }>().title).toContain('would not change the routing');
    const wrongTest = await call(secondOfficer, 'POST', resolution2, {
      outcome: 'upheld',
      reason: 'Agreed.',
      testsNotMet: ['wicked-issues'],
    });
    expect(wrongTest.statusCode).toBe(400);
    expect(wrongTest.json<{ issues: { path: string }[] }>().issues[0]?.path).toBe('testsNotMet[0]');
    expect(await rowCounts()).toEqual(before);

    const upheld = await call(secondOfficer, 'POST', resolution2, {
      outcome: 'upheld',
      reason: 'Each bank can sustain its own unit, so scale is not met.',
      testsNotMet: ['scale'],
    });
    expect(upheld.statusCode).toBe(201);
    const after = documentOf(upheld);
    expect(after.routings).toHaveLength(2);
    expect(after.routings[0]?.rule).toBe('system-delegation');
    expect(after.routing).toMatchObject({
      version: 2,
      proposalDate: '2025-03-03',
      rule: 'each-place',
      bodies: [{ id: 'north-bank-hwb' }, { id: 'south-bank-hwb' }],
      testsMet: [],
      reason: 'Each bank can sustain its own unit, so scale is not met.',
      challengeId: cid2,
      decidedBy: { name: 'officer.two Person' },
    });
    expect(after.routing?.rationale.join(' ')).toContain('On challenge, Scale was found not met');
    expect(after.challenges.at(-1)).toMatchObject({ status: 'upheld', resolution: { routingVersion: 2 } });
    expect(after.history.map((h) => h.action)).toEqual([
      'proposal-drafted',
      'proposal-submitted',
      'routing-challenged',
      'challenge-dismissed',
      'routing-challenged',
      'challenge-upheld',
    ]);
  });

  it('a matter found reserved to the partners goes to their own boards', async () => {
    const s = await submitted();
    const base = `/api/governance/proposals/${s.id}`;
    const challenged = await call(member, 'POST', `${base}/challenges`, {
      reason: 'Closing a unit is reserved to each partner.',
    });
    const cid = documentOf(challenged).challenges[0]!.id;
    const upheld = await call(secondOfficer, 'POST', `${base}/challenges/${cid}/resolution`, {
      outcome: 'upheld',
      reason: 'Service closures are reserved to the partners',
      reservedToPartners: true,
    });
    expect(upheld.statusCode).toBe(201);
    expect(documentOf(upheld).routing).toMatchObject({
      rule: 'partners-own-boards',
      organisations: [{ id: 'north-bank-council' }, { id: 'riverside-icb' }, { id: 'south-bank-council' }],
    });
  });

  it('a draft has no routing to challenge, and is not found by anyone but its proposer', async () => {
    const d = await draft();
    expect(
      (await call(member, 'POST', `/api/governance/proposals/${d.id}/challenges`, { reason: 'x' }))
        .statusCode,
    ).toBe(404);
    expect(
      (await call(member, 'POST', '/api/governance/proposals/999999/challenges', { reason: 'x' })).statusCode,
    ).toBe(404);
  });
});

describe('the store keeps everything', () => {
  it('refuses to change or delete any governance record', async () => {
    const s = await submitted();
    for (const sql of [
      'UPDATE proposal_version SET title = $2 WHERE proposal_id = $1',
      'DELETE FROM routing_decision WHERE proposal_id = $1 AND $2::text IS NOT NULL',
      'UPDATE governance_audit SET action = $2 WHERE proposal_id = $1',
    ]) {
      await expect(test.db.query(sql, [s.id, 'proposal-edited'])).rejects.toThrow(/never changed or deleted/);
    }
    await expect(test.db.query('TRUNCATE proposal CASCADE')).rejects.toThrow(/never changed or deleted/);
  });

  it('writes a draft whole or not at all: a claim the database refuses leaves no proposal behind', async () => {
    const before = await rowCounts();
    await expect(
      test.db.transaction(async (tx) => {
        const actor = { userId: officer.id, organisation: 'riverside-icb', roles: ['officer'] as Role[] };
        const id = await insertProposal(tx, 'riverside', actor, NOW);
        // Past the domain's checks (a claim's evidence must not be empty), straight to the database's own.
        const content = {
          title: 'Half',
          summary: 'Written',
          places: ['north-bank'],
          programme: undefined,
          moneyPence: undefined,
          evidence: 'None',
          tests: [{ test: 'scale', evidence: '' }],
        };
        await insertVersion(tx, id, 1, content, actor, NOW);
      }),
    ).rejects.toThrow(/proposal_test_claim_evidence_check/);
    expect(await rowCounts()).toEqual(before);
  });
});

describe('OpenAPI', () => {
  it('documents every governance route with a summary and the governance tag', async () => {
    const doc = (await call(undefined, 'GET', '/api/openapi.json')).json<{
      paths: Record<string, Record<string, { summary?: string; tags?: string[] }>>;
    }>();
    const routes: [string, string][] = [
      ['/api/governance/proposals', 'get'],
      ['/api/governance/proposals', 'post'],
      ['/api/governance/proposals/drafts', 'get'],
      ['/api/governance/proposals/{id}', 'get'],
      ['/api/governance/proposals/{id}', 'put'],
      ['/api/governance/proposals/{id}/submit', 'post'],
      ['/api/governance/proposals/{id}/challenges', 'post'],
      ['/api/governance/proposals/{id}/challenges/{challengeId}/resolution', 'post'],
    ];
    for (const [path, method] of routes) {
      expect(doc.paths[path]?.[method]?.summary, `${method} ${path}`).toBeTruthy();
      expect(doc.paths[path]?.[method]?.tags, `${method} ${path}`).toContain('governance');
    }
    expect(doc.paths['/proposals']).toBeUndefined();
  });
});

// ------------------------------------------------------------------------------------------------------------------
// Pages

/** Visible text with tags removed and whitespace collapsed. */
const visible = (body: string) =>
  body
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

const page = (who: Person | undefined, url: string) =>
  app.inject({ method: 'GET', url, headers: who === undefined ? {} : { cookie: who.cookie } });

/** Posts a form as a browser would: urlencoded, repeated names for ticked boxes, the session's CSRF token. */
const postForm = (who: Person, url: string, fields: [string, string][], csrf: string | null = who.csrf) =>
  app.inject({
    method: 'POST',
    url,
    headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams([
      ...(csrf === null ? [] : [['_csrf', csrf] as [string, string]]),
      ...fields,
    ]).toString(),
  });

describe('pages', () => {
  it('/proposals is public; officers also see a link to draft and their drafts', async () => {
    const anonymous = await page(undefined, '/proposals');
    expect(anonymous.statusCode).toBe(200);
    expect([...anonymous.body.matchAll(/<h1[\s>]/g)]).toHaveLength(1);
    expect(anonymous.body).not.toContain('Draft a proposal');
    const asOfficer = await page(officer, '/proposals');
    expect(asOfficer.body).toContain('href="/proposals/new"');
    expect(visible(asOfficer.body)).toContain('Your drafts');
    expect(asOfficer.body).toMatch(
      /aria-current="(page|true)"[^>]*>\s*(<[^>]+>\s*)*Proposals|href="\/proposals"[^>]*aria-current/,
    );
  });

  it('the drafting form: only officers; anyone else is sent to sign in or refused', async () => {
    const anonymous = await page(undefined, '/proposals/new');
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe('/sign-in?next=%2Fproposals%2Fnew');
    expect((await page(member, '/proposals/new')).statusCode).toBe(403);
    const form = await page(officer, '/proposals/new');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`name="_csrf" value="${officer.csrf}"`);
    for (const id of [
      'title',
      'summary',
      'places',
      'programme',
      'money',
      'evidence',
      'tests',
      'evidence-scale',
    ]) {
      expect(form.body, id).toContain(`id="${id}"`);
    }
    // Only current programmes are offered: North Bank frailty ended in March 2023.
    expect(form.body).not.toContain('value="north-bank-frailty"');
    expect((await postForm(officer, '/proposals', [['title', 'x']], null)).statusCode).toBe(403);
  });

  it('a form with errors says what to fix, linked to each field, and keeps everything typed', async () => {
    const before = await rowCounts();
    const response = await postForm(officer, '/proposals', [
      ['title', ''],
      ['summary', 'Keep <this> & that'],
      ['places', 'north-bank'],
      ['programme', 'stroke'],
      ['money', 'a lot'],
      ['evidence', 'Some evidence'],
      ['tests', 'scale'],
      ['tests', 'wicked-issues'],
      ['evidence-scale', 'Needs both banks'],
      ['evidence-wicked-issues', ''],
    ]);
    expect(response.statusCode).toBe(400);
    const body = response.body;
    expect(body).toMatch(/<title>Error: Draft a proposal/);
    expect(body).toContain('There is a problem');
    expect(body).toContain('href="#title"');
    expect(body).toContain('href="#money"');
    expect(body).toContain('href="#evidence-wicked-issues"');
    const text = visible(body);
    expect(text).toContain('Enter a title');
    expect(text).toContain('Enter an amount in pounds, like 250000 or 250,000.50');
    expect(text).toContain('Enter the evidence that the proposal meets this test');
    // What was typed is all there, escaped.
    expect(body).toContain('Keep &lt;this&gt; &amp; that</textarea>');
    expect(body).toContain('value="a lot"');
    expect(body).toContain('Needs both banks</textarea>');
    expect(body).toMatch(/value="north-bank" checked/);
    expect(body).toMatch(/value="scale" checked/);
    expect(body).toMatch(/<option value="stroke" selected/);
    // The errors are in the order of the form's fields.
    const summary = /nhsuk-error-summary__list[\s\S]*?<\/ul>/.exec(body)?.[0] ?? '';
    expect([...summary.matchAll(/href="#([a-z-]+)"/g)].map((m) => m[1])).toEqual([
      'title',
      'money',
      'evidence-wicked-issues',
    ]);
    // Money that is not an amount stops the save even when everything else is right.
    const onlyMoney = await postForm(officer, '/proposals', [
      ['title', 'A title'],
      ['summary', 'A summary'],
      ['places', 'north-bank'],
      ['money', '12.345'],
      ['evidence', 'Some evidence'],
    ]);
    expect(onlyMoney.statusCode).toBe(400);
    expect(onlyMoney.body).toContain('value="12.345"');
    expect(await rowCounts()).toEqual(before);
  });

  it('draft, preview, submit, challenge and resolve — all through the forms', async () => {
    const created = await postForm(officer, '/proposals', [
      ['title', 'Shared digital front door'],
      ['summary', 'One online front door for both banks.'],
      ['places', 'north-bank'],
      ['places', 'south-bank'],
      ['programme', 'digital'],
      ['money', '£120,000.50'],
      ['evidence', 'Two systems cost twice as much (invented).'],
      ['tests', 'scale'],
      ['evidence-scale', 'Built once for both banks.'],
    ]);
    expect(created.statusCode, created.body).toBe(303);
    const location = String(created.headers.location);
    expect(location).toMatch(/^\/proposals\/\d+\?done=drafted$/);
    const id = Number(/\/proposals\/(\d+)/.exec(location)?.[1]);
    const draftPage = visible((await page(officer, location)).body);
    expect(draftPage).toContain('Your draft is saved.');
    expect(draftPage).toContain('£120,000.50');
    expect(draftPage).toContain('If you submit it today');
    expect(draftPage).toContain('It would be decided by the system body under a delegation.');

    const editForm = await page(officer, `/proposals/${id}/edit`);
    expect(editForm.body).toContain('value="120000.50"');
    expect(editForm.body).toContain('name="version" value="1"');

    const submit = await postForm(officer, `/proposals/${id}/submit`, [['version', '1']]);
    expect(submit.statusCode).toBe(303);
    const published = await page(undefined, `/proposals/${id}`);
    expect(published.statusCode).toBe(200);
    const text = visible(published.body);
    expect(text).toContain('Where it goes, and why');
    expect(text).toContain('Riverside Partnership Board');
    expect(text).toContain('Tests for collective action claimed: Scale.');
    expect(text).toContain('No member has challenged the routing.');
    expect(published.body).not.toContain('Challenge the routing</a>');
    expect((await page(member, `/proposals/${id}`)).body).toContain(`href="/proposals/${id}/challenge"`);

    const emptyChallenge = await postForm(member, `/proposals/${id}/challenge`, [['reason', '']]);
    expect(emptyChallenge.statusCode).toBe(400);
    expect(visible(emptyChallenge.body)).toContain('Enter why the routing is wrong');
    const challenge = await postForm(member, `/proposals/${id}/challenge`, [
      ['reason', 'Digital is reserved to each partner.'],
    ]);
    expect(challenge.statusCode).toBe(303);
    const challengedPage = await page(secondOfficer, `/proposals/${id}`);
    expect(visible(challengedPage.body)).toContain('Digital is reserved to each partner.');
    const resolveLink = /href="(\/proposals\/\d+\/challenges\/(\d+)\/resolve)"/.exec(challengedPage.body);
    expect(resolveLink).not.toBeNull();
    // The proposer is not offered the resolution.
    expect((await page(officer, `/proposals/${id}`)).body).not.toContain('/resolve"');
    expect((await page(officer, resolveLink![1]!)).statusCode).toBe(403);

    const noChoice = await postForm(secondOfficer, resolveLink![1]!, [['reason', 'Because.']]);
    expect(noChoice.statusCode).toBe(400);
    expect(visible(noChoice.body)).toContain('Choose whether the challenge is upheld');
    expect(noChoice.body).toContain('Because.</textarea>');
    const nothingChanges = await postForm(secondOfficer, resolveLink![1]!, [
      ['outcome', 'upheld'],
      ['reason', 'Agreed'],
    ]);
    expect(nothingChanges.statusCode).toBe(400);
    expect(visible(nothingChanges.body)).toContain('would not change the routing');
    const resolved = await postForm(secondOfficer, resolveLink![1]!, [
      ['outcome', 'upheld'],
      ['reservedToPartners', 'yes'],
      ['reason', 'Each partner procures its own systems.'],
    ]);
    expect(resolved.statusCode).toBe(303);
    const final = visible((await page(undefined, `/proposals/${id}`)).body);
    expect(final).toContain('The partners’ own boards');
    expect(final).toContain('Upheld by officer.two Person');
    expect(final).toContain('Earlier routings');
    expect(final).toContain('Re-routed after challenge');
  });

  it('an unknown or unseen proposal is a 404 page', async () => {
    const d = await draft();
    for (const url of ['/proposals/999999', '/proposals/abc', `/proposals/${d.id}`]) {
      const response = await page(undefined, url);
      expect(response.statusCode, url).toBe(404);
      expect(visible(response.body)).toContain('There is no such proposal.');
    }
  });
});
