/**
 * @module money/repository
 * The ledger's rows in PostgreSQL (migrations/0005_money.sql): accounts, periods, journal entries and their lines.
 * Only inserts, locks and reads — the database refuses every UPDATE and DELETE. Writes take a `Queryable` so
 * `books.ts` and `posting.ts` run them in one transaction.
 *
 * Locks are taken in one statement and the state read in the next: under READ COMMITTED each statement sees what
 * was committed when it began, so reading after the lock is granted sees the close or posting that was waited for.
 */
import type { Queryable } from '../store/database.js';
import type { Account, AccountKind, NewAccount } from './chart.js';
import type { Actor } from './context.js';
import type { EntryLine } from './ledger.js';
import type { PeriodRef } from './periods.js';

/** Who did something, when, and (for closes) why. */
export interface Stamp {
  readonly byId: string;
  readonly byOrganisation: string;
  readonly at: Date;
}

export interface Closure extends Stamp {
  readonly reason: string;
}

export interface PeriodRecord {
  readonly ref: PeriodRef;
  readonly startsOn: string;
  readonly endsOn: string;
  readonly opened: Stamp;
  readonly closure: Closure | undefined;
}

export interface PostedLine {
  readonly line: number;
  readonly account: string;
  /** Debit positive, credit negative. */
  readonly amountPence: number;
  readonly memo: string | undefined;
}

export interface PostedEntry {
  readonly id: number;
  readonly period: PeriodRef;
  readonly date: string;
  readonly description: string;
  readonly reason: string;
  readonly posted: Stamp;
  readonly reversalOf: number | undefined;
  /** The entry that reversed this one, if any. */
  readonly reversedBy: number | undefined;
  readonly lines: readonly PostedLine[];
}

const num = (value: string | number): number => Number(value);
const opt = <T>(value: T | null): T | undefined => value ?? undefined;

// ---------------------------------------------------------------------------------------------------------------
// Accounts

