/**
 * The collective budget through the real server on Riverside: a finance officer sets the year's budget from CSV (a
 * bad file refused with its lines, nothing saved, what was typed kept); the page and CSV set it beside the ledger's
 * actuals, for the system and a place; setting it again makes a new version; only finance officers set it.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { testServer } from '../../../test/support/server.js';
import { loadRiverside } from '../../../test/support/riverside.js';
import { signedInPerson, type SignedIn } from '../../../test/support/people.js';
import { openAccount, openFinancialYear, postEntry } from '../../money/index.js';

const NOW = new Date('2025-07-15T10:00:00Z'); // financial year 2025/26, month 4 (July)
let test: TestDatabase;
let app: FastifyInstance;
let finance: SignedIn;
let officer: SignedIn;

beforeAll(async () => {
  test = await createTestDatabase();
  const loaded = await loadRiverside(test.db);
  finance = await signedInPerson(test.db, 'finance.one', 'riverside-icb', ['finance'], NOW);
  officer = await signedInPerson(test.db, 'officer.one', 'riverside-icb', ['officer'], NOW);
  const books = { db: test.db, partnershipId: loaded.partnership.info.id, now: NOW };
  const fin = { userId: finance.id, organisation: 'riverside-icb' };
  await openFinancialYear(books, fin, 2025);
  for (const account of [
    { code: 'CASH', name: 'Cash', kind: 'asset' },
    {
      code: 'EXP-NB-ACUTE',
      name: 'North Bank acute',
      kind: 'expenditure',
      place: 'north-bank',
      category: 'acute',
    },
    {
      code: 'EXP-SB-ACUTE',
      name: 'South Bank acute',
      kind: 'expenditure',
      place: 'south-bank',
      category: 'acute',
    },
  ]) {
    await openAccount(books, fin, account);
  }
  for (const [date, nb, sb] of [
    ['2025-04-30', 110_000, 40_000],
    ['2025-05-31', 105_000, 50_000],
    ['2025-06-30', 100_000, 50_000],
  ] as const) {
    await postEntry(books, fin, {
      date,
      description: 'Month’s spending',
      reason: 'Invented for tests',
      lines: [
        { account: 'EXP-NB-ACUTE', amountPence: nb * 100 },
        { account: 'EXP-SB-ACUTE', amountPence: sb * 100 },
        { account: 'CASH', amountPence: -(nb + sb) * 100 },
      ],
    });
  }
  app = await testServer(test.db, loaded.partnership.info.id, NOW);
});

afterAll(async () => {
  await app.close();
  await test.drop();
});

const setBudget = (who: SignedIn, fields: Record<string, string>) =>
  app.inject({
    method: 'POST',
    url: '/money/budget',
    headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: who.csrf, ...fields }).toString(),
  });

const yearOf = (nb: number, sb: number) =>
  [
    'account,period,amount',
    ...Array.from({ length: 12 }, (_, i) => `EXP-NB-ACUTE,${i + 1},${nb}`),
    ...Array.from({ length: 12 }, (_, i) => `EXP-SB-ACUTE,${i + 1},${sb}`),
  ].join('\n');

it('a bad file is refused with its lines, nothing saved, and what was typed kept', async () => {
  const bad = await setBudget(finance, {
    year: '2025',
    csv: 'account,period,amount\nCASH,1,10\nEXP-NB-ACUTE,14,5',
    reason: 'First cut',
  });
  expect(bad.statusCode).toBe(400);
  expect(bad.body).toContain('line 2: account CASH is asset');
  expect(bad.body).toContain('line 3: period 14 is not a month of the year');
  expect(bad.body).toContain('First cut');
  const [row] = await test.db.query<{ n: string }>('SELECT count(*) AS n FROM budget_version');
  expect(Number(row?.n)).toBe(0);
  expect((await setBudget(officer, { year: '2025', csv: yearOf(1, 1), reason: 'x' })).statusCode).toBe(403);
});

it('the budget beside the actuals to June: variance and forecast outturn, for the system and a place', async () => {
  const set = await setBudget(finance, {
    year: '2025',
    csv: yearOf(100_000, 50_000),
    reason: 'Agreed by the partners (invented)',
  });
  expect(set.statusCode, set.body).toBe(303);
  const page = await app.inject({ method: 'GET', url: '/money/budget?year=2025&through=3&by=place' });
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain('North Bank');
  expect(page.body).toContain('£315,000'); // actual to date, North Bank
  expect(page.body).toContain('£1,215,000'); // forecast outturn: 315,000 + 9 × 100,000
  const csv = await app.inject({
    method: 'GET',
    url: '/money/budget.csv?year=2025&through=3&by=place&place=south-bank',
  });
  const lines = csv.body.trim().split('\r\n');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toBe(
    '2025,3,south-bank,South Bank,expenditure,60000000,15000000,14000000,-1000000,59000000,-1000000',
  );
});

it('setting it again makes a new version, and nothing is changed in place', async () => {
  expect(
    (await setBudget(finance, { year: '2025', csv: yearOf(101_000, 50_000), reason: 'Revised in July' }))
      .statusCode,
  ).toBe(303);
  const page = await app.inject({ method: 'GET', url: '/money/budget?year=2025' });
  expect(page.body).toContain('Budget version 2');
  expect(page.body).toContain('Revised in July');
  await expect(test.db.query('UPDATE budget_line SET amount_pence = 0')).rejects.toThrow(
    /never changed or deleted/,
  );
});

it('the budget as an uploaded file: a bad one comes back in the box with its lines named; a good one is set', async () => {
  const upload = (csv: string) => {
    const form = new FormData();
    form.set('_csrf', finance.csrf);
    form.set('year', '2025');
    form.set('reason', 'From the finance system');
    form.set('csv', 'ignored when a file is chosen');
    form.set('file', new File([csv], 'budget-2025.csv', { type: 'text/csv' }));
    const request = new Request('http://x/', { method: 'POST', body: form });
    return request.arrayBuffer().then((body) =>
      app.inject({
        method: 'POST',
        url: '/money/budget',
        headers: { cookie: finance.cookie, 'content-type': request.headers.get('content-type') ?? '' },
        payload: Buffer.from(body),
      }),
    );
  };
  const bad = await upload('account,period,amount\nEXP-NB-ACUTE,1,-5');
  expect(bad.statusCode).toBe(400);
  expect(bad.body).toContain('line 2');
  expect(bad.body).toContain('EXP-NB-ACUTE,1,-5');
  expect(bad.body).not.toContain('ignored when a file is chosen');
  const good = await upload(yearOf(102_000, 50_000));
  expect(good.statusCode, good.body).toBe(303);
  const page = await app.inject({ method: 'GET', url: '/money/budget?year=2025' });
  expect(page.body).toContain('From the finance system');
});
