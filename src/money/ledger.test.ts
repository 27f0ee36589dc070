/**
 * The pure checks: the accounting calendar, and what makes an entry postable — each refusal naming the field at
 * fault, every problem reported at once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PENCE } from '../core/money.js';
import { checkEntry, referencedBy, reversingLines, sides, type BooksFacts } from './ledger.js';
import { periodDates, periodLabel, periodOfDate } from './periods.js';

describe('the accounting calendar', () => {
  it('runs April to March: period 1 is April, period 12 is the following March', () => {
    expect(periodOfDate('2025-04-01')).toEqual({ financialYear: 2025, period: 1 });
    expect(periodOfDate('2025-12-31')).toEqual({ financialYear: 2025, period: 9 });
    expect(periodOfDate('2026-01-01')).toEqual({ financialYear: 2025, period: 10 });
    expect(periodOfDate('2026-03-31')).toEqual({ financialYear: 2025, period: 12 });
    expect(periodOfDate('2026-04-01')).toEqual({ financialYear: 2026, period: 1 });
  });

  it('gives each period its first and last day, leap years included', () => {
    expect(periodDates({ financialYear: 2025, period: 1 })).toEqual({
      startsOn: '2025-04-01',
      endsOn: '2025-04-30',
    });
    expect(periodDates({ financialYear: 2023, period: 11 })).toEqual({
      startsOn: '2024-02-01',
      endsOn: '2024-02-29',
    });
    expect(periodDates({ financialYear: 2025, period: 11 }).endsOn).toBe('2026-02-28');
    expect(periodLabel({ financialYear: 2025, period: 10 })).toBe('2025/26 month 10 (January 2026)');
  });

  it('puts every day of a year in the period whose dates hold it', () => {
    for (let day = 0; day < 366; day += 1) {
      const date = new Date(Date.UTC(2027, 3, 1 + day)).toISOString().slice(0, 10);
      const { startsOn, endsOn } = periodDates(periodOfDate(date));
      expect(startsOn <= date && date <= endsOn).toBe(true);
    }
  });
});

const open: BooksFacts = {
  accounts: new Map([
    ['1000', { closed: false }],
    ['5100', { closed: false }],
    ['9000', { closed: true }],
  ]),
  period: { ref: { financialYear: 2025, period: 2 }, closed: false },
};

const entry = (lines: unknown, extra: Record<string, unknown> = {}) => ({
  date: '2025-05-14',
  description: 'Acute contract, May',
  reason: 'Monthly contract payment',
  lines,
  ...extra,
});

const paths = (result: ReturnType<typeof checkEntry>) => (result.ok ? [] : result.error.map((i) => i.path));

describe('checking an entry', () => {
  it('accepts a balanced entry to open accounts in an open period', () => {
    const result = checkEntry(
      entry([
        { account: '5100', amountPence: 1_250_000 },
        { account: '1000', amountPence: -1_250_000, memo: 'BACS' },
      ]),
      open,
    );
    expect(result.ok).toBe(true);
  });

  it('refuses an unbalanced entry, saying by how much', () => {
    const result = checkEntry(
      entry([
        { account: '5100', amountPence: 1_250_000 },
        { account: '1000', amountPence: -1_000_000 },
      ]),
      open,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toEqual([
      {
        path: 'lines',
        message: expect.stringMatching(/do not balance.*£12,500.*£10,000.*difference of £2,500/),
      },
    ]);
  });

  it('refuses zero, fractional, too large and non-numeric amounts, each at its line', () => {
    const result = checkEntry(
      entry([
        { account: '5100', amountPence: 0 },
        { account: '5100', amountPence: 10.5 },
        { account: '5100', amountPence: MAX_PENCE + 1 },
        { account: '1000', amountPence: '100' },
      ]),
      open,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toEqual([
      { path: 'lines[0].amountPence', message: expect.stringMatching(/must not be zero/) },
      { path: 'lines[1].amountPence', message: expect.stringMatching(/whole number of pence/) },
      { path: 'lines[2].amountPence', message: expect.stringMatching(/no more than/) },
      { path: 'lines[3].amountPence', message: expect.stringMatching(/amount in pence/) },
    ]);
  });

  it('refuses a single line, and an entry with no lines', () => {
    expect(paths(checkEntry(entry([{ account: '5100', amountPence: 5 }]), open))).toEqual(['lines', 'lines']);
    expect(paths(checkEntry(entry([]), open))).toEqual(['lines']);
  });

  it('names unknown and closed accounts, and the period, with every other problem at once', () => {
    const result = checkEntry(
      entry(
        [
          { account: '7777', amountPence: 100 },
          { account: '9000', amountPence: -100 },
          { account: 'not a code!', amountPence: 5 },
        ],
        { description: '', reason: 'x', extra: true },
      ),
      { ...open, period: { ref: { financialYear: 2025, period: 2 }, closed: true } },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toEqual(
      expect.arrayContaining([
        { message: expect.stringMatching(/unknown field.*extra/) },
        { path: 'description', message: expect.stringMatching(/must not be empty/) },
        { path: 'lines[2].account', message: expect.stringMatching(/account code/) },
        { path: 'lines[0].account', message: 'there is no account 7777 in the chart of accounts' },
        { path: 'lines[1].account', message: 'account 9000 is closed to posting: use an open account' },
        { path: 'date', message: expect.stringMatching(/month 2 \(May 2025\) is closed/) },
      ]),
    );
    // The balance is not judged while a line is itself invalid: its amount would mean nothing.
    expect(paths(result)).not.toContain('lines');
  });

  it('refuses a date with no opened period, and a date that is not a date', () => {
    const lines = [
      { account: '5100', amountPence: 100 },
      { account: '1000', amountPence: -100 },
    ];
    const unopened = checkEntry(entry(lines, { date: '2031-07-01' }), { ...open, period: undefined });
    expect(unopened.ok ? [] : unopened.error).toEqual([
      {
        path: 'date',
        message: 'no accounting period holds 2031-07-01: 2031/32 month 4 (July 2031) has not been opened',
      },
    ]);
    expect(paths(checkEntry(entry(lines, { date: '2025-02-30' }), open))).toEqual(['date']);
  });

  it('reads the accounts and date an input names, however malformed the rest', () => {
    expect(referencedBy(entry([{ account: '5100' }, { account: 42 }, null, { account: '5100' }]))).toEqual({
      date: '2025-05-14',
      accounts: ['5100'],
    });
    expect(referencedBy('nonsense')).toEqual({ date: undefined, accounts: [] });
  });

  it('reverses an entry line for line', () => {
    expect(
      reversingLines([
        { account: '5100', amountPence: 300 },
        { account: '1000', amountPence: -300, memo: 'BACS' },
      ]),
    ).toEqual([
      { account: '5100', amountPence: -300 },
      { account: '1000', amountPence: 300, memo: 'BACS' },
    ]);
  });
});

describe('properties of the check (fast-check)', () => {
  const amount = fc.oneof(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 1, max: MAX_PENCE }));
  const transfers = fc.array(
    fc.tuple(fc.constantFrom('1000', '5100'), fc.constantFrom('1000', '5100'), amount),
    {
      minLength: 1,
      maxLength: 6,
    },
  );
  const linesOf = (list: readonly [string, string, number][]) =>
    list.flatMap(([from, to, pence]) => [
      { account: to, amountPence: pence },
      { account: from, amountPence: -pence },
    ]);

  it('accepts every entry made of whole transfers between open accounts', () => {
    fc.assert(
      fc.property(transfers, (list) => {
        expect(checkEntry(entry(linesOf(list)), open).ok).toBe(true);
      }),
    );
  });

  it('refuses every entry that is off by any amount, naming the balance alone', () => {
    fc.assert(
      fc.property(
        transfers,
        fc.integer({ min: -1_000_000, max: 1_000_000 }).filter((n) => n !== 0),
        (list, skew) => {
          const lines = [...linesOf(list), { account: '5100', amountPence: skew }];
          const result = checkEntry(entry(lines), open);
          expect(result.ok ? [] : result.error.map((i) => i.path)).toEqual(['lines']);
        },
      ),
    );
  });

  it('sums exactly beyond the range of a number: debits equal credits for any balanced lines', () => {
    fc.assert(
      fc.property(transfers, (list) => {
        const { debits, credits } = sides(linesOf(list));
        expect(debits).toBe(credits);
        const both = sides([...linesOf(list), ...reversingLines(linesOf(list))]);
        expect(both.debits).toBe(both.credits);
        expect(reversingLines(reversingLines(linesOf(list)))).toEqual(linesOf(list));
      }),
    );
  });
});
