/**
 * Transformation funding released against milestones, through the real server and database, on Riverside: a
 * finance officer sets up a stroke fund (two tranches) through the API; a release is refused while the stroke unit's
 * milestone is only reported, then — once another officer verifies it and the Partnership Board has agreed the
 * release in public — recorded and posted to the ledger; a release beyond the tranche, or on a decision used before,
 * is refused; and the database itself refuses to take a tranche beyond its amount.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { testServer } from '../../../test/support/server.js';
import { loadRiverside } from '../../../test/support/riverside.js';
import { postForm, signedInPerson, type SignedIn } from '../../../test/support/people.js';
import { changeRegister, recordAtMeeting, scheduleMeeting } from '../../governance/meetings/index.js';
import { openAccount, openFinancialYear, postEntry } from '../../money/index.js';
import { decideReport, reportMilestone } from '../../outcomes/index.js';
import type { Partnership } from '../../partnership/index.js';

const NOW = new Date('2025-07-01T10:00:00Z');
let test: TestDatabase;
let app: FastifyInstance;
let partnership: Partnership;
let finance: SignedIn;
const ids: Record<string, string> = {};

const stroke = () => partnership.milestones?.find((m) => m.id === 'stroke-unit-open');

beforeAll(async () => {
  test = await createTestDatabase();
  const loaded = await loadRiverside(test.db);
  partnership = loaded.partnership;
  finance = await signedInPerson(test.db, 'finance.one', 'riverside-icb', ['finance'], NOW);
  for (const [name, org] of [
    ['clerk', 'riverside-icb'],
    ['hospital', 'riverside-hospitals'],
    ['checker', 'riverside-icb'],
  ] as const) {
    ids[name] = (await signedInPerson(test.db, name, org, ['officer'], NOW)).id;
  }
  const books = { db: test.db, partnershipId: partnership.info.id, now: NOW };
  const fin = { userId: finance.id, organisation: 'riverside-icb' };
  await openFinancialYear(books, fin, 2025);
  for (const account of [
    { code: 'TF-HELD', name: 'Transformation fund held', kind: 'asset' },
    { code: 'TF-INCOME', name: 'Transformation funding received', kind: 'income' },
    { code: 'TF-STROKE', name: 'Stroke programme transformation', kind: 'expenditure', programme: 'stroke' },
    {
      code: 'CAP-STROKE',
      name: 'Stroke unit: assets under construction',
      kind: 'asset',
      programme: 'stroke',
    },
  ]) {
    const opened = await openAccount(books, fin, account);
    if (!opened.ok) throw new Error(JSON.stringify(opened.error));
  }
  await postEntry(books, fin, {
    date: '2025-04-01',
    description: 'Transformation funding received',
    reason: 'National allocation (invented)',
    lines: [
      { account: 'TF-HELD', amountPence: 80_000_000 },
      { account: 'TF-INCOME', amountPence: -80_000_000 },
    ],
  });
  app = await testServer(test.db, partnership.info.id, NOW);
});

afterAll(async () => {
  await app.close();
  await test.drop();
});

const releaseForm = (fields: Record<string, string>) =>
  app.inject({
    method: 'POST',
    url: '/money/transformation/1/release',
    headers: { cookie: finance.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: finance.csrf, ...fields }).toString(),
  });

/** Sets up a fund through the API, as the finance officer. */
const call = (payload: object) =>
  app.inject({
    method: 'POST',
    url: '/api/money/transformation/funds',
    headers: { cookie: finance.cookie, 'x-csrf-token': finance.csrf },
    payload,
  });

async function count(table: string): Promise<number> {
  const [row] = await test.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(row?.n);
}

