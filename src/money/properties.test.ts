/**
 * Property tests (fast-check) against a real PostgreSQL: for random sequences of postings, reversals, period closes
 * and unbalanced attempts, the ledger always balances, refusals write nothing, and every total the reports give —
 * the trial balance and the balances by each dimension, over any range of periods — equals the sum of the lines of
 * the entries posted, both as a plain model of what was posted and as the entries read back.
 *
 * Each run keeps its books in a financial year of its own, so runs share one database without seeing each other.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { openFinancialYear } from './books.js';
import type { Grouping, Totals } from './reports.js';
import { balancesBy, trialBalance } from './reports.js';
import { closePeriod, postEntry, reverseEntry } from './posting.js';
import { periodDates, type PeriodRange } from './periods.js';
import { readEntries } from './repository.js';
import { RIVERSIDE, setUpBooks, TEST_CHART, type TestBooks } from './testing.js';

let test: TestDatabase;
let books: TestBooks;
let nextYear = 2000;

beforeAll(async () => {
  test = await createTestDatabase();
  books = await setUpBooks(test.db, []);
}, 120_000);

afterAll(async () => {
  await test.drop();
});

const CODES = TEST_CHART.map((account) => account.code);

interface Transfer {
  readonly from: number;
  readonly to: number;
  readonly pence: number;
}

type Command =
  | { readonly kind: 'post'; readonly period: number; readonly day: number; readonly transfers: Transfer[] }
  | {
      readonly kind: 'unbalanced';
      readonly period: number;
      readonly day: number;
      readonly transfers: Transfer[];
      readonly skew: number;
    }
  | { readonly kind: 'reverse'; readonly pick: number; readonly period: number; readonly day: number }
  | { readonly kind: 'close'; readonly period: number };

const period = fc.integer({ min: 1, max: 12 });
const day = fc.integer({ min: 1, max: 28 });
const transfers = fc.array(
  fc.record({
    from: fc.integer({ min: 0, max: CODES.length - 1 }),
    to: fc.integer({ min: 0, max: CODES.length - 1 }),
    // Edge amounts (a penny, a pound) as often as ordinary and large ones (up to £1bn).
    pence: fc.oneof(
      fc.constantFrom(1, 2, 99, 100),
      fc.integer({ min: 1, max: 10_000 }),
      fc.integer({ min: 1, max: 100_000_000_000 }),
    ),
  }),
  { minLength: 1, maxLength: 4 },
);

const command: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('post' as const), period, day, transfers }), weight: 6 },
  {
    arbitrary: fc.record({
      kind: fc.constant('unbalanced' as const),
      period,
      day,
      transfers,
      skew: fc.integer({ min: -1000, max: 1000 }).filter((n) => n !== 0),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('reverse' as const), pick: fc.nat(), period, day }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('close' as const), period }), weight: 1 },
);

const range = fc.tuple(period, period).map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]));

/** What the model keeps of each entry posted. */
interface ModelEntry {
  readonly id: number;
  readonly period: number;
  readonly lines: { readonly account: string; readonly amountPence: number }[];
  readonly reversalOf: number | undefined;
  reversed: boolean;
}

const dateIn = (financialYear: number, p: number, d: number) =>
  `${periodDates({ financialYear, period: p }).startsOn.slice(0, 8)}${String(d).padStart(2, '0')}`;

const linesOf = (list: readonly Transfer[]) =>
  list.flatMap((t) => [
    { account: CODES[t.to] ?? '', amountPence: t.pence },
    { account: CODES[t.from] ?? '', amountPence: -t.pence },
  ]);

/** Sums lines as the reports should: debits, credits (as a positive number), net and count. */
function sum(lines: readonly { readonly amountPence: number }[]): Totals {
  let debit = 0n;
  let credit = 0n;
  for (const line of lines) {
    if (line.amountPence > 0) debit += BigInt(line.amountPence);
    else credit -= BigInt(line.amountPence);
  }
  return {
    debitPence: Number(debit),
    creditPence: Number(credit),
    netPence: Number(debit - credit),
    lines: lines.length,
  };
}

function groupKey(code: string, by: Grouping): string | undefined {
  const account = TEST_CHART.find((a) => a.code === code);
  if (account === undefined) throw new Error(`no account ${code}`);
  return by === 'account' ? account.code : account[by];
}

/** Totals by key, in the reports' order (keys ascending, accounts without the dimension last). */
function grouped(
  lines: readonly { readonly account: string; readonly amountPence: number }[],
  by: Grouping,
): { key: string | undefined; totals: Totals }[] {
  const groups = new Map<string | undefined, { account: string; amountPence: number }[]>();
  for (const line of lines) {
    const key = groupKey(line.account, by);
    groups.set(key, [...(groups.get(key) ?? []), line]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === undefined ? 1 : b === undefined ? -1 : a < b ? -1 : a > b ? 1 : 0))
    .map(([key, list]) => ({ key, totals: sum(list) }));
}

