/**
 * @module money/reports
 * What the ledger adds up to over a range of periods: the trial balance (each account's debits, credits and net
 * balance) and balances by account, kind, organisation, place, programme or category. Every figure is one SQL
 * `sum` over the journal lines of the entries posted into the range — the grand total by the same query's empty
 * grouping set — so each reported total is by construction the sum of its entries' lines (and the property tests
 * check that against the entries read back). Totals are summed in PostgreSQL's exact numeric type and read as
 * whole pence.
 */
import { MAX_PENCE } from '../core/money.js';
import type { Queryable } from '../store/database.js';
import type { AccountKind, Dimension } from './chart.js';
import type { PeriodRange } from './periods.js';

export interface Totals {
  /** The sum of the positive (debit) amounts. */
  readonly debitPence: number;
  /** The sum of the negative (credit) amounts, as a positive number. */
  readonly creditPence: number;
  /** Debits less credits: the signed sum of the lines (debit positive). */
  readonly netPence: number;
  /** How many lines were summed. */
  readonly lines: number;
}

export interface TrialBalanceRow extends Totals {
  readonly code: string;
  readonly name: string;
  readonly kind: AccountKind;
}

export interface TrialBalance {
  readonly range: PeriodRange;
  /** Accounts with lines in the range, in code order. */
  readonly accounts: readonly TrialBalanceRow[];
  readonly total: Totals;
  /** True when debits equal credits: what the database guarantees entry by entry. */
  readonly balanced: boolean;
}

export type Grouping = 'account' | 'kind' | Dimension;

export interface BalanceRow extends Totals {
  /** The account code, kind or dimension id; undefined for lines to accounts without that dimension. */
  readonly key: string | undefined;
}

export interface Balances {
  readonly range: PeriodRange;
  readonly by: Grouping;
  readonly rows: readonly BalanceRow[];
  readonly total: Totals;
}

// Column names come from this table, never from the caller, so they are safe to place in the SQL.
const COLUMN: Readonly<Record<Grouping, string>> = {
  account: 'a.code',
  kind: 'a.kind',
  organisation: 'a.organisation',
  place: 'a.place',
  programme: 'a.programme',
  category: 'a.category',
};

interface SumRow {
  grand: number;
  debit: string;
  credit: string;
  net: string;
  lines: string;
}

/** A sum read back as pence; a total beyond the exact range of a number is an error, not a rounded figure. */
function pence(text: string): number {
  const value = BigInt(text);
  if (value > BigInt(MAX_PENCE) || value < -BigInt(MAX_PENCE)) {
    throw new RangeError(`a ledger total of ${text} pence is beyond the range reported exactly`);
  }
  return Number(value);
}

const totalsOf = (row: SumRow): Totals => ({
  debitPence: pence(row.debit),
  creditPence: pence(row.credit),
  netPence: pence(row.net),
  lines: Number(row.lines),
});

const SUMS = `coalesce(sum(l.amount_pence) FILTER (WHERE l.amount_pence > 0), 0)::text AS debit,
  coalesce(-sum(l.amount_pence) FILTER (WHERE l.amount_pence < 0), 0)::text AS credit,
  coalesce(sum(l.amount_pence), 0)::text AS net,
  count(l.amount_pence)::text AS lines`;

const LINES_IN_RANGE = `journal_line l
  JOIN journal_entry e ON e.id = l.entry_id
  JOIN ledger_account a ON a.partnership_id = l.partnership_id AND a.code = l.account_code
  WHERE l.partnership_id = $1
    AND (e.financial_year, e.period) >= ($2::integer, $3::integer)
    AND (e.financial_year, e.period) <= ($4::integer, $5::integer)`;

const rangeParams = (partnershipId: string, range: PeriodRange) => [
  partnershipId,
  range.from.financialYear,
  range.from.period,
  range.to.financialYear,
  range.to.period,
];

const NO_LINES: Totals = { debitPence: 0, creditPence: 0, netPence: 0, lines: 0 };

export async function trialBalance(
  db: Queryable,
  partnershipId: string,
  range: PeriodRange,
): Promise<TrialBalance> {
  const rows = await db.query<
    SumRow & { code: string | null; name: string | null; kind: AccountKind | null }
  >(
    `SELECT grouping(a.code) AS grand, a.code, a.name, a.kind, ${SUMS}
       FROM ${LINES_IN_RANGE}
      GROUP BY GROUPING SETS ((a.code, a.name, a.kind), ())
      ORDER BY grouping(a.code), a.code`,
    rangeParams(partnershipId, range),
  );
  const accounts: TrialBalanceRow[] = [];
  let total = NO_LINES;
  for (const row of rows) {
    if (row.grand === 1) total = totalsOf(row);
    else if (row.code !== null && row.name !== null && row.kind !== null) {
      accounts.push({ code: row.code, name: row.name, kind: row.kind, ...totalsOf(row) });
    }
  }
  return { range, accounts, total, balanced: total.debitPence === total.creditPence && total.netPence === 0 };
}

export async function balancesBy(
  db: Queryable,
  partnershipId: string,
  by: Grouping,
  range: PeriodRange,
): Promise<Balances> {
  const column = COLUMN[by];
  const rows = await db.query<SumRow & { key: string | null }>(
    `SELECT grouping(${column}) AS grand, ${column} AS key, ${SUMS}
       FROM ${LINES_IN_RANGE}
      GROUP BY GROUPING SETS ((${column}), ())
      ORDER BY grouping(${column}), ${column} NULLS LAST`,
    rangeParams(partnershipId, range),
  );
  const result: BalanceRow[] = [];
  let total = NO_LINES;
  for (const row of rows) {
    if (row.grand === 1) total = totalsOf(row);
    else result.push({ key: row.key ?? undefined, ...totalsOf(row) });
  }
  return { range, by, rows: result, total };
}
