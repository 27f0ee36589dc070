/**
 * @module governance/workflow
 * What people do with a proposal: draft it, edit the draft, submit it (which routes it), challenge its routing, and
 * resolve a challenge. Each step checks its input and who is acting, then records everything it changes — the new
 * rows and their audit — in one transaction, so a refused or failed step leaves nothing half-written. Problems come
 * back as values (bad input with every field's issue, not found, conflict, forbidden); the edges pick the status.
 *
 * Time is passed in (`today` for the proposal's date, `now` for the records), never read from the clock here.
 */
import { problem, type Issue, type Problem } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import { storedPartnership } from '../partnership/index.js';
import type { Database, Queryable } from '../store/database.js';
import { inTransaction } from '../store/in-transaction.js';
import { ChallengeInput, ResolutionInput, WithdrawalInput } from './challenge.js';
import { decisionOnProposal } from './meetings/repository.js';
import {
  challengeRefusal,
  mayDraft,
  mayEdit,
  maySee,
  resolutionRefusal,
  withdrawalRefusal,
  type Actor,
  type ProposalFacts,
} from './permissions.js';
import { checkProposal, zodIssues, type ProposalContent } from './proposal.js';
import { rationale } from './rationale.js';
import {
  audit,
  insertChallenge,
  insertProposal,
  insertResolution,
  insertRouting,
  insertVersion,
  insertWithdrawal,
  latestLoadId,
  listProposals,
  lockProposal,
  readProposal,
  type ProposalRecord,
  type ProposalSummary,
  type RoutingRecord,
} from './repository.js';
import { routeProposal, type RoutingInput, type RoutingOverrides } from './routing.js';

export interface GovernanceContext {
  readonly db: Database;
  /** The partnership whose proposals these are. */
  readonly partnershipId: string;
  /** Today's date where the partnership is (YYYY-MM-DD): the date of a proposal submitted now. */
  readonly today: string;
  /** This moment: when each change is recorded. */
  readonly now: Date;
}

const badInput = (what: string, issues: readonly Issue[]): Problem =>
  problem(
    'bad-input',
    `The ${what} is not valid.`,
    'Correct the fields listed in `issues`. Nothing was saved.',
    issues,
  );

const notFound = (id: number): Problem =>
  problem('not-found', `There is no proposal ${id}.`, 'Check the number, or see the list of proposals.');

export function factsOf(record: ProposalRecord): ProposalFacts {
  return {
    proposerId: record.proposerId,
    submitted: record.routings.length > 0,
    withdrawn: record.withdrawal !== undefined,
    challenges: record.challenges.map((c) => ({
      id: c.id,
      challengedById: c.challengedById,
      resolved: c.resolution !== undefined,
    })),
  };
}

/** The routing a proposal's content gets from the rule. */
const routingInput = (content: ProposalContent): RoutingInput => ({
  places: content.places,
  programme: content.programme,
  moneyPence: content.moneyPence,
  tests: content.tests.map((t) => t.test),
});

/** A version number as sent with an edit or a submission: the version the person last saw. */
function expectedVersion(value: unknown): Result<number, Issue> {
  return typeof value === 'number' && Number.isInteger(value) && value > 0
    ? ok(value)
    : err({
        path: 'version',
        message:
          'must be the version of the draft you are changing (a whole number, from the draft you read)',
      });
}

/**
 * Opens a proposal for a change: locks it (so changes to one proposal happen one at a time) and reads it whole.
 * Not found when it does not exist or `actor` may not see it (another person's draft): its existence is not told.
 */
async function openForChange(
  tx: Queryable,
  ctx: GovernanceContext,
  actor: Actor,
  id: number,
): Promise<Result<ProposalRecord, Problem>> {
  if (!(await lockProposal(tx, ctx.partnershipId, id))) return err(notFound(id));
  const record = await readProposal(tx, ctx.partnershipId, id);
  if (record === undefined || !maySee(actor, factsOf(record))) return err(notFound(id));
  return ok(record);
}

/**
 * A draft its proposer may change, locked, at the version they read: refused with `refusals.submitted` once routed,
 * `refusals.notProposer` for anyone else, and as stale when it has moved on since they read it.
 */
