/**
 * The ledger's pages through the real server on Riverside: the public trial balance and chart (page, CSV, JSON);
 * the journal and each entry for finance officers only; posting an entry from the form (a bad one refused with its
 * rows named and nothing written), reversing it, closing a month, opening a year and an account — and the same
 * steps through the JSON API.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { testServer } from '../../../test/support/server.js';
import { loadRiverside } from '../../../test/support/riverside.js';
import { postForm, signedInPerson, type SignedIn } from '../../../test/support/people.js';
import { openAccount, openFinancialYear } from '../../money/index.js';
import { rangeOf } from './ledger-pages.js';

const NOW = new Date('2025-07-15T10:00:00Z'); // financial year 2025/26, month 4 (July)
let test: TestDatabase;
let app: FastifyInstance;
let finance: SignedIn;
let officer: SignedIn;

const entries = async () =>
  Number((await test.db.query<{ n: string }>('SELECT count(*) AS n FROM journal_entry'))[0]?.n);

beforeAll(async () => {
  test = await createTestDatabase();
  const loaded = await loadRiverside(test.db);
  finance = await signedInPerson(test.db, 'finance.one', 'riverside-icb', ['finance'], NOW);
  officer = await signedInPerson(test.db, 'officer.one', 'riverside-icb', ['officer'], NOW);
  const books = { db: test.db, partnershipId: loaded.partnership.info.id, now: NOW };
  const fin = { userId: finance.id, organisation: 'riverside-icb' };
  await openFinancialYear(books, fin, 2025);
  await openAccount(books, fin, { code: 'CASH', name: 'Cash at bank', kind: 'asset' });
  app = await testServer(test.db, loaded.partnership.info.id, NOW);
});

afterAll(async () => {
  await app.close();
  await test.drop();
});

describe('the range a query names', () => {
  it('defaults to this year from April to this month, and a past year whole', () => {
    expect(rangeOf({}, '2025-07-15')).toEqual({
      year: 2025,
      from: { financialYear: 2025, period: 1 },
      to: { financialYear: 2025, period: 4 },
    });
    expect(rangeOf({ year: '2024' }, '2025-07-15').to.period).toBe(12);
    expect(rangeOf({ year: '2025', from: '6', to: '2' }, '2025-07-15').to.period).toBe(6);
    expect(rangeOf({ year: 'x', from: '13' }, '2025-07-15').from.period).toBe(1);
  });
});

it('a finance officer opens an account from the form; a bad one is refused with its fields; others may not', async () => {
  const bad = await postForm(app, finance, '/money/accounts', {
    code: 'no spaces',
    name: '',
    kind: 'expenditure',
  });
  expect(bad.statusCode).toBe(400);
  expect(bad.body).toContain('href="#code"');
  expect(bad.body).toContain('href="#name"');
  const again = await postForm(app, finance, '/money/accounts', {
    code: 'CASH',
    name: 'Cash',
    kind: 'asset',
  });
  expect(again.statusCode).toBe(400);
  expect(again.body).toContain('There is already an account CASH');
  expect(
    (await postForm(app, officer, '/money/accounts', { code: 'X1', name: 'X', kind: 'asset' })).statusCode,
  ).toBe(403);
  const good = await postForm(app, finance, '/money/accounts', {
    code: 'EXP-NB-ACUTE',
    name: 'North Bank acute',
    kind: 'expenditure',
    place: 'north-bank',
    category: 'acute',
    organisation: '',
  });
  expect(good.statusCode, good.body).toBe(303);
  const chart = await app.inject({ method: 'GET', url: '/money/accounts' });
  expect(chart.body).toContain('North Bank acute');
  const csv = await app.inject({ method: 'GET', url: '/money/accounts.csv' });
  expect(csv.body).toContain('EXP-NB-ACUTE,North Bank acute,expenditure,,north-bank,,acute,no');
});

it('a bad entry is refused with each row named and nothing posted; what was typed is kept', async () => {
  const bad = await postForm(app, finance, '/money/journal', {
    date: '2025-07-01',
    description: 'Acute invoice',
    reason: 'Paid in July',
    'line1-account': 'EXP-NB-ACUTE',
    'line1-debit': '1,000',
    'line3-account': 'CASH',
    'line3-credit': '999.99',
  });
  expect(bad.statusCode).toBe(400);
  expect(bad.body).toContain('the lines do not balance');
  expect(bad.body).toContain('999.99');
  const rows = await postForm(app, finance, '/money/journal', {
    date: '2025-13-01',
    description: '',
    reason: 'x',
    'line1-account': 'EXP-NB-ACUTE',
    'line1-debit': '10',
    'line1-credit': '10',
  });
  expect(rows.statusCode).toBe(400);
  expect(rows.body).toContain('href="#line1-credit"');
  expect(rows.body).toContain('href="#date"');
  expect(rows.body).toContain('href="#description"');
  expect(await entries()).toBe(0);
});

let posted: number;

it('an entry posted from the form shows in the trial balance, the journal and its own page', async () => {
  const good = await postForm(app, finance, '/money/journal', {
    date: '2025-07-01',
    description: 'Acute invoice',
    reason: 'Paid in July',
    'line1-account': 'EXP-NB-ACUTE',
    'line1-debit': '1,000',
    'line2-account': 'CASH',
    'line2-credit': '1000',
    'line2-memo': 'BACS 123',
  });
  expect(good.statusCode, good.body).toBe(303);
  posted = Number(/\/money\/journal\/(\d+)/.exec(good.headers.location as string)?.[1]);
  const tb = await app.inject({ method: 'GET', url: '/money/ledger?year=2025' });
  expect(tb.statusCode).toBe(200);
  expect(tb.body).toContain('the books balance');
  expect(tb.body).toContain('£1,000');
  // The public sees the balance but no link into the journal, which names the people who posted.
  expect(tb.body).not.toContain('/money/journal?');
  const csv = await app.inject({ method: 'GET', url: '/money/ledger.csv?year=2025&to=4' });
  expect(csv.body.trim().split('\r\n')).toEqual([
    'financial_year,from_period,to_period,account,name,kind,debit_pence,credit_pence,net_pence,lines',
    '2025,1,4,CASH,Cash at bank,asset,0,100000,-100000,1',
    '2025,1,4,EXP-NB-ACUTE,North Bank acute,expenditure,100000,0,100000,1',
    '2025,1,4,TOTAL,All Riverside Health and Care Partnership,,100000,100000,0,2',
  ]);
  const byPlace = await app.inject({ method: 'GET', url: '/money/ledger.csv?year=2025&by=place' });
  expect(byPlace.body).toContain('north-bank,North Bank,');
  const json = await app.inject({ method: 'GET', url: '/api/money/trial-balance?year=2025' });
  expect(json.json()).toMatchObject({ financialYear: 2025, balanced: true, total: { debitPence: 100000 } });

  expect((await app.inject({ method: 'GET', url: '/money/journal' })).statusCode).not.toBe(200);
  const journal = await app.inject({
    method: 'GET',
    url: '/money/journal',
    headers: { cookie: finance.cookie },
  });
  expect(journal.statusCode).toBe(200);
  expect(journal.body).toContain('finance.one Person');
  expect(journal.body).toContain('BACS 123');
  const entry = await app.inject({
    method: 'GET',
    url: `/money/journal/${posted}`,
    headers: { cookie: finance.cookie },
  });
  expect(entry.body).toContain('Paid in July');
  expect(entry.body).toContain(`/money/journal/${posted}/reverse`);
  const lines = await app.inject({
    method: 'GET',
    url: '/money/journal.csv?year=2025',
    headers: { cookie: finance.cookie },
  });
  expect(lines.body.trim().split('\r\n')).toHaveLength(3);
  expect(
    (await app.inject({ method: 'GET', url: '/money/journal', headers: { cookie: officer.cookie } }))
      .statusCode,
  ).toBe(403);
});

it('an entry is reversed once, from its page, into an open month', async () => {
  const bad = await postForm(app, finance, `/money/journal/${posted}/reverse`, {
    date: '2026-07-01',
    reason: '',
  });
  expect(bad.statusCode).toBe(400);
  const done = await postForm(app, finance, `/money/journal/${posted}/reverse`, {
    date: '2025-07-02',
    reason: 'Paid twice',
  });
  expect(done.statusCode, done.body).toBe(303);
  const again = await postForm(app, finance, `/money/journal/${posted}/reverse`, {
    date: '2025-07-02',
    reason: 'Again',
  });
  expect(again.statusCode).toBe(400);
  expect(again.body).toContain('has already been reversed');
  const tb = await app.inject({ method: 'GET', url: '/api/money/trial-balance?year=2025' });
  expect(tb.json()).toMatchObject({ total: { debitPence: 200000, creditPence: 200000, netPence: 0 } });
});

it('a month that has ended is closed with a reason, and takes no more postings', async () => {
  const before = await app.inject({
    method: 'GET',
    url: '/money/ledger?year=2025',
    headers: { cookie: finance.cookie },
  });
  expect(before.body).toContain('/money/periods/2025/1/close');
  expect(before.body).not.toContain('/money/periods/2025/4/close'); // July is still under way
  expect((await postForm(app, finance, '/money/periods/2025/1/close', { reason: '' })).statusCode).toBe(400);
  const closed = await postForm(app, finance, '/money/periods/2025/1/close', { reason: 'Month-end close' });
  expect(closed.statusCode).toBe(303);
  const after = await app.inject({ method: 'GET', url: '/money/ledger?year=2025' });
  expect(after.body).toContain('Month-end close');
  const into = await postForm(app, finance, '/money/journal', {
    date: '2025-04-10',
    description: 'Late invoice',
    reason: 'Found late',
    'line1-account': 'EXP-NB-ACUTE',
    'line1-debit': '5',
    'line2-account': 'CASH',
    'line2-credit': '5',
  });
  expect(into.statusCode).toBe(400);
  expect(into.body).toMatch(/closed/);
});

it('a year is opened once, from the form', async () => {
  expect((await postForm(app, finance, '/money/years', { financialYear: '2026' })).statusCode).toBe(303);
  const twice = await postForm(app, finance, '/money/years', { financialYear: '2026' });
  expect(twice.statusCode).toBe(400);
  expect(twice.body).toContain('already open');
  expect((await postForm(app, finance, '/money/years', { financialYear: 'next' })).statusCode).toBe(400);
});

describe('the JSON API', () => {
  const api = (who: SignedIn, url: string, body: unknown) =>
    app.inject({
      method: 'POST',
      url,
      headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });

  it('posts, reverses and closes with problem+json naming each field', async () => {
    const bad = await api(finance, '/api/money/journal', {
      date: '2025-07-03',
      description: 'x',
      reason: 'y',
      lines: [
        { account: 'CASH', amountPence: 10.5 },
        { account: 'EXP-NB-ACUTE', amountPence: -10 },
      ],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ issues: unknown[] }>().issues).toContainEqual(
      expect.objectContaining({ path: 'lines[0].amountPence' }),
    );
    const good = await api(finance, '/api/money/journal', {
      date: '2025-07-03',
      description: 'Refund',
      reason: 'Overpaid',
      lines: [
        { account: 'CASH', amountPence: 500 },
        { account: 'EXP-NB-ACUTE', amountPence: -500 },
      ],
    });
    expect(good.statusCode, good.body).toBe(201);
    const id = good.json<{ id: number }>().id;
    expect(
      (await api(finance, `/api/money/journal/${id}/reversal`, { date: '2025-07-04', reason: 'No' }))
        .statusCode,
    ).toBe(201);
    expect((await api(officer, '/api/money/journal', {})).statusCode).toBe(403);
    expect(
      (await api(finance, '/api/money/periods/2025/2/closure', { reason: 'May close' })).statusCode,
    ).toBe(201);
    expect((await api(finance, '/api/money/periods/2025/2/closure', { reason: 'Again' })).statusCode).toBe(
      409,
    );
  });
});
