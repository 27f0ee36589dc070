/**
 * A pooled budget through the real server on Riverside: a finance officer sets it up through the API, the partners
 * contribute (one from outside the pool refused, nothing written), spending is charged, each posted to the ledger;
 * the page and CSV show the overspend so far and each partner's share of it by the rule.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { testServer } from '../../../test/support/server.js';
import { loadRiverside } from '../../../test/support/riverside.js';
import { postForm, signedInPerson, type SignedIn } from '../../../test/support/people.js';
import { openAccount, openFinancialYear } from '../../money/index.js';

const NOW = new Date('2025-09-15T10:00:00Z');
let test: TestDatabase;
let app: FastifyInstance;
let finance: SignedIn;

beforeAll(async () => {
  test = await createTestDatabase();
  const loaded = await loadRiverside(test.db);
  finance = await signedInPerson(test.db, 'finance.one', 'north-bank-council', ['finance'], NOW);
  const books = { db: test.db, partnershipId: loaded.partnership.info.id, now: NOW };
  const fin = { userId: finance.id, organisation: 'north-bank-council' };
  await openFinancialYear(books, fin, 2025);
  for (const account of [
    { code: 'POOL-CASH', name: 'Pool cash', kind: 'asset' },
    { code: 'POOL-SPEND', name: 'Pool spending', kind: 'expenditure', category: 'social-care' },
    { code: 'POOL-FUND', name: 'Partners’ fund', kind: 'liability' },
  ]) {
    await openAccount(books, fin, account);
  }
  app = await testServer(test.db, loaded.partnership.info.id, NOW);
});

afterAll(async () => {
  await app.close();
  await test.drop();
});

const call = (url: string, payload: object) =>
  app.inject({
    method: 'POST',
    url,
    headers: { cookie: finance.cookie, 'x-csrf-token': finance.csrf },
    payload,
  });

async function count(table: string): Promise<number> {
  const [row] = await test.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(row?.n);
}

it('a pool, its contributions and charges, posted to the ledger; the overspend shared by the rule', async () => {
  const created = await call('/api/money/pools', {
    name: 'North Bank Better Care Fund',
    financialYear: 2025,
    scope: 'Community health and care that keeps older people at home.',
    host: 'north-bank-council',
    manager: 'Director of Adult Social Services, North Bank',
    rule: 'in-proportion',
    partners: [
      { organisation: 'north-bank-council', plannedPence: 30_000_000 },
      { organisation: 'riverside-icb', plannedPence: 70_000_000 },
    ],
    cashAccount: 'POOL-CASH',
    spendAccount: 'POOL-SPEND',
    fundAccount: 'POOL-FUND',
  });
  expect(created.statusCode, created.body).toBe(201);
  const before = [await count('journal_entry'), await count('pool_contribution')];
  const outsider = await call('/api/money/pools/1/contributions', {
    organisation: 'riverside-hospitals',
    amountPence: 100,
    date: '2025-04-30',
  });
  expect(outsider.statusCode).toBe(400);
  expect(JSON.stringify(outsider.json())).toContain('riverside-hospitals is not a partner in this pool');
  expect([await count('journal_entry'), await count('pool_contribution')]).toEqual(before);
  const lastYear = await call('/api/money/pools/1/charges', {
    description: 'Old bill',
    amountPence: 100,
    date: '2025-03-31',
  });
  expect(JSON.stringify(lastYear.json())).toContain(
    "must fall in the pool's financial year, 2025-04-01 to 2026-03-31",
  );

  for (const [organisation, amountPence] of [
    ['north-bank-council', 30_000_000],
    ['riverside-icb', 70_000_000],
  ] as const) {
    expect(
      (await call('/api/money/pools/1/contributions', { organisation, amountPence, date: '2025-04-30' }))
        .statusCode,
    ).toBe(201);
  }
  const charged = await call('/api/money/pools/1/charges', {
    description: 'Home care packages',
    amountPence: 110_000_000,
    date: '2025-08-31',
  });
  expect(charged.statusCode, charged.body).toBe(201);
  expect(charged.json()).toMatchObject({
    contributedPence: 100_000_000,
    spentPence: 110_000_000,
    balancePence: -10_000_000,
    split: [
      { organisation: 'north-bank-council', sharePence: -3_000_000 },
      { organisation: 'riverside-icb', sharePence: -7_000_000 },
    ],
  });
  const [ledger] = await test.db.query<{ cash: string }>(
    "SELECT sum(amount_pence)::text AS cash FROM journal_line WHERE account_code = 'POOL-CASH'",
  );
  expect(Number(ledger?.cash)).toBe(-10_000_000);

  const page = await app.inject({ method: 'GET', url: '/money/pools' });
  expect(page.body).toContain('so far overspent by £100,000');
  const csv = await app.inject({ method: 'GET', url: '/money/pools.csv' });
  expect(csv.body).toContain(
    'North Bank Better Care Fund,2025,north-bank-council,in-proportion,riverside-icb,70000000,70000000,110000000,-10000000,-7000000',
  );
  await expect(test.db.query('DELETE FROM pool_charge')).rejects.toThrow(/never changed or deleted/);
});

it('the forms: a pool set up with fixed shares, a contribution and a charge; bad ones refused beside their fields', async () => {
  const setUp = {
    name: 'South Bank mental health pool',
    financialYear: '2025',
    scope: 'Community mental health support.',
    host: 'riverside-icb',
    manager: 'Head of Mental Health Commissioning',
    rule: 'fixed-shares',
    'partner1-organisation': 'riverside-icb',
    'partner1-planned': '500,000',
    'partner1-share': '60',
    'partner3-organisation': 'south-bank-council',
    'partner3-planned': '250000.5x',
    'partner3-share': '30',
    cashAccount: 'POOL-CASH',
    fundAccount: 'POOL-FUND',
    spendAccount: 'POOL-SPEND',
  };
  const pools = await count('pool');
  const amount = await postForm(app, finance, '/money/pools', setUp);
  expect(amount.statusCode).toBe(400);
  expect(amount.body).toContain('href="#partner3-planned"');
  const shares = await postForm(app, finance, '/money/pools', { ...setUp, 'partner3-planned': '250,000' });
  expect(shares.statusCode).toBe(400);
  expect(shares.body).toContain('the fixed shares add up to 90%, not 100%');
  expect(shares.body).toContain('value="250,000"');
  expect(await count('pool')).toBe(pools);
  const made = await postForm(app, finance, '/money/pools', {
    ...setUp,
    'partner3-planned': '250,000',
    'partner3-share': '40',
  });
  expect(made.statusCode, made.body).toBe(303);
  const id = pools + 1;
  const page = await app.inject({ method: 'GET', url: '/money/pools', headers: { cookie: finance.cookie } });
  expect(page.body).toContain(`/money/pools/${id}/contribute`);

  const entries = await count('journal_entry');
  const outsider = await postForm(app, finance, `/money/pools/${id}/contribute`, {
    organisation: 'north-bank-council',
    amount: '100',
    date: '2025-05-01',
  });
  expect(outsider.statusCode).toBe(400);
  expect(outsider.body).toContain('north-bank-council is not a partner in this pool');
  expect(await count('journal_entry')).toBe(entries);
  const paid = await postForm(app, finance, `/money/pools/${id}/contribute`, {
    organisation: 'south-bank-council',
    amount: '250,000',
    date: '2025-05-01',
  });
  expect(paid.statusCode, paid.body).toBe(303);
  const charged = await postForm(app, finance, `/money/pools/${id}/charge`, {
    description: 'Crisis café',
    amount: '300,000',
    date: '2025-06-30',
  });
  expect(charged.statusCode, charged.body).toBe(303);
  const csv = await app.inject({ method: 'GET', url: '/money/pools.csv' });
  // Overspent by £50,000, shared 60:40 by the fixed shares.
  expect(csv.body).toContain(
    'South Bank mental health pool,2025,riverside-icb,fixed-shares,riverside-icb,50000000,0,30000000,-5000000,-3000000',
  );
  const officer = await signedInPerson(test.db, 'officer.two', 'riverside-icb', ['officer'], NOW);
  expect((await postForm(app, officer, `/money/pools/${id}/charge`, { amount: '1' })).statusCode).toBe(403);
});