async function openDraft(
  tx: Queryable,
  ctx: GovernanceContext,
  actor: Actor,
  id: number,
  expectedVersion: number,
  refusals: { readonly submitted: Problem; readonly notProposer: Problem },
): Promise<Result<ProposalRecord, Problem>> {
  const opened = await openForChange(tx, ctx, actor, id);
  if (!opened.ok) return opened;
  const record = opened.value;
  const facts = factsOf(record);
  if (facts.submitted) return err(refusals.submitted);
  if (!mayEdit(actor, facts)) return err(refusals.notProposer);
  if (record.version !== expectedVersion) return err(staleVersion(record.version, expectedVersion));
  return ok(record);
}

async function reread(ctx: GovernanceContext, id: number): Promise<ProposalRecord> {
  const record = await readProposal(ctx.db, ctx.partnershipId, id);
  if (record === undefined) throw new Error(`proposal ${id} vanished after it was recorded`);
  return record;
}

export async function createDraft(
  ctx: GovernanceContext,
  actor: Actor,
  input: unknown,
): Promise<Result<ProposalRecord, Problem>> {
  if (!mayDraft(actor)) return err(problem('forbidden', 'Only an officer may draft a proposal.'));
  const checked = checkProposal(input, await storedPartnership(ctx.db, ctx.partnershipId), ctx.today);
  if (!checked.ok) return err(badInput('proposal', checked.error));
  const id = await ctx.db.transaction(async (tx) => {
    const newId = await insertProposal(tx, ctx.partnershipId, actor, ctx.now);
    await insertVersion(tx, newId, 1, checked.value, actor, ctx.now);
    await audit(tx, newId, 'proposal-drafted', { version: 1 }, actor, ctx.now);
    return newId;
  });
  return ok(await reread(ctx, id));
}

export async function editDraft(
  ctx: GovernanceContext,
  actor: Actor,
  id: number,
  version: unknown,
  input: unknown,
): Promise<Result<ProposalRecord, Problem>> {
  const expected = expectedVersion(version);
  const checked = checkProposal(input, await storedPartnership(ctx.db, ctx.partnershipId), ctx.today);
  if (!expected.ok || !checked.ok) {
    return err(
      badInput('proposal', [...(expected.ok ? [] : [expected.error]), ...(checked.ok ? [] : checked.error)]),
    );
  }
  const result = await inTransaction(ctx.db, async (tx) => {
    const opened = await openDraft(tx, ctx, actor, id, expected.value, {
      submitted: problem(
        'conflict',
        'This proposal has been submitted, so it can no longer be edited.',
        'A member who thinks its routing is wrong can challenge it.',
      ),
      notProposer: problem('forbidden', 'Only the officer who drafted it may edit it.'),
    });
    if (!opened.ok) return opened;
    const record = opened.value;
    const next = record.version + 1;
    await insertVersion(tx, id, next, checked.value, actor, ctx.now);
    await audit(tx, id, 'proposal-edited', { version: next }, actor, ctx.now);
    return ok(undefined);
  });
  return result.ok ? ok(await reread(ctx, id)) : result;
}

const staleVersion = (current: number, expected: number): Problem =>
  problem(
    'conflict',
    `The draft has changed since you read it: it is at version ${current}, not ${expected}.`,
    'Read the draft again, then make your change to the current version.',
  );

