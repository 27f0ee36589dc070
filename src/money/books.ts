/**
 * @module money/books
 * Setting up the books: opening an account in the chart, closing one to posting, and opening a financial year's
 * twelve periods. Each step checks its input, then records it with who and when in one transaction; problems come
 * back as values. Closing a period, like posting, is in `posting.ts`.
 */
import { z } from 'zod';
import { problem, type Problem } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import { storedPartnership } from '../partnership/index.js';
import { checkAccount, type NewAccount } from './chart.js';
import { inTransaction, type Actor, type LedgerContext } from './context.js';
import { AccountCode, zodIssues } from './ledger.js';
import { FIRST_FINANCIAL_YEAR, financialYearLabel, LAST_FINANCIAL_YEAR } from './periods.js';
import { insertAccount, insertAccountClosure, insertYear, lockAccounts } from './repository.js';

const badInput = (what: string, issues: Problem['issues']): Problem =>
  problem(
    'bad-input',
    `The ${what} is not valid.`,
    'Correct the fields listed in `issues`. Nothing was saved.',
    issues,
  );

export async function openAccount(
  ctx: LedgerContext,
  actor: Actor,
  input: unknown,
): Promise<Result<NewAccount, Problem>> {
  const partnership = await storedPartnership(ctx.db, ctx.partnershipId);
  const checked = checkAccount(input, partnership);
  if (!checked.ok) return err(badInput('account', checked.error));
  const account = checked.value;
  return inTransaction(ctx.db, async (tx) =>
    (await insertAccount(tx, ctx.partnershipId, account, actor, ctx.now))
      ? ok(account)
      : err(
          problem(
            'conflict',
            `There is already an account ${account.code}.`,
            'Choose another code: an account code, once used, always means that account.',
          ),
        ),
  );
}

const Reason = z.string().trim().min(1, 'must say why').max(2000);

export async function closeAccount(
  ctx: LedgerContext,
  actor: Actor,
  code: unknown,
  reason: unknown,
): Promise<Result<{ readonly code: string }, Problem>> {
  const checkedCode = AccountCode.safeParse(code);
  const checkedReason = Reason.safeParse(reason);
  if (!checkedCode.success || !checkedReason.success) {
    return err(
      badInput('account closure', [
        ...(checkedCode.success ? [] : zodIssues(checkedCode.error).map((i) => ({ ...i, path: 'code' }))),
        ...(checkedReason.success
          ? []
          : zodIssues(checkedReason.error).map((i) => ({ ...i, path: 'reason' }))),
      ]),
    );
  }
  const accountCode = checkedCode.data;
  return inTransaction(ctx.db, async (tx) => {
    const state = (await lockAccounts(tx, ctx.partnershipId, [accountCode], 'update')).get(accountCode);
    if (state === undefined) {
      return err(problem('not-found', `There is no account ${accountCode}.`, 'Check the chart of accounts.'));
    }
    if (state.closed) {
      return err(
        problem(
          'conflict',
          `Account ${accountCode} is already closed.`,
          'A closed account is never reopened: open a new account instead.',
        ),
      );
    }
    await insertAccountClosure(tx, ctx.partnershipId, accountCode, checkedReason.data, actor, ctx.now);
    return ok({ code: accountCode });
  });
}

const FinancialYear = z
  .number({ error: 'must be the year the financial year starts in, e.g. 2025 for 2025/26' })
  .int('must be a whole year')
  .min(FIRST_FINANCIAL_YEAR)
  .max(LAST_FINANCIAL_YEAR);

/** Opens the periods of a financial year (April to March), so entries can be posted into them. */
export async function openFinancialYear(
  ctx: LedgerContext,
  actor: Actor,
  financialYear: unknown,
): Promise<Result<{ readonly financialYear: number }, Problem>> {
  const year = FinancialYear.safeParse(financialYear);
  if (!year.success) {
    return err(
      badInput(
        'financial year',
        zodIssues(year.error).map((i) => ({ ...i, path: 'financialYear' })),
      ),
    );
  }
  return inTransaction(ctx.db, async (tx) => {
    const opened = await insertYear(tx, ctx.partnershipId, year.data, actor, ctx.now);
    return opened === 0
      ? err(problem('conflict', `Financial year ${financialYearLabel(year.data)} is already open.`))
      : ok({ financialYear: year.data });
  });
}
