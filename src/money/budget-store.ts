/**
 * @module money/budget-store
 * Budgets in PostgreSQL (migrations/0018_budget.sql) and the ledger's actuals by account and month. Setting a year's
 * budget checks the whole file first (money/budget.ts), then writes it as the year's next version in one
 * transaction, with who and why; the year's budget is its latest version.
 */
import { problem, type Problem } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import type { Queryable } from '../store/database.js';
import { inTransaction } from '../store/in-transaction.js';
import { parseBudgetCsv, type ActualCell, type BudgetLine } from './budget.js';
import type { Actor, LedgerContext } from './context.js';
import { readChart } from './repository.js';

/** Finance officers set budgets. */
export const BUDGET_ROLES = ['finance'] as const;

export interface Budget {
  readonly financialYear: number;
  readonly version: number;
  readonly reason: string;
  readonly setBy: { readonly name: string; readonly organisation: string };
  readonly setAt: Date;
  readonly lines: readonly BudgetLine[];
}

export async function readBudget(
  db: Queryable,
  partnershipId: string,
  financialYear: number,
): Promise<Budget | undefined> {
  const [head] = await db.query<{
    id: string;
    version: number;
    reason: string;
    name: string;
    set_by_organisation: string;
    set_at: Date;
  }>(
    `SELECT v.id, v.version, v.reason, u.display_name AS name, v.set_by_organisation, v.set_at
       FROM budget_version v JOIN app_user u ON u.id = v.set_by
      WHERE v.partnership_id = $1 AND v.financial_year = $2 ORDER BY v.version DESC LIMIT 1`,
    [partnershipId, financialYear],
  );
  if (head === undefined) return undefined;
  const lines = await db.query<{ account_code: string; period: number; amount_pence: string }>(
    'SELECT account_code, period, amount_pence FROM budget_line WHERE version_id = $1 ORDER BY account_code, period',
    [head.id],
  );
  return {
    financialYear,
    version: head.version,
    reason: head.reason,
    setBy: { name: head.name, organisation: head.set_by_organisation },
    setAt: head.set_at,
    lines: lines.map((l) => ({
      account: l.account_code,
      period: l.period,
      amountPence: Number(l.amount_pence),
    })),
  };
}

/** Each account's net (debit positive) in each month of the year, from the journal. */
export async function readActuals(
  db: Queryable,
  partnershipId: string,
  financialYear: number,
): Promise<ActualCell[]> {
  const rows = await db.query<{ account_code: string; period: number; net: string }>(
    `SELECT l.account_code, e.period, sum(l.amount_pence)::text AS net
       FROM journal_line l JOIN journal_entry e ON e.id = l.entry_id
      WHERE e.partnership_id = $1 AND e.financial_year = $2
      GROUP BY l.account_code, e.period`,
    [partnershipId, financialYear],
  );
  return rows.map((r) => ({ account: r.account_code, period: r.period, netPence: Number(r.net) }));
}

/**
 * Sets a financial year's budget from a CSV file (`account,period,amount`), as its next version. Refused whole, with
 * every bad row and its line, if any row is wrong.
 */
export async function setBudget(
  ctx: LedgerContext,
  actor: Actor & { readonly roles: readonly string[] },
  financialYear: number,
  csv: string,
  reason: string,
): Promise<Result<Budget, Problem>> {
  if (!actor.roles.some((r) => (BUDGET_ROLES as readonly string[]).includes(r))) {
    return err(problem('forbidden', 'Only a finance officer may set a budget.'));
  }
  const issues = [];
  if (!Number.isInteger(financialYear) || financialYear < 2000 || financialYear > 2999) {
    issues.push({ path: 'year', message: 'must be a financial year, e.g. 2025 for 2025/26' });
  }
  if (reason.trim() === '')
    issues.push({ path: 'reason', message: 'Say why the budget is set (or set again)' });
  const parsed = parseBudgetCsv(csv, await readChart(ctx.db, ctx.partnershipId));
  if (!parsed.ok)
    issues.push(
      ...parsed.error.map((e) => ({ path: 'file', line: e.line, message: `line ${e.line}: ${e.message}` })),
    );
  if (issues.length > 0 || !parsed.ok) {
    return err(
      problem(
        'bad-input',
        'The budget cannot be set.',
        'Correct the file and the fields listed. Nothing was saved.',
        issues,
      ),
    );
  }
  const written = await inTransaction(ctx.db, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `accord-budget:${ctx.partnershipId}:${financialYear}`,
    ]);
    const [next] = await tx.query<{ version: number }>(
      'SELECT coalesce(max(version), 0) + 1 AS version FROM budget_version WHERE partnership_id = $1 AND financial_year = $2',
      [ctx.partnershipId, financialYear],
    );
    const [row] = await tx.query<{ id: string }>(
      `INSERT INTO budget_version (partnership_id, financial_year, version, reason, set_by, set_by_organisation, set_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        ctx.partnershipId,
        financialYear,
        next?.version ?? 1,
        reason.trim(),
        actor.userId,
        actor.organisation,
        ctx.now,
      ],
    );
    if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
    await tx.query(
      `INSERT INTO budget_line (version_id, partnership_id, account_code, period, amount_pence)
       SELECT $1, $2, l.account, l.period, l.amount FROM jsonb_to_recordset($3::jsonb) AS l(account text, period int, amount bigint)`,
      [
        row.id,
        ctx.partnershipId,
        JSON.stringify(
          parsed.value.map((l) => ({ account: l.account, period: l.period, amount: l.amountPence })),
        ),
      ],
    );
    return ok(undefined);
  });
  if (!written.ok) return written;
  const budget = await readBudget(ctx.db, ctx.partnershipId, financialYear);
  if (budget === undefined) throw new Error('the budget vanished after it was set');
  return ok(budget);
}