export async function submitProposal(
  ctx: GovernanceContext,
  actor: Actor,
  id: number,
  version: unknown,
): Promise<Result<ProposalRecord, Problem>> {
  const expected = expectedVersion(version);
  if (!expected.ok) return err(badInput('submission', [expected.error]));
  const result = await inTransaction(ctx.db, async (tx) => {
    const opened = await openDraft(tx, ctx, actor, id, expected.value, {
      submitted: problem(
        'conflict',
        'This proposal has already been submitted and routed.',
        'See its routing.',
      ),
      notProposer: problem('forbidden', 'Only the officer who drafted it may submit it.'),
    });
    if (!opened.ok) return opened;
    const record = opened.value;
    const partnership = await storedPartnership(tx, ctx.partnershipId);
    const input = routingInput(record.content);
    const routing = routeProposal(partnership, input, ctx.today);
    await insertRouting(
      tx,
      id,
      {
        ...routing,
        version: 1,
        proposalVersion: record.version,
        proposalDate: ctx.today,
        rationale: rationale(partnership, input, routing),
        partnershipLoadId: await latestLoadId(tx, ctx.partnershipId),
        reason: undefined,
        challengeId: undefined,
      },
      actor,
      ctx.now,
    );
    await audit(tx, id, 'proposal-submitted', { routingVersion: 1, rule: routing.rule }, actor, ctx.now);
    return ok(undefined);
  });
  return result.ok ? ok(await reread(ctx, id)) : result;
}

const currentRouting = (record: ProposalRecord): RoutingRecord | undefined => record.routings.at(-1);

export async function challengeRouting(
  ctx: GovernanceContext,
  actor: Actor,
  id: number,
  input: unknown,
): Promise<Result<ProposalRecord, Problem>> {
  const parsed = ChallengeInput.safeParse(input);
  if (!parsed.success) return err(badInput('challenge', zodIssues(parsed.error)));
  const result = await inTransaction(ctx.db, async (tx) => {
    const opened = await openForChange(tx, ctx, actor, id);
    if (!opened.ok) return opened;
    const record = opened.value;
    const refusal = challengeRefusal(actor, factsOf(record));
    if (refusal !== undefined) return err(problem(refusal.kind, refusal.message));
    const routing = currentRouting(record);
    if (routing === undefined) throw new Error(`submitted proposal ${id} has no routing`);
    const challengeId = await insertChallenge(tx, id, routing.version, parsed.data.reason, actor, ctx.now);
    await audit(
      tx,
      id,
      'routing-challenged',
      { challengeId, routingVersion: routing.version },
      actor,
      ctx.now,
    );
    return ok(undefined);
  });
  return result.ok ? ok(await reread(ctx, id)) : result;
}

/**
 * Withdraws a submitted proposal, with the reason: its proposer only, and never once it has been decided (the
 * decision register says). It stays public, marked withdrawn; no meeting may then take it.
 */
export async function withdrawProposal(
  ctx: GovernanceContext,
  actor: Actor,
  id: number,
  input: unknown,
): Promise<Result<ProposalRecord, Problem>> {
  const parsed = WithdrawalInput.safeParse(input);
  if (!parsed.success) return err(badInput('withdrawal', zodIssues(parsed.error)));
  const result = await inTransaction(ctx.db, async (tx) => {
    const opened = await openForChange(tx, ctx, actor, id);
    if (!opened.ok) return opened;
    const refusal = withdrawalRefusal(
      actor,
      factsOf(opened.value),
      await decisionOnProposal(tx, ctx.partnershipId, id),
    );
    if (refusal !== undefined) return err(problem(refusal.kind, refusal.message));
    await insertWithdrawal(tx, id, parsed.data.reason, actor, ctx.now);
    await audit(tx, id, 'proposal-withdrawn', {}, actor, ctx.now);
    return ok(undefined);
  });
  return result.ok ? ok(await reread(ctx, id)) : result;
}

/** Whether two routings send the proposal to the same place for the same reasons. */
const sameRouting = (
  a: {
    rule: string;
    bodies: readonly string[];
    organisations: readonly string[];
    delegation: string | undefined;
    testsMet: readonly string[];
  },
  b: typeof a,
) =>
  a.rule === b.rule &&
  a.delegation === b.delegation &&
  a.bodies.join() === b.bodies.join() &&
  a.organisations.join() === b.organisations.join() &&
  a.testsMet.join() === b.testsMet.join();