export async function insertAccount(
  tx: Queryable,
  partnershipId: string,
  account: NewAccount,
  actor: Actor,
  at: Date,
): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO ledger_account
       (partnership_id, code, name, kind, organisation, place, programme, category,
        opened_by, opened_by_organisation, opened_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (partnership_id, code) DO NOTHING
     RETURNING code`,
    [
      partnershipId,
      account.code,
      account.name,
      account.kind,
      account.organisation ?? null,
      account.place ?? null,
      account.programme ?? null,
      account.category ?? null,
      actor.userId,
      actor.organisation,
      at,
    ],
  );
  return rows.length === 1;
}

export async function insertAccountClosure(
  tx: Queryable,
  partnershipId: string,
  code: string,
  reason: string,
  actor: Actor,
  at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO ledger_account_closure
       (partnership_id, code, reason, closed_by, closed_by_organisation, closed_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [partnershipId, code, reason, actor.userId, actor.organisation, at],
  );
}

/**
 * Locks the named accounts (FOR SHARE to post to them, FOR UPDATE to close one) and says which exist and which are
 * closed. Locked in code order, so two postings never wait on each other in a cycle.
 */
export async function lockAccounts(
  tx: Queryable,
  partnershipId: string,
  codes: readonly string[],
  mode: 'share' | 'update',
): Promise<Map<string, { readonly closed: boolean }>> {
  const sorted = [...new Set(codes)].sort();
  await tx.query(
    `SELECT code FROM ledger_account WHERE partnership_id = $1 AND code = ANY($2::text[])
      ORDER BY code FOR ${mode === 'share' ? 'SHARE' : 'UPDATE'}`,
    [partnershipId, sorted],
  );
  const rows = await tx.query<{ code: string; closed: boolean }>(
    `SELECT a.code, c.code IS NOT NULL AS closed
       FROM ledger_account a
       LEFT JOIN ledger_account_closure c ON c.partnership_id = a.partnership_id AND c.code = a.code
      WHERE a.partnership_id = $1 AND a.code = ANY($2::text[])`,
    [partnershipId, sorted],
  );
  return new Map(rows.map((row) => [row.code, { closed: row.closed }]));
}

interface AccountRow {
  code: string;
  name: string;
  kind: AccountKind;
  organisation: string | null;
  place: string | null;
  programme: string | null;
  category: string | null;
  closed: boolean;
}

/** The chart of accounts, in code order. */
export async function readChart(db: Queryable, partnershipId: string): Promise<Account[]> {
  const rows = await db.query<AccountRow>(
    `SELECT a.code, a.name, a.kind, a.organisation, a.place, a.programme, a.category,
            c.code IS NOT NULL AS closed
       FROM ledger_account a
       LEFT JOIN ledger_account_closure c ON c.partnership_id = a.partnership_id AND c.code = a.code
      WHERE a.partnership_id = $1
      ORDER BY a.code`,
    [partnershipId],
  );
  return rows.map((row) => ({
    code: row.code,
    name: row.name,
    kind: row.kind,
    ...(row.organisation === null ? {} : { organisation: row.organisation }),
    ...(row.place === null ? {} : { place: row.place }),
    ...(row.programme === null ? {} : { programme: row.programme }),
    ...(row.category === null ? {} : { category: row.category }),
    closed: row.closed,
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Periods

/** Opens the twelve periods of a financial year; returns how many were new (0 when it was already open). */
export async function insertYear(
  tx: Queryable,
  partnershipId: string,
  financialYear: number,
  actor: Actor,
  at: Date,
): Promise<number> {
  const rows = await tx.query(
    `INSERT INTO accounting_period
       (partnership_id, financial_year, period, opened_by, opened_by_organisation, opened_at)
     SELECT $1, $2, p, $3, $4, $5 FROM generate_series(1, 12) AS p
     ON CONFLICT DO NOTHING
     RETURNING period`,
    [partnershipId, financialYear, actor.userId, actor.organisation, at],
  );
  return rows.length;
}

// Names "Accord ledger periods" among advisory locks (two-key form, so apart from the one-key locks elsewhere).
const PERIOD_LOCK = 7_201_718;

/**
 * Locks a period — FOR SHARE to post into it, FOR UPDATE to close it, so a close waits for postings in flight and
 * postings wait for a close — then says whether it is closed; undefined when it was never opened.
 *
 * The row lock is what the database's triggers rely on, but row locks let new sharers in ahead of a waiting
 * FOR UPDATE, so a steady stream of postings could hold a close off indefinitely. An advisory lock on the period,
 * taken first (shared to post, exclusive to close), queues fairly: postings that arrive after a close has asked
 * wait behind it, and then find the period closed.
 */
export async function lockPeriod(
  tx: Queryable,
  partnershipId: string,
  ref: PeriodRef,
  mode: 'share' | 'update',
): Promise<{ readonly closed: boolean } | undefined> {
  await tx.query(
    `SELECT ${mode === 'share' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock'}(
       $1::integer, hashtext($2 || '/' || $3 || '/' || $4))`,
    [PERIOD_LOCK, partnershipId, ref.financialYear, ref.period],
  );
  const locked = await tx.query(
    `SELECT period FROM accounting_period
      WHERE partnership_id = $1 AND financial_year = $2 AND period = $3
        FOR ${mode === 'share' ? 'SHARE' : 'UPDATE'}`,
    [partnershipId, ref.financialYear, ref.period],
  );
  if (locked.length === 0) return undefined;
  const closed = await tx.query(
    `SELECT 1 FROM accounting_period_closure
      WHERE partnership_id = $1 AND financial_year = $2 AND period = $3`,
    [partnershipId, ref.financialYear, ref.period],
  );
  return { closed: closed.length > 0 };
}

export async function insertPeriodClosure(
  tx: Queryable,
  partnershipId: string,
  ref: PeriodRef,
  reason: string,
  actor: Actor,
  at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO accounting_period_closure
       (partnership_id, financial_year, period, reason, closed_by, closed_by_organisation, closed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [partnershipId, ref.financialYear, ref.period, reason, actor.userId, actor.organisation, at],
  );
}

interface PeriodRow {
  financial_year: number;
  period: number;
  starts_on: string;
  ends_on: string;
  opened_by: string;
  opened_by_organisation: string;
  opened_at: Date;
  reason: string | null;
  closed_by: string | null;
  closed_by_organisation: string | null;
  closed_at: Date | null;
}

/** The periods opened, in order; of one financial year when given. */
export async function readPeriods(
  db: Queryable,
  partnershipId: string,
  financialYear?: number,
): Promise<PeriodRecord[]> {
  const rows = await db.query<PeriodRow>(
    `SELECT p.financial_year, p.period, p.starts_on::text, p.ends_on::text,
            p.opened_by, p.opened_by_organisation, p.opened_at,
            c.reason, c.closed_by, c.closed_by_organisation, c.closed_at
       FROM accounting_period p
       LEFT JOIN accounting_period_closure c USING (partnership_id, financial_year, period)
      WHERE p.partnership_id = $1 AND ($2::integer IS NULL OR p.financial_year = $2)
      ORDER BY p.financial_year, p.period`,
    [partnershipId, financialYear ?? null],
  );
  return rows.map((row) => ({
    ref: { financialYear: row.financial_year, period: row.period },
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    opened: { byId: row.opened_by, byOrganisation: row.opened_by_organisation, at: row.opened_at },
    closure:
      row.closed_at === null ||
      row.closed_by === null ||
      row.closed_by_organisation === null ||
      row.reason === null
        ? undefined
        : {
            byId: row.closed_by,
            byOrganisation: row.closed_by_organisation,
            at: row.closed_at,
            reason: row.reason,
          },
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Journal

export interface EntryHeader {
  readonly period: PeriodRef;
  readonly date: string;
  readonly description: string;
  readonly reason: string;
  readonly reversalOf: number | undefined;
}

/**
 * Writes an entry and its lines, numbered from 1 in the order given — inserted in that order, since the database
 * requires each line to follow the one before — and the database checks the balance at commit.
 */
export async function insertEntry(
  tx: Queryable,
  partnershipId: string,
  header: EntryHeader,
  lines: readonly EntryLine[],
  actor: Actor,
  at: Date,
): Promise<number> {
  const [row] = await tx.query<{ id: string }>(
    `INSERT INTO journal_entry
       (partnership_id, financial_year, period, entry_date, description, reason,
        posted_by, posted_by_organisation, created_at, reversal_of)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [
      partnershipId,
      header.period.financialYear,
      header.period.period,
      header.date,
      header.description,
      header.reason,
      actor.userId,
      actor.organisation,
      at,
      header.reversalOf ?? null,
    ],
  );
  if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
  const id = num(row.id);
  await tx.query(
    `INSERT INTO journal_line (entry_id, line, partnership_id, account_code, amount_pence, memo)
     SELECT $1, n, $2, account, amount, memo
       FROM unnest($3::text[], $4::bigint[], $5::text[]) WITH ORDINALITY AS l (account, amount, memo, n)
      ORDER BY n`,
    [
      id,
      partnershipId,
      lines.map((l) => l.account),
      // As text, so amounts beyond 2^31 reach the bigint column digit for digit.
      lines.map((l) => String(l.amountPence)),
      lines.map((l) => l.memo ?? null),
    ],
  );
  return id;
}

