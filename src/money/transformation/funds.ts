/**
 * @module money/transformation/funds
 * Transformation funds in PostgreSQL (migrations/0016_transformation.sql), and the two things people do with them:
 * set one up (finance officers), and release part of a tranche — checked against the milestones' verified progress
 * and the decision register, and posted to the ledger in the same transaction as the release is recorded, so the
 * books and the fund's record never disagree. Problems come back as values.
 */
import { problem, type Problem } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { searchDecisions } from '../../governance/meetings/index.js';
import { listReports, progressAsOf } from '../../outcomes/index.js';
import { storedPartnership } from '../../partnership/index.js';
import type { Queryable } from '../../store/database.js';
import { inTransaction } from '../../store/in-transaction.js';
import type { Actor, LedgerContext } from '../context.js';
import { zodIssues } from '../ledger.js';
import { postEntryIn } from '../posting.js';
import { readChart } from '../repository.js';
import {
  checkFund,
  checkRelease,
  FundInput,
  ReleaseInput,
  type Funding,
  type ReleaseFacts,
} from './rules.js';

/** Finance officers set funds up and release them. */
export const FUND_ROLES = ['finance'] as const;

/** Who is acting: a signed-in person, the organisation they act for, and their roles. */
export type FundActor = Actor & { readonly roles: readonly string[] };

export interface Release {
  readonly number: number;
  readonly amountPence: number;
  readonly releasedOn: string;
  readonly decision: string;
  readonly journalEntry: number;
  readonly reason: string;
  readonly releasedBy: { readonly name: string; readonly organisation: string };
  readonly releasedAt: Date;
}

export interface Tranche {
  readonly number: number;
  readonly amountPence: number;
  readonly description: string;
  readonly milestones: readonly string[];
  readonly releases: readonly Release[];
  readonly releasedPence: number;
}

export interface Fund {
  readonly id: number;
  readonly name: string;
  readonly funding: Funding;
  readonly programme: string;
  readonly source: string;
  readonly releaseBody: string;
  readonly fundAccount: string;
  readonly spendAccount: string;
  readonly tranches: readonly Tranche[];
  readonly amountPence: number;
  readonly releasedPence: number;
  readonly createdAt: Date;
}

const num = (v: string | number) => Number(v);
const isFinance = (actor: FundActor) =>
  actor.roles.some((r) => (FUND_ROLES as readonly string[]).includes(r));
const badInput = (what: string, issues: Problem['issues']): Problem =>
  problem(
    'bad-input',
    `The ${what} is not valid.`,
    'Correct the fields listed in `issues`. Nothing was saved.',
    issues,
  );