/** The Partnership Board agrees the release at a meeting in public: the decision the release must name. */
async function boardAgreesRelease(): Promise<string> {
  const ctx = {
    db: test.db,
    partnershipId: partnership.info.id,
    today: '2025-06-12',
    now: new Date('2025-06-12T15:00:00Z'),
  };
  const clerk = { userId: ids.clerk ?? '', organisation: 'riverside-icb', roles: ['officer' as const] };
  for (const [name, organisation, role] of [
    ['Cllr Ada North', 'north-bank-council', 'Leader of the Council'],
    ['Cara Hale', 'riverside-hospitals', 'Chair'],
    ['Esther Ives', 'riverside-icb', 'Chair'],
  ]) {
    await changeRegister(ctx, clerk, 'partnership-board', {
      kind: 'appointed',
      input: { name, organisation, role, from: '2025-01-01' },
    });
  }
  const meeting = await scheduleMeeting({ ...ctx, now: new Date('2025-05-01T09:00:00Z') }, clerk, {
    body: 'partnership-board',
    startsAt: '2025-06-12T13:00:00Z',
    location: 'Town Hall',
  });
  if (!meeting.ok) throw new Error(JSON.stringify(meeting.error));
  const id = meeting.value.id;
  await recordAtMeeting(
    { ...ctx, now: new Date('2025-05-01T09:00:00Z'), today: '2025-05-01' },
    clerk,
    id,
    'item',
    {
      title: 'Stroke transformation fund: release of tranche 1',
      purpose: 'procedural',
    },
  );
  await recordAtMeeting(ctx, clerk, id, 'attendance', { present: [1, 2, 3], apologies: [] });
  const decided = await recordAtMeeting(ctx, clerk, id, 'decision', {
    item: 1,
    resolution: 'Agreed to release tranche 1 once the stroke unit is verified open.',
    method: 'consensus',
  });
  if (!decided.ok) throw new Error(JSON.stringify(decided.error));
  return decided.value.items[0]?.decision?.reference ?? '';
}

