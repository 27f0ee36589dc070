/**
 * The ledger against a real PostgreSQL: postings, reversals and period closes through the code, every bad input
 * refused with nothing written, the database refusing the same things when the code is bypassed with raw SQL, and
 * concurrent postings and closes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { createDatabase, type Database, type Queryable } from '../store/index.js';
import { closeAccount, openAccount, openFinancialYear } from './books.js';
import type { LedgerContext } from './context.js';
import { closePeriod, postEntry, reverseEntry } from './posting.js';
import { balancesBy, trialBalance } from './reports.js';
import { lockPeriod, readEntries, readEntry, readPeriods } from './repository.js';
import { onlyPeriod, periodDates, wholeYear } from './periods.js';
import { RIVERSIDE, setUpBooks, type TestBooks } from './testing.js';

const NOW = new Date('2025-05-20T10:00:00Z');
let test: TestDatabase;
let books: TestBooks;
let ctx: LedgerContext;

beforeAll(async () => {
  test = await createTestDatabase();
  books = await setUpBooks(test.db, [2025, 2026]);
  ctx = books.at(NOW);
}, 120_000);

afterAll(async () => {
  await test.drop();
});

const payment = (date: string, pence: number, extra: Record<string, unknown> = {}) => ({
  date,
  description: 'Acute contract payment',
  reason: 'Monthly block contract, North Bank',
  lines: [
    { account: '5100', amountPence: pence },
    { account: '1000', amountPence: -pence, memo: 'BACS run 14' },
  ],
  ...extra,
});

const count = async (db: Queryable, table: 'journal_entry' | 'journal_line') =>
  Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n);

/** Counts entries and lines before and after `work`, which must leave both unchanged. */
async function writesNothing(work: () => Promise<unknown>): Promise<void> {
  const before = [await count(test.db, 'journal_entry'), await count(test.db, 'journal_line')];
  await work();
  expect([await count(test.db, 'journal_entry'), await count(test.db, 'journal_line')]).toEqual(before);
}

/** Runs raw SQL in one transaction, as someone bypassing the code would. */
const raw = (sql: string, params: unknown[] = []) =>
  test.db.transaction(async (tx) => {
    for (const statement of sql.split(';').filter((s) => s.trim() !== '')) {
      await tx.query(statement, statement.includes('$1') ? params : []);
    }
  });