interface EntryRow {
  id: string;
  financial_year: number;
  period: number;
  entry_date: string;
  description: string;
  reason: string;
  posted_by: string;
  posted_by_organisation: string;
  created_at: Date;
  reversal_of: string | null;
  reversed_by: string | null;
}

interface LineRow {
  entry_id: string;
  line: number;
  account_code: string;
  amount_pence: string;
  memo: string | null;
}

const ENTRY_COLUMNS = `e.id, e.financial_year, e.period, e.entry_date::text, e.description, e.reason,
  e.posted_by, e.posted_by_organisation, e.created_at, e.reversal_of,
  (SELECT r.id FROM journal_entry r WHERE r.reversal_of = e.id) AS reversed_by`;

async function withLines(db: Queryable, rows: readonly EntryRow[]): Promise<PostedEntry[]> {
  if (rows.length === 0) return [];
  const lines = await db.query<LineRow>(
    `SELECT entry_id, line, account_code, amount_pence::text, memo FROM journal_line
      WHERE entry_id = ANY($1::bigint[]) ORDER BY entry_id, line`,
    [rows.map((row) => row.id)],
  );
  const byEntry = new Map<number, PostedLine[]>();
  for (const line of lines) {
    const list = byEntry.get(num(line.entry_id)) ?? [];
    list.push({
      line: line.line,
      account: line.account_code,
      amountPence: num(line.amount_pence),
      memo: opt(line.memo),
    });
    byEntry.set(num(line.entry_id), list);
  }
  return rows.map((row) => ({
    id: num(row.id),
    period: { financialYear: row.financial_year, period: row.period },
    date: row.entry_date,
    description: row.description,
    reason: row.reason,
    posted: { byId: row.posted_by, byOrganisation: row.posted_by_organisation, at: row.created_at },
    reversalOf: row.reversal_of === null ? undefined : num(row.reversal_of),
    reversedBy: row.reversed_by === null ? undefined : num(row.reversed_by),
    lines: byEntry.get(num(row.id)) ?? [],
  }));
}