async function runCommands(financialYear: number, commands: readonly Command[]): Promise<ModelEntry[]> {
  const ctx = books.at(new Date('2030-01-01T00:00:00Z'));
  const opened = await openFinancialYear(ctx, books.actor, financialYear);
  expect(opened.ok).toBe(true);
  const model: ModelEntry[] = [];
  const closed = new Set<number>();
  for (const c of commands) {
    switch (c.kind) {
      case 'post': {
        const lines = linesOf(c.transfers);
        const result = await postEntry(ctx, books.actor, {
          date: dateIn(financialYear, c.period, c.day),
          description: 'Generated posting',
          reason: 'Property test',
          lines,
        });
        expect(result.ok).toBe(!closed.has(c.period));
        if (result.ok) {
          model.push({
            id: result.value.id,
            period: c.period,
            lines,
            reversalOf: undefined,
            reversed: false,
          });
        }
        break;
      }
      case 'unbalanced': {
        const lines = linesOf(c.transfers).map((line, index) =>
          index === 0 ? { ...line, amountPence: line.amountPence + c.skew || c.skew } : line,
        );
        const result = await postEntry(ctx, books.actor, {
          date: dateIn(financialYear, c.period, c.day),
          description: 'Generated unbalanced posting',
          reason: 'Property test',
          lines,
        });
        expect(result.ok).toBe(false);
        break;
      }
      case 'reverse': {
        const candidates = model.filter((e) => !e.reversed && e.reversalOf === undefined);
        const original = candidates[c.pick % Math.max(candidates.length, 1)];
        if (original === undefined) break;
        const result = await reverseEntry(ctx, books.actor, original.id, {
          date: dateIn(financialYear, c.period, c.day),
          reason: 'Property test reversal',
        });
        expect(result.ok).toBe(!closed.has(c.period));
        if (result.ok) {
          original.reversed = true;
          model.push({
            id: result.value.id,
            period: c.period,
            lines: original.lines.map((l) => ({ ...l, amountPence: -l.amountPence })),
            reversalOf: original.id,
            reversed: false,
          });
        }
        break;
      }
      case 'close': {
        const result = await closePeriod(ctx, books.actor, {
          financialYear,
          period: c.period,
          reason: 'Close',
        });
        expect(result.ok).toBe(!closed.has(c.period));
        closed.add(c.period);
        break;
      }
    }
  }
  return model;
}

const GROUPINGS: readonly Grouping[] = ['account', 'kind', 'organisation', 'place', 'programme', 'category'];

describe('the ledger, under random sequences of postings, reversals and closes', () => {
  it('always balances, and every reported total is the sum of its entries’ lines', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 25 }), range, async (commands, [first, last]) => {
        const financialYear = nextYear++;
        const model = await runCommands(financialYear, commands);
        const span: PeriodRange = {
          from: { financialYear, period: first },
          to: { financialYear, period: last },
        };
        const inSpan = model.filter((e) => e.period >= first && e.period <= last);

        // The entries read back are exactly those posted, each balanced.
        const stored = await readEntries(test.db, RIVERSIDE, span);
        expect(stored.map((e) => ({ id: e.id, reversalOf: e.reversalOf }))).toEqual(
          inSpan.map((e) => ({ id: e.id, reversalOf: e.reversalOf })),
        );
        for (const entry of stored) {
          expect(entry.lines.reduce((total, l) => total + BigInt(l.amountPence), 0n)).toBe(0n);
          const posted = inSpan.find((e) => e.id === entry.id);
          expect(entry.lines.map((l) => ({ account: l.account, amountPence: l.amountPence }))).toEqual(
            posted?.lines,
          );
        }
        const storedLines = stored.flatMap((e) => e.lines);

        const trial = await trialBalance(test.db, RIVERSIDE, span);
        expect(trial.balanced).toBe(true);
        expect(trial.total.netPence).toBe(0);
        expect(trial.total).toEqual(sum(storedLines));
        expect(
          trial.accounts.map(({ code, debitPence, creditPence, netPence, lines }) => ({
            key: code,
            totals: { debitPence, creditPence, netPence, lines },
          })),
        ).toEqual(grouped(storedLines, 'account'));

        for (const by of GROUPINGS) {
          const balances = await balancesBy(test.db, RIVERSIDE, by, span);
          expect(balances.total).toEqual(trial.total);
          expect(
            balances.rows.map(({ key, debitPence, creditPence, netPence, lines }) => ({
              key,
              totals: { debitPence, creditPence, netPence, lines },
            })),
          ).toEqual(
            grouped(
              inSpan.flatMap((e) => e.lines),
              by,
            ),
          );
        }

        // Over the whole year too, every entry and its reversal cancel out exactly.
        const year = await trialBalance(test.db, RIVERSIDE, {
          from: { financialYear, period: 1 },
          to: { financialYear, period: 12 },
        });
        expect(year.balanced).toBe(true);
        expect(year.total).toEqual(sum(model.flatMap((e) => e.lines)));
      }),
      { numRuns: 40 },
    );
  }, 300_000);
});