describe('posting and reversing', () => {
  it('posts an entry with its audit (who, for whom, when, why) and reads it back exactly', async () => {
    const posted = await postEntry(ctx, books.actor, payment('2025-05-14', 1_250_000_00));
    expect(posted.ok).toBe(true);
    if (!posted.ok) return;
    expect(posted.value).toMatchObject({
      period: { financialYear: 2025, period: 2 },
      date: '2025-05-14',
      description: 'Acute contract payment',
      reason: 'Monthly block contract, North Bank',
      posted: { byId: books.actor.userId, byOrganisation: 'riverside-icb', at: NOW },
      reversalOf: undefined,
      reversedBy: undefined,
      lines: [
        { line: 1, account: '5100', amountPence: 1_250_000_00, memo: undefined },
        { line: 2, account: '1000', amountPence: -1_250_000_00, memo: 'BACS run 14' },
      ],
    });
  });

  it('holds amounts up to MAX_PENCE exactly', async () => {
    const big = Number.MAX_SAFE_INTEGER;
    const posted = await postEntry(ctx, books.actor, payment('2026-04-02', big));
    expect(posted.ok).toBe(true);
    if (!posted.ok) return;
    expect(posted.value.lines.map((l) => l.amountPence)).toEqual([big, -big]);
    const reversed = await reverseEntry(ctx, books.actor, posted.value.id, {
      date: '2026-04-03',
      reason: 'Test of the largest amount',
    });
    expect(reversed.ok).toBe(true);
  });

  it('reverses an entry once: the same accounts with the amounts negated, pointing at the original', async () => {
    const posted = await postEntry(ctx, books.actor, payment('2025-05-15', 42_00));
    if (!posted.ok) throw new Error(posted.error.title);
    const reversed = await reverseEntry(ctx, books.actor, posted.value.id, {
      date: '2025-05-16',
      reason: 'Posted to the wrong place',
    });
    expect(reversed.ok).toBe(true);
    if (!reversed.ok) return;
    expect(reversed.value).toMatchObject({
      description: `Reversal of entry ${posted.value.id}: Acute contract payment`,
      reason: 'Posted to the wrong place',
      reversalOf: posted.value.id,
      lines: [
        { account: '5100', amountPence: -42_00 },
        { account: '1000', amountPence: 42_00, memo: 'BACS run 14' },
      ],
    });
    expect((await readEntry(test.db, RIVERSIDE, posted.value.id))?.reversedBy).toBe(reversed.value.id);

    await writesNothing(async () => {
      const again = await reverseEntry(ctx, books.actor, posted.value.id, {
        date: '2025-05-17',
        reason: 'Again',
      });
      expect(again).toMatchObject({
        ok: false,
        error: { kind: 'conflict', title: expect.stringMatching(/already been reversed, by entry/) },
      });
      const ofReversal = await reverseEntry(ctx, books.actor, reversed.value.id, {
        date: '2025-05-17',
        reason: 'Undo the undo',
      });
      expect(ofReversal).toMatchObject({
        ok: false,
        error: { kind: 'conflict', title: expect.stringMatching(/is itself the reversal/) },
      });
      const missing = await reverseEntry(ctx, books.actor, 999_999, { date: '2025-05-17', reason: 'x' });
      expect(missing).toMatchObject({ ok: false, error: { kind: 'not-found' } });
      const noReason = await reverseEntry(ctx, books.actor, posted.value.id, { date: '2025-05-17' });
      expect(noReason).toMatchObject({
        ok: false,
        error: { kind: 'bad-input', issues: [{ path: 'reason' }] },
      });
    });
  });

  it('lets two reversals of one entry race, and keeps exactly one', async () => {
    const posted = await postEntry(ctx, books.actor, payment('2025-05-18', 7_00));
    if (!posted.ok) throw new Error(posted.error.title);
    const wide = createDatabase(test.target, { max: 4 });
    try {
      const wideCtx = { ...ctx, db: wide };
      const results = await Promise.all(
        [1, 2, 3, 4].map((n) =>
          reverseEntry(wideCtx, books.actor, posted.value.id, { date: '2025-05-19', reason: `Attempt ${n}` }),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.flatMap((r) => (r.ok ? [] : [r.error.kind]))).toEqual([
        'conflict',
        'conflict',
        'conflict',
      ]);
    } finally {
      await wide.close();
    }
  });
});

describe('bad input is refused with a clear reason and nothing written', () => {
  it('an unbalanced entry', async () => {
    await writesNothing(async () => {
      const result = await postEntry(ctx, books.actor, {
        ...payment('2025-05-14', 100),
        lines: [
          { account: '5100', amountPence: 100 },
          { account: '1000', amountPence: -99 },
        ],
      });
      expect(result).toMatchObject({
        ok: false,
        error: {
          kind: 'bad-input',
          issues: [{ path: 'lines', message: expect.stringMatching(/do not balance/) }],
        },
      });
    });
  });

  it('zero and fractional amounts', async () => {
    await writesNothing(async () => {
      const result = await postEntry(ctx, books.actor, {
        ...payment('2025-05-14', 100),
        lines: [
          { account: '5100', amountPence: 0.5 },
          { account: '1000', amountPence: -0.5 },
          { account: '1000', amountPence: 0 },
        ],
      });
      expect(result.ok ? [] : result.error.issues?.map((i) => i.path)).toEqual([
        'lines[0].amountPence',
        'lines[1].amountPence',
        'lines[2].amountPence',
      ]);
    });
  });

  it('an unknown account, and a closed one', async () => {
    const opened = await openAccount(ctx, books.actor, {
      code: '5999',
      name: 'Old contract',
      kind: 'expenditure',
    });
    expect(opened.ok).toBe(true);
    expect((await closeAccount(ctx, books.actor, '5999', 'Contract ended')).ok).toBe(true);
    expect(await closeAccount(ctx, books.actor, '5999', 'Again')).toMatchObject({
      ok: false,
      error: { kind: 'conflict' },
    });
    await writesNothing(async () => {
      const result = await postEntry(ctx, books.actor, {
        ...payment('2025-05-14', 100),
        lines: [
          { account: '5999', amountPence: 100 },
          { account: '8888', amountPence: -100 },
        ],
      });
      expect(result).toMatchObject({
        ok: false,
        error: {
          issues: [
            { path: 'lines[0].account', message: 'account 5999 is closed to posting: use an open account' },
            { path: 'lines[1].account', message: 'there is no account 8888 in the chart of accounts' },
          ],
        },
      });
    });
  });

  it('a date in a period never opened', async () => {
    await writesNothing(async () => {
      const result = await postEntry(ctx, books.actor, payment('2030-06-01', 100));
      expect(result).toMatchObject({
        ok: false,
        error: {
          issues: [{ path: 'date', message: expect.stringMatching(/2030\/31 month 3.*not been opened/) }],
        },
      });
    });
  });

  it('an account whose dimensions are not the partnership’s, and a duplicate code', async () => {
    const result = await openAccount(ctx, books.actor, {
      code: '5500',
      name: 'Somewhere else',
      kind: 'expenditure',
      place: 'atlantis',
      organisation: 'nobody',
    });
    expect(result).toMatchObject({
      ok: false,
      error: {
        kind: 'bad-input',
        issues: [
          {
            path: 'organisation',
            message: 'nobody is not an organisation of Riverside Health and Care Partnership',
          },
          { path: 'place', message: 'atlantis is not a place of Riverside Health and Care Partnership' },
        ],
      },
    });
    expect(await openAccount(ctx, books.actor, { code: '1000', name: 'Again', kind: 'asset' })).toMatchObject(
      {
        ok: false,
        error: { kind: 'conflict' },
      },
    );
    expect(await openFinancialYear(ctx, books.actor, 2025)).toMatchObject({
      ok: false,
      error: { kind: 'conflict' },
    });
  });
});

describe('periods', () => {
  it('stores each period with the dates the calendar gives, leap years included', async () => {
    expect((await openFinancialYear(ctx, books.actor, 2027)).ok).toBe(true);
    const periods = await readPeriods(test.db, RIVERSIDE, 2027);
    expect(periods.map((p) => ({ startsOn: p.startsOn, endsOn: p.endsOn }))).toEqual(
      Array.from({ length: 12 }, (_, i) => periodDates({ financialYear: 2027, period: i + 1 })),
    );
    expect(periods[10]?.endsOn).toBe('2028-02-29');
    expect(periods[0]?.opened).toEqual({
      byId: books.actor.userId,
      byOrganisation: 'riverside-icb',
      at: NOW,
    });
  });
});

describe('closing periods', () => {
  it('closes a period for good, recording who, when and why; postings into it are then refused', async () => {
    const posted = await postEntry(ctx, books.actor, payment('2025-04-10', 500_00));
    if (!posted.ok) throw new Error(posted.error.title);
    const closed = await closePeriod(books.at(new Date('2025-05-08T17:00:00Z')), books.actor, {
      financialYear: 2025,
      period: 1,
      reason: 'Month-end close, April',
    });
    expect(closed).toEqual({ ok: true, value: { financialYear: 2025, period: 1 } });
    const [april] = await readPeriods(test.db, RIVERSIDE, 2025);
    expect(april).toMatchObject({
      startsOn: '2025-04-01',
      endsOn: '2025-04-30',
      closure: {
        byId: books.actor.userId,
        byOrganisation: 'riverside-icb',
        at: new Date('2025-05-08T17:00:00Z'),
        reason: 'Month-end close, April',
      },
    });

    await writesNothing(async () => {
      expect(await postEntry(ctx, books.actor, payment('2025-04-30', 100))).toMatchObject({
        ok: false,
        error: { issues: [{ path: 'date', message: expect.stringMatching(/April 2025\) is closed/) }] },
      });
      // A reversal dated in the closed period is refused too; one dated in an open period is the way to correct.
      expect(
        await reverseEntry(ctx, books.actor, posted.value.id, {
          date: '2025-04-30',
          reason: 'Late correction',
        }),
      ).toMatchObject({ ok: false, error: { issues: [{ path: 'date' }] } });
      expect(
        await closePeriod(ctx, books.actor, { financialYear: 2025, period: 1, reason: 'Again' }),
      ).toMatchObject({ ok: false, error: { kind: 'conflict', fix: 'A closed period is never reopened.' } });
      expect(
        await closePeriod(ctx, books.actor, { financialYear: 2040, period: 1, reason: 'x' }),
      ).toMatchObject({
        ok: false,
        error: { kind: 'not-found' },
      });
      expect(
        await closePeriod(ctx, books.actor, { financialYear: 2025, period: 13, reason: 'x' }),
      ).toMatchObject({
        ok: false,
        error: { kind: 'bad-input' },
      });
    });
    const corrected = await reverseEntry(ctx, books.actor, posted.value.id, {
      date: '2025-05-02',
      reason: 'Late correction, in May',
    });
    expect(corrected.ok).toBe(true);
  });
});