export async function resolveChallenge(
  ctx: GovernanceContext,
  actor: Actor,
  id: number,
  challengeId: number,
  input: unknown,
): Promise<Result<ProposalRecord, Problem>> {
  const parsed = ResolutionInput.safeParse(input);
  if (!parsed.success) return err(badInput('resolution', zodIssues(parsed.error)));
  const resolution = parsed.data;
  const result = await inTransaction(ctx.db, async (tx) => {
    const opened = await openForChange(tx, ctx, actor, id);
    if (!opened.ok) return opened;
    const record = opened.value;
    const facts = factsOf(record);
    const refusal = resolutionRefusal(actor, facts, challengeId);
    if (refusal !== undefined) return err(problem(refusal.kind, refusal.message));
    const routing = currentRouting(record);
    if (routing === undefined) throw new Error(`proposal ${id} has a challenge but no routing`);

    if (resolution.outcome === 'dismissed') {
      await insertResolution(
        tx,
        id,
        challengeId,
        { outcome: 'dismissed', reason: resolution.reason, routingVersion: undefined },
        actor,
        ctx.now,
      );
      await audit(tx, id, 'challenge-dismissed', { challengeId }, actor, ctx.now);
      return ok(undefined);
    }

    const notMetIssues = resolution.testsNotMet.flatMap((test, index): Issue[] =>
      routing.testsMet.includes(test)
        ? []
        : [
            {
              path: `testsNotMet[${index}]`,
              message: `'${test}' is not among the tests the current routing takes as met (${routing.testsMet.map((t) => `'${t}'`).join(', ') || 'none'})`,
            },
          ],
    );
    if (notMetIssues.length > 0) return err(badInput('resolution', notMetIssues));
    // Tests found not met by an earlier resolution stay not met: only the ones named now are added.
    const claimed = record.content.tests.map((t) => t.test);
    const alreadyNotMet = claimed.filter((t) => !routing.testsMet.includes(t));
    const overrides: RoutingOverrides = {
      ...(alreadyNotMet.length + resolution.testsNotMet.length === 0
        ? {}
        : {
            testsNotMet: { tests: [...alreadyNotMet, ...resolution.testsNotMet], reason: resolution.reason },
          }),
      ...(resolution.reservedToPartners ? { reservedToPartners: { reason: resolution.reason } } : {}),
    };
    const partnership = await storedPartnership(tx, ctx.partnershipId);
    const input = routingInput(record.content);
    const next = routeProposal(partnership, input, routing.proposalDate, overrides);
    if (sameRouting(next, routing)) {
      return err(
        problem(
          'conflict',
          'Upholding this challenge would not change the routing: the rule gives the same answer.',
          'Say which claimed tests are not met, or that the matter is reserved to the partners; or correct the partnership files if they are wrong; or dismiss the challenge.',
        ),
      );
    }
    const version = routing.version + 1;
    await insertRouting(
      tx,
      id,
      {
        ...next,
        version,
        proposalVersion: record.version,
        proposalDate: routing.proposalDate,
        rationale: rationale(partnership, input, next),
        partnershipLoadId: await latestLoadId(tx, ctx.partnershipId),
        reason: resolution.reason,
        challengeId,
      },
      actor,
      ctx.now,
    );
    await insertResolution(
      tx,
      id,
      challengeId,
      { outcome: 'upheld', reason: resolution.reason, routingVersion: version },
      actor,
      ctx.now,
    );
    await audit(
      tx,
      id,
      'challenge-upheld',
      { challengeId, routingVersion: version, rule: next.rule },
      actor,
      ctx.now,
    );
    return ok(undefined);
  });
  return result.ok ? ok(await reread(ctx, id)) : result;
}

/** A proposal as `viewer` may see it: any submitted one, and their own drafts. */
export async function getProposal(
  db: Queryable,
  partnershipId: string,
  id: number,
  viewer: Actor | undefined,
): Promise<ProposalRecord | undefined> {
  const record = await readProposal(db, partnershipId, id);
  return record !== undefined && maySee(viewer, factsOf(record)) ? record : undefined;
}

export const listSubmitted = (db: Queryable, partnershipId: string): Promise<ProposalSummary[]> =>
  listProposals(db, partnershipId, { submitted: true });

export const listDrafts = (db: Queryable, partnershipId: string, actor: Actor): Promise<ProposalSummary[]> =>
  listProposals(db, partnershipId, { draftsOf: actor.userId });
