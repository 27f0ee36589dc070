/**
 * @module money/pool-store
 * Pooled budgets in PostgreSQL (migrations/0019_pooled_budget.sql): setting a pool up, a partner's contribution
 * (posted Dr the pool's cash, Cr the partners' fund) and spending charged to the pool (Dr its spending, Cr its cash),
 * each in one transaction with its journal entry; and the pools read back with what was contributed and spent and
 * how the year end would be shared now. Finance officers record; anyone reads.
 */
import { problem, type Problem } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import { storedPartnership } from '../partnership/index.js';
import type { Queryable } from '../store/database.js';
import { inTransaction } from '../store/in-transaction.js';
import type { Actor, LedgerContext } from './context.js';
import { zodIssues } from './ledger.js';
import {
  ChargeInput,
  checkPool,
  ContributionInput,
  contributionRefusal,
  dateRefusal,
  PoolInput,
  yearEndSplit,
  type RiskShareRule,
  type YearEndShare,
} from './pooled-budget.js';
import { postEntryIn } from './posting.js';
import { readChart } from './repository.js';

export const POOL_ROLES = ['finance'] as const;
type PoolActor = Actor & { readonly roles: readonly string[] };

export interface Pool {
  readonly id: number;
  readonly name: string;
  readonly financialYear: number;
  readonly scope: string;
  readonly host: string;
  readonly manager: string;
  readonly rule: RiskShareRule;
  readonly partners: readonly {
    readonly organisation: string;
    readonly plannedPence: number;
    readonly sharePercent: number | undefined;
    readonly contributedPence: number;
  }[];
  readonly contributedPence: number;
  readonly spentPence: number;
  /** Contributions less spending: positive an underspend, negative an overspend. */
  readonly balancePence: number;
  /** How the balance would be shared by the rule, as it stands. */
  readonly split: readonly YearEndShare[];
}

const badInput = (what: string, issues: Problem['issues']): Problem =>
  problem(
    'bad-input',
    `The ${what} is not valid.`,
    'Correct the fields listed in `issues`. Nothing was saved.',
    issues,
  );
const forbidden = () => problem('forbidden', 'Only a finance officer may record pooled budgets.');
const mayRecord = (actor: PoolActor) =>
  actor.roles.some((r) => (POOL_ROLES as readonly string[]).includes(r));

export async function readPools(db: Queryable, partnershipId: string, poolId?: number): Promise<Pool[]> {
  const pools = await db.query<{
    id: string;
    name: string;
    financial_year: number;
    scope: string;
    host: string;
    manager: string;
    rule: RiskShareRule;
  }>(
    `SELECT id, name, financial_year, scope, host, manager, rule FROM pool
      WHERE partnership_id = $1 AND ($2::bigint IS NULL OR id = $2) ORDER BY financial_year DESC, id`,
    [partnershipId, poolId ?? null],
  );
  const result: Pool[] = [];
  for (const p of pools) {
    const partners = await db.query<{
      organisation: string;
      planned_pence: string;
      share_percent: number | null;
      contributed: string;
    }>(
      `SELECT pp.organisation, pp.planned_pence, pp.share_percent,
              coalesce((SELECT sum(c.amount_pence) FROM pool_contribution c
                         WHERE c.pool_id = pp.pool_id AND c.organisation = pp.organisation), 0)::text AS contributed
         FROM pool_partner pp WHERE pp.pool_id = $1 ORDER BY pp.position`,
      [p.id],
    );
    const [spent] = await db.query<{ spent: string }>(
      'SELECT coalesce(sum(amount_pence), 0)::text AS spent FROM pool_charge WHERE pool_id = $1',
      [p.id],
    );
    const list = partners.map((x) => ({
      organisation: x.organisation,
      plannedPence: Number(x.planned_pence),
      sharePercent: x.share_percent ?? undefined,
      contributedPence: Number(x.contributed),
    }));
    const contributed = list.reduce((sum, x) => sum + x.contributedPence, 0);
    const spentPence = Number(spent?.spent ?? 0);
    const balance = contributed - spentPence;
    result.push({
      id: Number(p.id),
      name: p.name,
      financialYear: p.financial_year,
      scope: p.scope,
      host: p.host,
      manager: p.manager,
      rule: p.rule,
      partners: list,
      contributedPence: contributed,
      spentPence,
      balancePence: balance,
      split: yearEndSplit(
        p.rule,
        p.host,
        list,
        new Map(list.map((x) => [x.organisation, x.contributedPence])),
        balance,
      ),
    });
  }
  return result;
}