describe('the database itself refuses', () => {
  const entrySql = (date: string, fy: number, period: number) =>
    `INSERT INTO journal_entry (partnership_id, financial_year, period, entry_date, description, reason,
       posted_by, posted_by_organisation, created_at)
     VALUES ('riverside', ${fy}, ${period}, '${date}', 'raw', 'bypassing the code', $1, 'riverside-icb', now())`;
  const lineSql = (line: number, account: string, pence: string) =>
    `INSERT INTO journal_line (entry_id, line, partnership_id, account_code, amount_pence)
     VALUES (currval(pg_get_serial_sequence('journal_entry', 'id')), ${line}, 'riverside', '${account}', ${pence})`;
  const actor = () => [books.actor.userId];

  it('an unbalanced entry, at commit', async () => {
    await writesNothing(async () => {
      await expect(
        raw(
          `${entrySql('2025-06-01', 2025, 3)}; ${lineSql(1, '5100', '100')}; ${lineSql(2, '1000', '-99')}`,
          actor(),
        ),
      ).rejects.toThrow(/does not balance: its lines sum to 1 pence/);
    });
  });

  it('an entry with fewer than two lines, and an entry with none', async () => {
    await writesNothing(async () => {
      await expect(
        raw(`${entrySql('2025-06-01', 2025, 3)}; ${lineSql(1, '5100', '100')}`, actor()),
      ).rejects.toThrow(/has 1 line\(s\)/);
      await expect(raw(entrySql('2025-06-01', 2025, 3), actor())).rejects.toThrow(/has 0 line\(s\)/);
    });
  });

  it('a zero amount, and a fraction of a penny', async () => {
    await writesNothing(async () => {
      await expect(
        raw(
          `${entrySql('2025-06-01', 2025, 3)}; ${lineSql(1, '5100', '0')}; ${lineSql(2, '1000', '0')}`,
          actor(),
        ),
      ).rejects.toThrow(/journal_line_amount_pence_check/);
      // Sent as a value, as every driver sends parameters, a fraction is not a bigint at all.
      await expect(
        test.db.transaction(async (tx) => {
          await tx.query(entrySql('2025-06-01', 2025, 3), actor());
          await tx.query(lineSql(1, '5100', '$1'), ['0.5']);
          await tx.query(lineSql(2, '1000', '$1'), ['-0.5']);
        }),
      ).rejects.toThrow(/invalid input syntax for type bigint: "0.5"/);
    });
  });

  it('an unbalanced line added after the entry was checked early with SET CONSTRAINTS IMMEDIATE', async () => {
    await writesNothing(async () => {
      await expect(
        raw(
          `${entrySql('2025-06-01', 2025, 3)}; ${lineSql(1, '5100', '100')}; ${lineSql(2, '1000', '-100')};
           SET CONSTRAINTS ALL IMMEDIATE; ${lineSql(3, '5100', '5')}`,
          actor(),
        ),
      ).rejects.toThrow(/does not balance: its lines sum to 5 pence/);
    });
  });

  it('lines numbered with a gap, which would let a later line hide below the highest', async () => {
    await writesNothing(async () => {
      await expect(
        raw(
          `${entrySql('2025-06-01', 2025, 3)}; ${lineSql(1, '5100', '100')}; ${lineSql(3, '1000', '-100')}`,
          actor(),
        ),
      ).rejects.toThrow(/line 3 of entry \d+ follows no line 2/);
    });
  });

  it('an UPDATE, DELETE or TRUNCATE of the journal, the accounts or the periods', async () => {
    await writesNothing(async () => {
      for (const statement of [
        `UPDATE journal_line SET amount_pence = amount_pence * 2`,
        `DELETE FROM journal_line`,
        `UPDATE journal_entry SET reason = 'rewritten'`,
        `DELETE FROM journal_entry`,
        `TRUNCATE journal_line`,
        `TRUNCATE journal_entry CASCADE`,
        `UPDATE ledger_account SET kind = 'income'`,
        `DELETE FROM accounting_period_closure`,
        `UPDATE accounting_period SET opened_at = now()`,
        `DELETE FROM ledger_account_closure`,
      ]) {
        await expect(raw(statement), statement).rejects.toThrow(/the ledger is never changed or deleted/);
      }
    });
  });

  it('a posting into a closed period', async () => {
    await writesNothing(async () => {
      await expect(
        raw(
          `${entrySql('2025-04-20', 2025, 1)}; ${lineSql(1, '5100', '100')}; ${lineSql(2, '1000', '-100')}`,
          actor(),
        ),
      ).rejects.toThrow(/period 2025\/1 is closed/);
    });
  });

  it('an entry dated outside its period, and a line to a closed account', async () => {
    await writesNothing(async () => {
      await expect(
        raw(
          `${entrySql('2025-07-01', 2025, 3)}; ${lineSql(1, '5100', '100')}; ${lineSql(2, '1000', '-100')}`,
          actor(),
        ),
      ).rejects.toThrow(/is not in period 2025\/3/);
      await expect(
        raw(
          `${entrySql('2025-06-01', 2025, 3)}; ${lineSql(1, '5999', '100')}; ${lineSql(2, '1000', '-100')}`,
          actor(),
        ),
      ).rejects.toThrow(/account 5999 is closed to posting/);
    });
  });

  it('lines added to an entry posted earlier, even balanced ones', async () => {
    const posted = await postEntry(ctx, books.actor, payment('2025-06-03', 900));
    if (!posted.ok) throw new Error(posted.error.title);
    const id = posted.value.id;
    await writesNothing(async () => {
      await expect(
        raw(
          `INSERT INTO journal_line (entry_id, line, partnership_id, account_code, amount_pence)
           VALUES (${id}, 3, 'riverside', '5100', 1), (${id}, 4, 'riverside', '1000', -1)`,
        ),
      ).rejects.toThrow(/posted by an earlier transaction/);
    });
  });

  it('a second reversal, a reversal that is not the exact negation, and reversing a reversal', async () => {
    const posted = await postEntry(ctx, books.actor, payment('2025-06-04', 300));
    if (!posted.ok) throw new Error(posted.error.title);
    const id = posted.value.id;
    const reversal = (first: string, second: string) =>
      `INSERT INTO journal_entry (partnership_id, financial_year, period, entry_date, description, reason,
         posted_by, posted_by_organisation, created_at, reversal_of)
       VALUES ('riverside', 2025, 3, '2025-06-05', 'raw reversal', 'bypassing', $1, 'riverside-icb', now(), ${id});
       ${lineSql(1, '5100', first)}; ${lineSql(2, '1000', second)}`;
    await writesNothing(async () => {
      await expect(raw(reversal('-200', '200'), actor())).rejects.toThrow(/not the exact reversal of entry/);
    });
    await raw(reversal('-300', '300'), actor());
    const reversalId = (await readEntry(test.db, RIVERSIDE, id))?.reversedBy;
    expect(reversalId).toBeDefined();
    await writesNothing(async () => {
      await expect(raw(reversal('-300', '300'), actor())).rejects.toThrow(/journal_entry_reversal_of_key/);
      await expect(
        raw(
          `INSERT INTO journal_entry (partnership_id, financial_year, period, entry_date, description, reason,
             posted_by, posted_by_organisation, created_at, reversal_of)
           VALUES ('riverside', 2025, 3, '2025-06-05', 'raw', 'x', $1, 'riverside-icb', now(), ${String(reversalId)});
           ${lineSql(1, '5100', '300')}; ${lineSql(2, '1000', '-300')}`,
          actor(),
        ),
      ).rejects.toThrow(/is itself a reversal/);
    });
  });
});

