/**
 * @module money/posting
 * Changing the journal: posting an entry, reversing one, and closing a period. Each is one transaction that first
 * locks what it depends on, then checks, then writes — so a refusal writes nothing, and what was checked cannot
 * change before the commit:
 *   - posting locks the period FOR SHARE and its accounts FOR SHARE (postings run side by side);
 *   - closing a period locks it FOR UPDATE, so it waits for postings in flight and later postings wait for it and
 *     then see it closed;
 *   - reversing locks the original entry FOR UPDATE, so two reversals of one entry cannot both land.
 * The database checks the same rules again by its triggers (migrations/0005_money.sql): a bug here would make a
 * posting fail, never make the ledger wrong.
 */
import { z } from 'zod';
import { problem, type Issue, type Problem } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import type { Queryable } from '../store/database.js';
import { inTransaction, type Actor, type LedgerContext } from './context.js';
import {
  checkEntry,
  referencedBy,
  reversalDescription,
  ReversalInput,
  reversingLines,
  zodIssues,
  type BooksFacts,
} from './ledger.js';
import {
  FIRST_FINANCIAL_YEAR,
  LAST_FINANCIAL_YEAR,
  PERIODS_IN_YEAR,
  periodLabel,
  periodOfDate,
  type PeriodRef,
} from './periods.js';
import {
  insertEntry,
  insertPeriodClosure,
  lockAccounts,
  lockEntry,
  lockPeriod,
  readEntry,
  type PostedEntry,
} from './repository.js';

const badInput = (what: string, issues: readonly Issue[]): Problem =>
  problem(
    'bad-input',
    `The ${what} cannot be posted.`,
    'Correct the fields listed in `issues`. Nothing was posted.',
    [...issues],
  );

/** Locks and reads what an entry's check needs: the period holding its date and the accounts it names. */
async function booksFacts(
  tx: Queryable,
  partnershipId: string,
  date: string | undefined,
  accounts: readonly string[],
): Promise<BooksFacts> {
  let period: BooksFacts['period'];
  if (date !== undefined) {
    const ref = periodOfDate(date);
    const state =
      ref.financialYear >= FIRST_FINANCIAL_YEAR && ref.financialYear <= LAST_FINANCIAL_YEAR
        ? await lockPeriod(tx, partnershipId, ref, 'share')
        : undefined;
    period = state === undefined ? undefined : { ref, closed: state.closed };
  }
  return { accounts: await lockAccounts(tx, partnershipId, accounts, 'share'), period };
}

async function reread(ctx: LedgerContext, id: number): Promise<PostedEntry> {
  const entry = await readEntry(ctx.db, ctx.partnershipId, id);
  if (entry === undefined) throw new Error(`journal entry ${id} vanished after it was posted`);
  return entry;
}

/**
 * Posts an entry inside a transaction the caller holds (so another record — a fund's release, say — and its entry
 * are written together or not at all). The checks and locks are `postEntry`'s; the answer is the new entry's id.
 */
export async function postEntryIn(
  tx: Queryable,
  partnershipId: string,
  actor: Actor,
  now: Date,
  input: unknown,
): Promise<Result<number, Problem>> {
  const wanted = referencedBy(input);
  const books = await booksFacts(tx, partnershipId, wanted.date, wanted.accounts);
  const checked = checkEntry(input, books);
  if (!checked.ok) return err(badInput('journal entry', checked.error));
  const entry = checked.value;
  const id = await insertEntry(
    tx,
    partnershipId,
    {
      period: periodOfDate(entry.date),
      date: entry.date,
      description: entry.description,
      reason: entry.reason,
      reversalOf: undefined,
    },
    entry.lines,
    actor,
    now,
  );
  return ok(id);
}

/**
 * Posts an entry: `{ date, description, reason, lines: [{ account, amountPence, memo? }] }`, amounts in pence,
 * debit positive and credit negative. Refused with every problem found, and nothing written, unless it is valid.
 */
export async function postEntry(
  ctx: LedgerContext,
  actor: Actor,
  input: unknown,
): Promise<Result<PostedEntry, Problem>> {
  const posted = await inTransaction(ctx.db, (tx) =>
    postEntryIn(tx, ctx.partnershipId, actor, ctx.now, input),
  );
  return posted.ok ? ok(await reread(ctx, posted.value)) : posted;
}