/** Locks an entry (FOR UPDATE) so two reversals of it happen one after the other, then reads it. */
export async function lockEntry(
  tx: Queryable,
  partnershipId: string,
  id: number,
): Promise<PostedEntry | undefined> {
  const locked = await tx.query(
    `SELECT id FROM journal_entry WHERE partnership_id = $1 AND id = $2 FOR UPDATE`,
    [partnershipId, id],
  );
  if (locked.length === 0) return undefined;
  return readEntry(tx, partnershipId, id);
}

export async function readEntry(
  db: Queryable,
  partnershipId: string,
  id: number,
): Promise<PostedEntry | undefined> {
  const rows = await db.query<EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM journal_entry e WHERE e.partnership_id = $1 AND e.id = $2`,
    [partnershipId, id],
  );
  const [entry] = await withLines(db, rows);
  return entry;
}

/** The entries posted into the periods of a range, in the order they were posted. */
export async function readEntries(
  db: Queryable,
  partnershipId: string,
  range: { readonly from: PeriodRef; readonly to: PeriodRef },
): Promise<PostedEntry[]> {
  const rows = await db.query<EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM journal_entry e
      WHERE e.partnership_id = $1
        AND (e.financial_year, e.period) >= ($2::integer, $3::integer)
        AND (e.financial_year, e.period) <= ($4::integer, $5::integer)
      ORDER BY e.id`,
    [partnershipId, range.from.financialYear, range.from.period, range.to.financialYear, range.to.period],
  );
  return withLines(db, rows);
}

/** A page of the journal: the entries asked for, newest first, and whether older ones follow. */
export interface JournalPage {
  readonly entries: readonly PostedEntry[];
  /** The people who posted them, by user id: their names as the access module holds them. */
  readonly postedBy: ReadonlyMap<string, string>;
  /** True when there are older entries than the last one here: ask again with `beforeId` set to its id. */
  readonly more: boolean;
}

/**
 * The journal as a finance officer reads it: entries posted into a range of periods, optionally only those with a
 * line to one account, newest first, `limit` at a time. Paged by entry id (keyset), so a page is as quick at the
 * thousandth entry as at the first and an entry posted meanwhile never shifts one page's entries onto the next.
 */
export async function readJournal(
  db: Queryable,
  partnershipId: string,
  query: {
    readonly range: { readonly from: PeriodRef; readonly to: PeriodRef };
    readonly account?: string | undefined;
    readonly beforeId?: number | undefined;
    readonly limit: number;
  },
): Promise<JournalPage> {
  const rows = await db.query<EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM journal_entry e
      WHERE e.partnership_id = $1
        AND (e.financial_year, e.period) >= ($2::integer, $3::integer)
        AND (e.financial_year, e.period) <= ($4::integer, $5::integer)
        AND ($6::text IS NULL OR EXISTS (
              SELECT 1 FROM journal_line l WHERE l.entry_id = e.id AND l.account_code = $6))
        AND ($7::bigint IS NULL OR e.id < $7)
      ORDER BY e.id DESC
      LIMIT $8`,
    [
      partnershipId,
      query.range.from.financialYear,
      query.range.from.period,
      query.range.to.financialYear,
      query.range.to.period,
      query.account ?? null,
      query.beforeId ?? null,
      query.limit + 1,
    ],
  );
  const entries = await withLines(db, rows.slice(0, query.limit));
  return { entries, postedBy: await postersOf(db, entries), more: rows.length > query.limit };
}

/** The names of the people who posted some entries, by user id, as the access module holds them. */
export async function postersOf(
  db: Queryable,
  entries: readonly PostedEntry[],
): Promise<ReadonlyMap<string, string>> {
  const people = [...new Set(entries.map((e) => e.posted.byId))];
  if (people.length === 0) return new Map();
  const names = await db.query<{ id: string; display_name: string }>(
    'SELECT id, display_name FROM app_user WHERE id = ANY($1::uuid[])',
    [people],
  );
  return new Map(names.map((n) => [n.id, n.display_name]));
}