describe('concurrency', () => {
  it('lands twenty postings made at once, every one balanced', async () => {
    const wide = createDatabase(test.target, { max: 20 });
    try {
      const wideCtx = { ...ctx, db: wide };
      const before = await trialBalance(test.db, RIVERSIDE, onlyPeriod({ financialYear: 2025, period: 4 }));
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, n) =>
          postEntry(wideCtx, books.actor, payment('2025-07-15', (n + 1) * 100)),
        ),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      const after = await trialBalance(test.db, RIVERSIDE, onlyPeriod({ financialYear: 2025, period: 4 }));
      expect(after.balanced).toBe(true);
      expect(after.total.debitPence - before.total.debitPence).toBe((20 * 21 * 100) / 2);
      const entries = await readEntries(test.db, RIVERSIDE, onlyPeriod({ financialYear: 2025, period: 4 }));
      expect(entries).toHaveLength(20);
    } finally {
      await wide.close();
    }
  });

  it('makes a close wait for a posting in flight, and the posting lands before the close', async () => {
    const period = { financialYear: 2025, period: 5 };
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let signalPosted: () => void = () => undefined;
    const postedInFlight = new Promise<void>((resolve) => (signalPosted = resolve));
    const wide = createDatabase(test.target, { max: 4 });
    try {
      // A posting whose transaction stays open until released: it holds August FOR SHARE.
      const posting = wide.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO journal_entry (partnership_id, financial_year, period, entry_date, description, reason,
             posted_by, posted_by_organisation, created_at)
           VALUES ('riverside', 2025, 5, '2025-08-01', 'in flight', 'held open', $1, 'riverside-icb', now())`,
          [books.actor.userId],
        );
        await tx.query(lineSql2('5100', '250'));
        await tx.query(lineSql2('1000', '-250'));
        signalPosted();
        await held;
      });
      await postedInFlight;
      const closing = closePeriod({ ...ctx, db: wide }, books.actor, { ...period, reason: 'August close' });
      await waitForLockWait(test.db);
      release();
      await posting;
      expect(await closing).toEqual({ ok: true, value: period });
      const entries = await readEntries(test.db, RIVERSIDE, onlyPeriod(period));
      expect(entries.map((e) => e.description)).toEqual(['in flight']);
    } finally {
      await wide.close();
    }
  });

  it('makes a posting wait for a close in flight, then refuses it, writing nothing', async () => {
    const period = { financialYear: 2025, period: 6 };
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let signalClosed: () => void = () => undefined;
    const closedInFlight = new Promise<void>((resolve) => (signalClosed = resolve));
    const wide = createDatabase(test.target, { max: 4 });
    try {
      const closing = wide.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO accounting_period_closure
             (partnership_id, financial_year, period, reason, closed_by, closed_by_organisation, closed_at)
           VALUES ('riverside', 2025, 6, 'September close', $1, 'riverside-icb', now())`,
          [books.actor.userId],
        );
        signalClosed();
        await held;
      });
      await closedInFlight;
      const posting = postEntry({ ...ctx, db: wide }, books.actor, payment('2025-09-10', 100));
      await waitForLockWait(test.db);
      release();
      await closing;
      expect(await posting).toMatchObject({
        ok: false,
        error: { issues: [{ path: 'date', message: expect.stringMatching(/September 2025\) is closed/) }] },
      });
      expect(await readEntries(test.db, RIVERSIDE, onlyPeriod(period))).toEqual([]);
    } finally {
      await wide.close();
    }
  });

  it('lets a close waiting for a posting go before postings that arrive after it asked', async () => {
    const period = { financialYear: 2025, period: 8 };
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let signalLocked: () => void = () => undefined;
    const locked = new Promise<void>((resolve) => (signalLocked = resolve));
    const wide = createDatabase(test.target, { max: 4 });
    try {
      // A posting in flight: it holds November as postings do, until released.
      const inFlight = wide.transaction(async (tx) => {
        await lockPeriod(tx, RIVERSIDE, period, 'share');
        signalLocked();
        await held;
      });
      await locked;
      const closing = closePeriod({ ...ctx, db: wide }, books.actor, { ...period, reason: 'November close' });
      await waitForLockWaits(test.db, 1);
      const late = postEntry({ ...ctx, db: wide }, books.actor, payment('2025-11-20', 100));
      await waitForLockWaits(test.db, 2);
      release();
      await inFlight;
      expect((await closing).ok).toBe(true);
      expect(await late).toMatchObject({
        ok: false,
        error: { issues: [{ path: 'date', message: expect.stringMatching(/November 2025\) is closed/) }] },
      });
    } finally {
      await wide.close();
    }
  });

  it('races a close against twenty postings: each lands before the close or is refused after it', async () => {
    const period = { financialYear: 2025, period: 7 };
    const wide = createDatabase(test.target, { max: 22 });
    try {
      const wideCtx = { ...ctx, db: wide };
      // Connections opened first, so the race is between the transactions rather than between connection set-ups.
      await Promise.all(Array.from({ length: 22 }, () => wide.query('SELECT pg_sleep(0.05)')));
      // Issued in this order: some postings reach the period before the close, some after.
      const postings = Array.from({ length: 10 }, () =>
        postEntry(wideCtx, books.actor, payment('2025-10-10', 100)),
      );
      const closing = closePeriod(wideCtx, books.actor, { ...period, reason: 'October close' });
      const more = Array.from({ length: 10 }, () =>
        postEntry(wideCtx, books.actor, payment('2025-10-11', 100)),
      );
      const results = await Promise.all([...postings, ...more]);
      expect((await closing).ok).toBe(true);
      const landed = results.filter((r) => r.ok).length;
      for (const refused of results.filter((r) => !r.ok)) {
        expect(refused).toMatchObject({ ok: false, error: { issues: [{ path: 'date' }] } });
      }
      const entries = await readEntries(test.db, RIVERSIDE, onlyPeriod(period));
      expect(entries).toHaveLength(landed);
      // Nothing lands once the close is committed.
      expect((await postEntry(ctx, books.actor, payment('2025-10-12', 100))).ok).toBe(false);
      expect(await readEntries(test.db, RIVERSIDE, onlyPeriod(period))).toHaveLength(landed);
    } finally {
      await wide.close();
    }
  });
});