/**
 * Reverses a posted entry: a new entry on `date` (in an open period) with the same accounts and every amount
 * negated, saying why. An entry is reversed at most once, and a reversal is not itself reversed (post the entry
 * again instead), so the journal reads as a plain story of postings and their corrections.
 */
export async function reverseEntry(
  ctx: LedgerContext,
  actor: Actor,
  entryId: number,
  input: unknown,
): Promise<Result<PostedEntry, Problem>> {
  const request = ReversalInput.safeParse(input);
  if (!request.success) return err(badInput('reversal', zodIssues(request.error)));
  const { date, reason } = request.data;
  const posted = await inTransaction(ctx.db, async (tx) => {
    const original = await lockEntry(tx, ctx.partnershipId, entryId);
    if (original === undefined) {
      return err(problem('not-found', `There is no journal entry ${entryId}.`, 'Check the entry number.'));
    }
    if (original.reversedBy !== undefined) {
      return err(
        problem(
          'conflict',
          `Journal entry ${entryId} has already been reversed, by entry ${original.reversedBy}.`,
          'An entry is reversed only once. To change it again, post a new entry.',
        ),
      );
    }
    if (original.reversalOf !== undefined) {
      return err(
        problem(
          'conflict',
          `Journal entry ${entryId} is itself the reversal of entry ${original.reversalOf}.`,
          `A reversal is not reversed: post entry ${original.reversalOf}'s lines again as a new entry instead.`,
        ),
      );
    }
    const lines = reversingLines(
      original.lines.map((l) => ({
        account: l.account,
        amountPence: l.amountPence,
        ...(l.memo === undefined ? {} : { memo: l.memo }),
      })),
    );
    const proposed = {
      date,
      description: reversalDescription(original.id, original.description),
      reason,
      lines,
    };
    const books = await booksFacts(
      tx,
      ctx.partnershipId,
      date,
      lines.map((l) => l.account),
    );
    const checked = checkEntry(proposed, books);
    if (!checked.ok) return err(badInput('reversal', checked.error));
    const id = await insertEntry(
      tx,
      ctx.partnershipId,
      {
        period: periodOfDate(date),
        date,
        description: proposed.description,
        reason,
        reversalOf: original.id,
      },
      lines,
      actor,
      ctx.now,
    );
    return ok(id);
  });
  return posted.ok ? ok(await reread(ctx, posted.value)) : posted;
}

const CloseInput = z
  .object({
    financialYear: z.number().int().min(FIRST_FINANCIAL_YEAR).max(LAST_FINANCIAL_YEAR),
    period: z.number().int().min(1).max(PERIODS_IN_YEAR),
    reason: z.string().trim().min(1, 'must say why the period is closed').max(2000),
  })
  .strict();

/**
 * Closes a period: nothing more is posted into it, ever — a closed period is never reopened, and corrections found
 * later are posted in an open period. Waits for postings into the period that are in flight.
 */
export async function closePeriod(
  ctx: LedgerContext,
  actor: Actor,
  input: unknown,
): Promise<Result<PeriodRef, Problem>> {
  const parsed = CloseInput.safeParse(input);
  if (!parsed.success) {
    return err(
      problem(
        'bad-input',
        'The period to close is not valid.',
        'Correct the fields listed in `issues`. Nothing was closed.',
        zodIssues(parsed.error),
      ),
    );
  }
  const ref = { financialYear: parsed.data.financialYear, period: parsed.data.period };
  return inTransaction(ctx.db, async (tx) => {
    const state = await lockPeriod(tx, ctx.partnershipId, ref, 'update');
    if (state === undefined) {
      return err(
        problem('not-found', `${periodLabel(ref)} has not been opened.`, 'Open its financial year first.'),
      );
    }
    if (state.closed) {
      return err(
        problem('conflict', `${periodLabel(ref)} is already closed.`, 'A closed period is never reopened.'),
      );
    }
    await insertPeriodClosure(tx, ctx.partnershipId, ref, parsed.data.reason, actor, ctx.now);
    return ok(ref);
  });
}