describe('transformation funding', () => {
  let decision = '';

  it('a finance officer sets up a fund through the API; bad tranches are refused with their paths', async () => {
    const fund = {
      name: 'Stroke transformation fund',
      programme: 'stroke',
      source: 'National transformation allocation 2025/26 (invented)',
      releaseBody: 'partnership-board',
      fundAccount: 'TF-HELD',
      spendAccount: 'TF-STROKE',
      tranches: [
        { amountPence: 50_000_000, description: 'Open the unit', milestones: ['stroke-unit-open'] },
        { amountPence: 30_000_000, description: 'Rehabilitation', milestones: ['stroke-rehab-pathway'] },
      ],
    };
    const bad = await call({
      ...fund,
      spendAccount: 'TF-INCOME',
      tranches: [{ amountPence: 10.5, description: 'x', milestones: ['shared-record-live'] }],
    });
    expect(bad.statusCode).toBe(400);
    const badAgain = await call({
      ...fund,
      spendAccount: 'TF-INCOME',
      tranches: [{ amountPence: 100, description: 'x', milestones: ['shared-record-live'] }],
    });
    expect(JSON.stringify(badAgain.json())).toContain('account TF-INCOME is income; it must be expenditure');
    expect(JSON.stringify(badAgain.json())).toContain(
      'milestone shared-record-live belongs to the digital programme, not stroke',
    );
    const created = await call(fund);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ id: 1, amountPence: 80_000_000, releasedPence: 0 });
  });

  it('is refused while the milestone is only reported, and writes nothing', async () => {
    decision = await boardAgreesRelease();
    expect(decision).toBe('PB-2025-001');
    const milestone = stroke();
    if (milestone === undefined) throw new Error('no stroke milestone');
    const reported = await reportMilestone(
      { db: test.db, partnershipId: partnership.info.id, now: new Date('2025-06-20T10:00:00Z') },
      { userId: ids.hospital ?? '', organisation: 'riverside-hospitals', roles: ['officer'] },
      milestone,
      { completedOn: '2025-06-18', evidence: 'The unit took its first patients (invented).' },
    );
    if (!reported.ok) throw new Error(JSON.stringify(reported.error));
    const before = [await count('journal_entry'), await count('tranche_release')];
    const refused = await releaseForm({
      tranche: '1',
      amount: '400,000',
      decision,
      releasedOn: '2025-07-01',
      reason: 'Opening costs',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('is not verified (reported complete but not yet verified)');
    expect(refused.body).toContain('value="400,000"');
    expect([await count('journal_entry'), await count('tranche_release')]).toEqual(before);

    const verified = await decideReport(
      { db: test.db, partnershipId: partnership.info.id, now: new Date('2025-06-25T10:00:00Z') },
      { userId: ids.checker ?? '', organisation: 'riverside-icb', roles: ['officer'] },
      milestone,
      reported.value.reportId,
      { decision: 'verified', reason: 'Visited the unit (invented).' },
    );
    expect(verified.ok).toBe(true);
  });

  it('once verified and agreed, is released and posted to the ledger', async () => {
    const released = await releaseForm({
      tranche: '1',
      amount: '400,000',
      decision,
      releasedOn: '2025-07-01',
      reason: 'Opening costs',
    });
    expect(released.statusCode, released.body).toBe(303);
    const lines = await test.db.query<{ account_code: string; amount_pence: string }>(
      `SELECT l.account_code, l.amount_pence FROM journal_line l
         JOIN tranche_release r ON r.journal_entry_id = l.entry_id ORDER BY l.amount_pence DESC`,
    );
    expect(lines.map((l) => [l.account_code, Number(l.amount_pence)])).toEqual([
      ['TF-STROKE', 40_000_000],
      ['TF-HELD', -40_000_000],
    ]);
    const tracker = await app.inject({ method: 'GET', url: '/money/transformation' });
    expect(tracker.body).toContain(
      '£400,000 on 1 July 2025, decision <a href="/decisions/PB-2025-001">PB-2025-001</a>',
    );
    expect(tracker.body).toContain('£100,000 left');
    const csv = await app.inject({ method: 'GET', url: '/money/transformation.csv' });
    expect(csv.body).toContain(
      'Stroke transformation fund,revenue,stroke,partnership-board,1,50000000,40000000,stroke-unit-open,yes,PB-2025-001:40000000',
    );
  });

  it('refuses a release beyond the tranche, on a decision used before, or of a tranche still waiting', async () => {
    const beyond = await releaseForm({
      tranche: '1',
      amount: '150,000',
      decision,
      releasedOn: '2025-07-01',
      reason: 'More',
    });
    expect(beyond.statusCode).toBe(400);
    expect(beyond.body).toContain('is beyond the tranche: £100,000.00 of its £500,000.00 is left to release');
    expect(beyond.body).toContain('PB-2025-001 has already released tranche 1 of fund 1');
    const waiting = await releaseForm({
      tranche: '2',
      amount: '1',
      decision,
      releasedOn: '2025-07-01',
      reason: 'Early',
    });
    expect(waiting.body).toContain(
      'milestone “Stroke rehabilitation pathway agreed” is not verified (not reported)',
    );
    const releases = await count('tranche_release');
    const fractional = await releaseForm({
      tranche: '2',
      amount: '10.005',
      decision: 'PB-2099-001',
      releasedOn: '2025-07-01',
      reason: 'x',
    });
    expect(fractional.statusCode).toBe(400);
    expect(fractional.body).toContain('value="10.005"');
    expect(await count('tranche_release')).toBe(releases);
  });

  it('the database refuses a release beyond the tranche, and any change', async () => {
    await expect(
      test.db.query(
        `INSERT INTO tranche_release (fund_id, tranche_number, release_number, amount_pence, released_on, decision_reference,
           journal_entry_id, reason, released_by, released_by_organisation, released_at)
         SELECT 1, 1, 2, 20000000, '2025-07-01', 'PB-2025-001', 1, 'x', $1, 'riverside-icb', now()`,
        [finance.id],
      ),
    ).rejects.toThrow(/beyond its 50000000 pence/);
    await expect(test.db.query('UPDATE tranche_release SET amount_pence = 1')).rejects.toThrow(
      /never changed or deleted/,
    );
  });

  it('capital funding: spends to an asset, is shown and added up apart from revenue', async () => {
    const fund = {
      name: 'Stroke unit capital',
      funding: 'capital',
      programme: 'stroke',
      source: 'National capital allocation 2025/26 (invented)',
      releaseBody: 'partnership-board',
      fundAccount: 'TF-HELD',
      spendAccount: 'TF-STROKE',
      tranches: [
        { amountPence: 20_000_000, description: 'Build the unit', milestones: ['stroke-unit-open'] },
      ],
    };
    const expenditure = await call(fund);
    expect(expenditure.statusCode).toBe(400);
    expect(expenditure.body).toContain('account TF-STROKE is expenditure; it must be asset');
    expect((await call({ ...fund, funding: 'loan' })).statusCode).toBe(400);
    const created = await call({ ...fund, spendAccount: 'CAP-STROKE' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ funding: 'capital' });
    const tracker = await app.inject({ method: 'GET', url: '/money/transformation' });
    expect(tracker.body).toMatch(/<h2>Revenue funding<\/h2>\s*<p>[^<]*£400,000 of £800,000 released/);
    expect(tracker.body).toMatch(/<h2>Capital funding<\/h2>\s*<p>[^<]*£0 of £200,000 released/);
    const csv = await app.inject({ method: 'GET', url: '/money/transformation.csv' });
    expect(csv.body).toContain('Stroke unit capital,capital,stroke,');
    // The database holds the rule too: a capital fund spending to an expenditure account is refused.
    await expect(
      test.db.query(
        `INSERT INTO transformation_fund (partnership_id, name, programme, source, release_body, fund_account,
           spend_account, created_by, created_by_organisation, created_at, funding)
         VALUES ($1, 'Direct', 'stroke', 'x', 'partnership-board', 'TF-HELD', 'TF-STROKE', $2, 'riverside-icb', now(),
           'capital')`,
        [partnership.info.id, finance.id],
      ),
    ).rejects.toThrow(/a capital fund spends to an asset account TF-STROKE, which is expenditure/);
  });

  it('a fund set up from the form: a bad amount and a milestone of another programme named beside their fields', async () => {
    const fields = {
      name: 'Stroke rehabilitation fund',
      funding: 'revenue',
      programme: 'stroke',
      source: 'Local allocation (invented)',
      releaseBody: 'partnership-board',
      fundAccount: 'TF-HELD',
      spendAccount: 'TF-STROKE',
      'tranche2-amount': '12.345',
      'tranche2-description': 'Therapists',
      'tranche2-milestones': 'stroke-rehab-pathway',
    };
    const funds = await count('transformation_fund');
    const amount = await postForm(app, finance, '/money/transformation/funds', fields);
    expect(amount.statusCode).toBe(400);
    expect(amount.body).toContain('href="#tranche2-amount"');
    expect(amount.body).toMatch(/value="stroke-rehab-pathway" checked/);
    const other = await app.inject({
      method: 'POST',
      url: '/money/transformation/funds',
      headers: { cookie: finance.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `${new URLSearchParams({ ...fields, 'tranche2-amount': '120,000', _csrf: finance.csrf }).toString()}&tranche2-milestones=shared-record-live`,
    });
    expect(other.statusCode).toBe(400);
    expect(other.body).toContain('milestone shared-record-live belongs to the digital programme, not stroke');
    expect(other.body).toContain('href="#tranche2-milestones"');
    expect(await count('transformation_fund')).toBe(funds);
    const made = await postForm(app, finance, '/money/transformation/funds', {
      ...fields,
      'tranche2-amount': '120,000',
    });
    expect(made.statusCode, made.body).toBe(303);
    const tracker = await app.inject({ method: 'GET', url: '/money/transformation' });
    expect(tracker.body).toContain('Stroke rehabilitation fund');
    expect(tracker.body).toContain('£120,000 in 1 tranche;');
  });

  it('only finance officers release', async () => {
    const form = await app.inject({ method: 'GET', url: '/money/transformation/1/release' });
    expect([302, 303, 401]).toContain(form.statusCode);
  });
});