export async function createPool(
  ctx: LedgerContext,
  actor: PoolActor,
  raw: unknown,
): Promise<Result<Pool, Problem>> {
  if (!mayRecord(actor)) return err(forbidden());
  const parsed = PoolInput.safeParse(raw);
  if (!parsed.success) return err(badInput('pool', zodIssues(parsed.error)));
  const partnership = await storedPartnership(ctx.db, ctx.partnershipId);
  const checked = checkPool(parsed.data, partnership, await readChart(ctx.db, ctx.partnershipId));
  if (!checked.ok) return err(badInput('pool', checked.error));
  const input = checked.value;
  const created = await inTransaction(ctx.db, async (tx) => {
    const [taken] = await tx.query('SELECT 1 FROM pool WHERE partnership_id = $1 AND name = $2', [
      ctx.partnershipId,
      input.name,
    ]);
    if (taken !== undefined) return err(problem('conflict', `There is already a pool called ${input.name}.`));
    const [row] = await tx.query<{ id: string }>(
      `INSERT INTO pool (partnership_id, name, financial_year, scope, host, manager, rule, cash_account, spend_account,
         fund_account, created_by, created_by_organisation, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
      [
        ctx.partnershipId,
        input.name,
        input.financialYear,
        input.scope,
        input.host,
        input.manager,
        input.rule,
        input.cashAccount,
        input.spendAccount,
        input.fundAccount,
        actor.userId,
        actor.organisation,
        ctx.now,
      ],
    );
    if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
    for (const [position, p] of input.partners.entries()) {
      await tx.query(
        'INSERT INTO pool_partner (pool_id, organisation, position, planned_pence, share_percent) VALUES ($1, $2, $3, $4, $5)',
        [row.id, p.organisation, position, p.plannedPence, p.sharePercent ?? null],
      );
    }
    return ok(Number(row.id));
  });
  if (!created.ok) return created;
  const [pool] = await readPools(ctx.db, ctx.partnershipId, created.value);
  if (pool === undefined) throw new Error('the pool vanished after it was set up');
  return ok(pool);
}

/** A pool as a change to it sees it: its accounts, and its partners and year. */
interface OpenPool {
  readonly name: string;
  readonly financialYear: number;
  readonly cashAccount: string;
  readonly spendAccount: string;
  readonly fundAccount: string;
  readonly partners: Pool['partners'];
}

/**
 * Runs one change to a pool: locks it (so its posting and its record land together, one change at a time), hands the
 * change the pool, and reads the pool back when the change is written. Not found when there is no such pool.
 */
async function changePool(
  ctx: LedgerContext,
  poolId: number,
  change: (tx: Queryable, pool: OpenPool) => Promise<Result<undefined, Problem>>,
): Promise<Result<Pool, Problem>> {
  const done = await inTransaction(ctx.db, async (tx) => {
    const [row] = await tx.query<{ cash_account: string; spend_account: string; fund_account: string }>(
      `SELECT cash_account, spend_account, fund_account FROM pool
        WHERE partnership_id = $1 AND id = $2 FOR UPDATE`,
      [ctx.partnershipId, poolId],
    );
    const [current] = row === undefined ? [] : await readPools(tx, ctx.partnershipId, poolId);
    if (row === undefined || current === undefined)
      return err(problem('not-found', `There is no pool ${poolId}.`));
    return change(tx, {
      name: current.name,
      financialYear: current.financialYear,
      cashAccount: row.cash_account,
      spendAccount: row.spend_account,
      fundAccount: row.fund_account,
      partners: current.partners,
    });
  });
  if (!done.ok) return done;
  const [pool] = await readPools(ctx.db, ctx.partnershipId, poolId);
  if (pool === undefined) throw new Error('the pool vanished after a change');
  return ok(pool);
}

/** A partner's contribution, posted Dr the pool's cash, Cr the partners' fund. Only the pool's partners contribute. */
export async function contribute(
  ctx: LedgerContext,
  actor: PoolActor,
  poolId: number,
  raw: unknown,
): Promise<Result<Pool, Problem>> {
  if (!mayRecord(actor)) return err(forbidden());
  const parsed = ContributionInput.safeParse(raw);
  if (!parsed.success) return err(badInput('contribution', zodIssues(parsed.error)));
  const input = parsed.data;
  return changePool(ctx, poolId, async (tx, pool) => {
    const issues = [
      contributionRefusal(pool, input.organisation),
      dateRefusal(pool.financialYear, input.date),
    ].filter((issue) => issue !== undefined);
    if (issues.length > 0) return err(badInput('contribution', issues));
    const posted = await postEntryIn(tx, ctx.partnershipId, actor, ctx.now, {
      date: input.date,
      description: `${pool.name}: contribution from ${input.organisation}`,
      reason: 'A partner’s contribution to the pooled budget',
      lines: [
        { account: pool.cashAccount, amountPence: input.amountPence },
        { account: pool.fundAccount, amountPence: -input.amountPence, memo: input.organisation },
      ],
    });
    if (!posted.ok) return posted;
    await tx.query(
      `INSERT INTO pool_contribution (pool_id, organisation, amount_pence, contributed_on, journal_entry_id, recorded_by, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [poolId, input.organisation, input.amountPence, input.date, posted.value, actor.userId, ctx.now],
    );
    return ok(undefined);
  });
}

/** Spending charged to the pool, posted Dr its spending, Cr its cash. */
export async function chargePool(
  ctx: LedgerContext,
  actor: PoolActor,
  poolId: number,
  raw: unknown,
): Promise<Result<Pool, Problem>> {
  if (!mayRecord(actor)) return err(forbidden());
  const parsed = ChargeInput.safeParse(raw);
  if (!parsed.success) return err(badInput('charge', zodIssues(parsed.error)));
  const input = parsed.data;
  return changePool(ctx, poolId, async (tx, pool) => {
    const outside = dateRefusal(pool.financialYear, input.date);
    if (outside !== undefined) return err(badInput('charge', [outside]));
    const posted = await postEntryIn(tx, ctx.partnershipId, actor, ctx.now, {
      date: input.date,
      description: `${pool.name}: ${input.description}`,
      reason: 'Spending charged to the pooled budget',
      lines: [
        { account: pool.spendAccount, amountPence: input.amountPence },
        { account: pool.cashAccount, amountPence: -input.amountPence },
      ],
    });
    if (!posted.ok) return posted;
    await tx.query(
      `INSERT INTO pool_charge (pool_id, description, amount_pence, charged_on, journal_entry_id, recorded_by, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [poolId, input.description, input.amountPence, input.date, posted.value, actor.userId, ctx.now],
    );
    return ok(undefined);
  });
}