export async function listFunds(db: Queryable, partnershipId: string, fundId?: number): Promise<Fund[]> {
  const funds = await db.query<{
    id: string;
    name: string;
    funding: Funding;
    programme: string;
    source: string;
    release_body: string;
    fund_account: string;
    spend_account: string;
    created_at: Date;
  }>(
    `SELECT id, name, funding, programme, source, release_body, fund_account, spend_account, created_at
       FROM transformation_fund WHERE partnership_id = $1 AND ($2::bigint IS NULL OR id = $2) ORDER BY id`,
    [partnershipId, fundId ?? null],
  );
  if (funds.length === 0) return [];
  const ids = funds.map((f) => f.id);
  const tranches = await db.query<{
    fund_id: string;
    number: number;
    amount_pence: string;
    description: string;
    milestones: string[];
  }>(
    'SELECT fund_id, number, amount_pence, description, milestones FROM transformation_tranche WHERE fund_id = ANY($1::bigint[]) ORDER BY fund_id, number',
    [ids],
  );
  const releases = await db.query<{
    fund_id: string;
    tranche_number: number;
    release_number: number;
    amount_pence: string;
    released_on: string;
    decision_reference: string;
    journal_entry_id: string;
    reason: string;
    name: string;
    released_by_organisation: string;
    released_at: Date;
  }>(
    `SELECT r.fund_id, r.tranche_number, r.release_number, r.amount_pence, to_char(r.released_on, 'YYYY-MM-DD') AS released_on,
            r.decision_reference, r.journal_entry_id, r.reason, u.display_name AS name, r.released_by_organisation,
            r.released_at
       FROM tranche_release r JOIN app_user u ON u.id = r.released_by
      WHERE r.fund_id = ANY($1::bigint[]) ORDER BY r.fund_id, r.tranche_number, r.release_number`,
    [ids],
  );
  return funds.map((f) => {
    const ofFund = tranches
      .filter((t) => t.fund_id === f.id)
      .map((t): Tranche => {
        const own = releases
          .filter((r) => r.fund_id === f.id && r.tranche_number === t.number)
          .map((r): Release => ({
            number: r.release_number,
            amountPence: num(r.amount_pence),
            releasedOn: r.released_on,
            decision: r.decision_reference,
            journalEntry: num(r.journal_entry_id),
            reason: r.reason,
            releasedBy: { name: r.name, organisation: r.released_by_organisation },
            releasedAt: r.released_at,
          }));
        return {
          number: t.number,
          amountPence: num(t.amount_pence),
          description: t.description,
          milestones: t.milestones,
          releases: own,
          releasedPence: own.reduce((sum, r) => sum + r.amountPence, 0),
        };
      });
    return {
      id: num(f.id),
      name: f.name,
      funding: f.funding,
      programme: f.programme,
      source: f.source,
      releaseBody: f.release_body,
      fundAccount: f.fund_account,
      spendAccount: f.spend_account,
      tranches: ofFund,
      amountPence: ofFund.reduce((sum, t) => sum + t.amountPence, 0),
      releasedPence: ofFund.reduce((sum, t) => sum + t.releasedPence, 0),
      createdAt: f.created_at,
    };
  });
}