describe('reports', () => {
  it('adds up the trial balance and the balances by dimension from the lines', async () => {
    const trial = await trialBalance(test.db, RIVERSIDE, wholeYear(2025));
    expect(trial.balanced).toBe(true);
    expect(trial.total.netPence).toBe(0);
    const entries = await readEntries(test.db, RIVERSIDE, wholeYear(2025));
    const sum5100 = entries.flatMap((e) => e.lines).filter((l) => l.account === '5100');
    const row = trial.accounts.find((a) => a.code === '5100');
    expect(row?.netPence).toBe(sum5100.reduce((total, l) => total + l.amountPence, 0));
    expect(row?.lines).toBe(sum5100.length);
    const byPlace = await balancesBy(test.db, RIVERSIDE, 'place', wholeYear(2025));
    expect(byPlace.total).toEqual(trial.total);
    expect(byPlace.rows.map((r) => r.key)).toEqual(['north-bank', undefined]);
  });
});

function lineSql2(account: string, pence: string): string {
  return `INSERT INTO journal_line (entry_id, line, partnership_id, account_code, amount_pence)
    VALUES (currval(pg_get_serial_sequence('journal_entry', 'id')),
            (SELECT count(*) + 1 FROM journal_line WHERE entry_id = currval(pg_get_serial_sequence('journal_entry', 'id'))),
            'riverside', '${account}', ${pence})`;
}

/** Waits until a session of this database is waiting for a lock: the close or posting under test. */
async function waitForLockWait(db: Database): Promise<void> {
  await waitForLockWaits(db, 1);
}

/** Waits until at least `count` locks are waited for in this database. */
async function waitForLockWaits(db: Database, count: number): Promise<void> {
  for (;;) {
    const waiting = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE NOT l.granted AND a.datname = current_database()`,
    );
    if (Number(waiting[0]?.n) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
