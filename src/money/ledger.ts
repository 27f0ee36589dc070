/**
 * @module money/ledger
 * What makes a journal entry postable, checked before anything is written: a date, a description and a reason; at
 * least two lines, each a whole, non-zero number of pence within MAX_PENCE (debit positive, credit negative) to an
 * account that exists and is open to posting; lines that sum to zero; and an open period holding the date. Pure: the
 * facts about the books (accounts, period) are read by `posting.ts` under locks and passed in, so every problem is
 * reported at once, each with the path of the field at fault. The database enforces the same rules again
 * (migrations/0005_money.sql); this module is what turns a refusal into words a finance officer can act on.
 */
import { z } from 'zod';
import { formatPence, MAX_PENCE } from '../core/money.js';
import type { Issue } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import { IsoDate } from '../partnership/index.js';
import { periodLabel, periodOfDate, type PeriodRef } from './periods.js';

/** An account code as finance teams write them: letters, digits, dots and hyphens (e.g. 5100, EXP-ACUTE.01). */
export const ACCOUNT_CODE = /^[A-Za-z0-9][A-Za-z0-9.-]{0,39}$/;
export const AccountCode = z
  .string()
  .regex(ACCOUNT_CODE, 'must be an account code: up to 40 letters, digits, dots and hyphens');

/** Whole pence, not zero, within the range held exactly. Debit positive, credit negative. */
export const LineAmount = z
  .number({ error: 'must be an amount in pence: a whole number, positive to debit, negative to credit' })
  .refine(Number.isInteger, 'must be a whole number of pence (no fractions of a penny)')
  .refine((n) => n !== 0, 'must not be zero: leave the line out instead')
  .refine((n) => Math.abs(n) <= MAX_PENCE, `must be no more than ${MAX_PENCE} pence either way`);

const text = (max: number, what: string) =>
  z
    .string({ error: `must be text: ${what}` })
    .trim()
    .min(1, `must not be empty: ${what}`)
    .max(max, `must be at most ${max} characters`);

export const EntryLineInput = z
  .object({
    account: AccountCode,
    amountPence: LineAmount,
    memo: text(500, 'a note on this line').optional(),
  })
  .strict();

export const EntryInput = z
  .object({
    date: IsoDate,
    description: text(500, 'what the entry records'),
    reason: text(2000, 'why it is posted (the audit keeps it)'),
    lines: z.array(EntryLineInput).min(2, 'must have at least two lines: a debit and a credit'),
  })
  .strict();

export type EntryLine = z.infer<typeof EntryLineInput>;
export type ProposedEntry = z.infer<typeof EntryInput>;

/** What the books say about the accounts and the period an entry names, read under lock by the caller. */
export interface BooksFacts {
  /** The accounts the entry names that exist, by code; a code missing here is not in the chart. */
  readonly accounts: ReadonlyMap<string, { readonly closed: boolean }>;
  /** The period holding the entry's date, when that period has been opened. */
  readonly period: { readonly ref: PeriodRef; readonly closed: boolean } | undefined;
}

/** The account codes and the date an input names, read leniently so the caller can look them up before checking. */
export function referencedBy(input: unknown): {
  readonly date: string | undefined;
  readonly accounts: string[];
} {
  const record = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const date = IsoDate.safeParse(record.date);
  const lines = Array.isArray(record.lines) ? (record.lines as unknown[]) : [];
  const accounts = lines
    .map((line) =>
      typeof line === 'object' && line !== null ? (line as Record<string, unknown>).account : undefined,
    )
    .filter((code): code is string => typeof code === 'string' && ACCOUNT_CODE.test(code));
  return { date: date.success ? date.data : undefined, accounts: [...new Set(accounts)] };
}

/** A path as the issues name it: lines[2].amountPence. */
export function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

export function zodIssues(error: z.ZodError): Issue[] {
  return error.issues.map((issue) => {
    const where = issue.path.length === 0 ? {} : { path: pathText(issue.path) };
    if (issue.code === 'unrecognized_keys') {
      return {
        ...where,
        message: `unknown field(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}: remove them`,
      };
    }
    return { ...where, message: issue.message };
  });
}