/** Sets up a fund with its tranches. */
export async function createFund(
  ctx: LedgerContext,
  actor: FundActor,
  raw: unknown,
): Promise<Result<Fund, Problem>> {
  if (!isFinance(actor))
    return err(problem('forbidden', 'Only a finance officer may set up a transformation fund.'));
  const parsed = FundInput.safeParse(raw);
  if (!parsed.success) return err(badInput('fund', zodIssues(parsed.error)));
  const partnership = await storedPartnership(ctx.db, ctx.partnershipId);
  const checked = checkFund(parsed.data, partnership, await readChart(ctx.db, ctx.partnershipId));
  if (!checked.ok) return err(badInput('fund', checked.error));
  const input = checked.value;
  const created = await inTransaction(ctx.db, async (tx) => {
    const [taken] = await tx.query(
      'SELECT 1 FROM transformation_fund WHERE partnership_id = $1 AND name = $2',
      [ctx.partnershipId, input.name],
    );
    if (taken !== undefined) return err(problem('conflict', `There is already a fund called ${input.name}.`));
    const [row] = await tx.query<{ id: string }>(
      `INSERT INTO transformation_fund (partnership_id, name, programme, source, release_body, fund_account,
         spend_account, created_by, created_by_organisation, created_at, funding)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [
        ctx.partnershipId,
        input.name,
        input.programme,
        input.source,
        input.releaseBody,
        input.fundAccount,
        input.spendAccount,
        actor.userId,
        actor.organisation,
        ctx.now,
        input.funding,
      ],
    );
    if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
    for (const [index, t] of input.tranches.entries()) {
      await tx.query(
        'INSERT INTO transformation_tranche (fund_id, number, amount_pence, description, milestones) VALUES ($1, $2, $3, $4, $5)',
        [row.id, index + 1, t.amountPence, t.description, t.milestones],
      );
    }
    return ok(num(row.id));
  });
  if (!created.ok) return created;
  const [fund] = await listFunds(ctx.db, ctx.partnershipId, created.value);
  if (fund === undefined) throw new Error('the fund vanished after it was set up');
  return ok(fund);
}

/**
 * Releases part (or all) of a tranche, posting Dr the programme's spending and Cr the fund on the release day. Refused
 * with every reason at once unless the tranche has that much left, every linked milestone is verified that day, and
 * the decision is the release body's, agreed, and not used before.
 */
export async function releaseTranche(
  ctx: LedgerContext & { readonly today: string },
  actor: FundActor,
  fundId: number,
  raw: unknown,
): Promise<Result<Fund, Problem>> {
  if (!isFinance(actor))
    return err(problem('forbidden', 'Only a finance officer may release transformation funding.'));
  const parsed = ReleaseInput.safeParse(raw);
  if (!parsed.success) return err(badInput('release', zodIssues(parsed.error)));
  const input = parsed.data;
  const partnership = await storedPartnership(ctx.db, ctx.partnershipId);
  const released = await inTransaction(ctx.db, async (tx) => {
    const [locked] = await tx.query(
      'SELECT id FROM transformation_fund WHERE partnership_id = $1 AND id = $2 FOR UPDATE',
      [ctx.partnershipId, fundId],
    );
    const [fund] = locked === undefined ? [] : await listFunds(tx, ctx.partnershipId, fundId);
    if (fund === undefined)
      return err(problem('not-found', `There is no fund ${fundId}.`, 'See /money/transformation.'));
    const tranche = fund.tranches.find((t) => t.number === input.tranche);
    const reports = await listReports(tx, ctx.partnershipId);
    const milestones = new Map(
      (tranche?.milestones ?? []).map((id) => {
        const m = partnership.milestones?.find((x) => x.id === id);
        return [
          id,
          {
            title: m?.title ?? id,
            state: m === undefined ? 'unknown' : progressAsOf(m, reports, input.releasedOn).state,
          },
        ] as const;
      }),
    );
    const [decision] = await searchDecisions(tx, ctx.partnershipId, { reference: input.decision });
    const [used] = await tx.query<{ fund_id: string; tranche_number: number }>(
      'SELECT fund_id, tranche_number FROM tranche_release WHERE decision_reference = $1',
      [input.decision],
    );
    const body = partnership.bodies.find((b) => b.id === fund.releaseBody);
    const facts: ReleaseFacts = {
      releaseBody: { id: fund.releaseBody, name: body?.name ?? fund.releaseBody },
      tranche: tranche && {
        amountPence: tranche.amountPence,
        releasedPence: tranche.releasedPence,
        milestones: tranche.milestones,
      },
      milestones,
      decision: decision && {
        bodyId: decision.bodyId,
        outcome: decision.outcome,
        decidedOn: decision.decidedOn,
        ...(used === undefined ? {} : { usedBy: `tranche ${used.tranche_number} of fund ${used.fund_id}` }),
      },
      today: ctx.today,
    };
    const issues = checkRelease(input, facts);
    if (issues.length > 0 || tranche === undefined) return err(badInput('release', issues));
    const posted = await postEntryIn(tx, ctx.partnershipId, actor, ctx.now, {
      date: input.releasedOn,
      description: `${fund.name}: tranche ${tranche.number} released`,
      reason: `${input.reason} (decision ${input.decision})`,
      lines: [
        {
          account: fund.spendAccount,
          amountPence: input.amountPence,
          memo: `Transformation: ${tranche.description}`,
        },
        {
          account: fund.fundAccount,
          amountPence: -input.amountPence,
          memo: `Released under ${input.decision}`,
        },
      ],
    });
    if (!posted.ok) return posted;
    await tx.query(
      `INSERT INTO tranche_release (fund_id, tranche_number, release_number, amount_pence, released_on,
         decision_reference, journal_entry_id, reason, released_by, released_by_organisation, released_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        fundId,
        tranche.number,
        tranche.releases.length + 1,
        input.amountPence,
        input.releasedOn,
        input.decision,
        posted.value,
        input.reason,
        actor.userId,
        actor.organisation,
        ctx.now,
      ],
    );
    return ok(undefined);
  });
  if (!released.ok) return released;
  const [fund] = await listFunds(ctx.db, ctx.partnershipId, fundId);
  if (fund === undefined) throw new Error('the fund vanished after a release');
  return ok(fund);
}