/** Pence for a message, exact even beyond MAX_PENCE (a sum of large lines can be). */
function penceText(pence: bigint): string {
  const size = pence < 0n ? -pence : pence;
  return size <= BigInt(MAX_PENCE) ? formatPence(Number(size)) : `${size.toString()}p`;
}

/** Debits and credits of some lines, summed exactly. */
export function sides(lines: readonly { readonly amountPence: number }[]): {
  readonly debits: bigint;
  readonly credits: bigint;
} {
  let debits = 0n;
  let credits = 0n;
  for (const line of lines) {
    if (line.amountPence > 0) debits += BigInt(line.amountPence);
    else credits -= BigInt(line.amountPence);
  }
  return { debits, credits };
}

/**
 * Checks a proposed entry against itself and the books. Returns the entry, or every problem found: the shape of
 * each field, the balance (when every amount is itself valid), each unknown or closed account, and the period.
 */
export function checkEntry(input: unknown, books: BooksFacts): Result<ProposedEntry, Issue[]> {
  const parsed = EntryInput.safeParse(input);
  const issues: Issue[] = parsed.success ? [] : zodIssues(parsed.error);

  const raw = rawLines(input);
  const lines = validLines(raw);
  // Balance means something only when every line is itself valid, whatever else is wrong with the entry.
  if (raw.length > 0 && lines.length === raw.length) {
    const { debits, credits } = sides(lines);
    if (debits !== credits) {
      issues.push({
        path: 'lines',
        message:
          `the lines do not balance: debits (positive amounts) total ${penceText(debits)} and credits (negative ` +
          `amounts) ${penceText(credits)}, a difference of ${penceText(debits - credits)}`,
      });
    }
  }

  raw.forEach((line, index) => {
    const code =
      typeof line === 'object' && line !== null ? (line as Record<string, unknown>).account : undefined;
    if (typeof code !== 'string' || !ACCOUNT_CODE.test(code)) return;
    const account = books.accounts.get(code);
    if (account === undefined) {
      issues.push({
        path: `lines[${index}].account`,
        message: `there is no account ${code} in the chart of accounts`,
      });
    } else if (account.closed) {
      issues.push({
        path: `lines[${index}].account`,
        message: `account ${code} is closed to posting: use an open account`,
      });
    }
  });

  const { date } = referencedBy(input);
  if (date !== undefined) {
    const ref = periodOfDate(date);
    if (books.period === undefined) {
      issues.push({
        path: 'date',
        message: `no accounting period holds ${date}: ${periodLabel(ref)} has not been opened`,
      });
    } else if (books.period.closed) {
      issues.push({
        path: 'date',
        message: `${periodLabel(books.period.ref)} is closed: nothing more may be posted into it; date the entry in an open period`,
      });
    }
  }

  if (issues.length > 0 || !parsed.success) return err(issues);
  return ok(parsed.data);
}

function rawLines(input: unknown): unknown[] {
  const record = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  return Array.isArray(record.lines) ? (record.lines as unknown[]) : [];
}

function validLines(raw: readonly unknown[]): EntryLine[] {
  return raw.flatMap((line) => {
    const parsed = EntryLineInput.safeParse(line);
    return parsed.success ? [parsed.data] : [];
  });
}

/** The entry that undoes `original`: the same accounts, each amount negated, line for line. */
export function reversingLines(original: readonly EntryLine[]): EntryLine[] {
  return original.map((line) => ({ ...line, amountPence: -line.amountPence }));
}

/** The description a reversing entry carries, within the column's 500 characters. */
export function reversalDescription(originalId: number, originalDescription: string): string {
  const full = `Reversal of entry ${originalId}: ${originalDescription}`;
  return full.length <= 500 ? full : `${full.slice(0, 499)}…`;
}

export const ReversalInput = z
  .object({
    date: IsoDate,
    reason: text(2000, 'why the entry is reversed (the audit keeps it)'),
  })
  .strict();
export type ReversalRequest = z.infer<typeof ReversalInput>;
