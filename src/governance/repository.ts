/**
 * @module governance/repository
 * Proposals, their routings, challenges and audit in PostgreSQL (migrations/0003_governance.sql). Only inserts and
 * reads: nothing is ever updated or deleted (the database refuses it too), so the current state of a proposal is
 * read as its rows with the highest versions. Writes take a `Queryable` so `workflow.ts` runs them in one
 * transaction: a change is recorded whole, with its audit row, or not at all.
 */
import type { Queryable } from '../store/database.js';
import type { Actor } from './permissions.js';
import type { ProposalContent } from './proposal.js';
import type { DelegationFinding, RuleId } from './routing.js';

/** Someone as the records name them: their name, and the organisation they acted for at the time. */
export interface Person {
  readonly name: string;
  readonly organisation: string;
}

export interface RoutingRecord {
  readonly version: number;
  readonly proposalVersion: number;
  /** The proposal's date (YYYY-MM-DD): the day it was submitted, on which every routing judges the delegations. */
  readonly proposalDate: string;
  readonly rule: RuleId;
  readonly bodies: readonly string[];
  readonly organisations: readonly string[];
  readonly delegation: string | undefined;
  readonly testsMet: readonly string[];
  readonly rationale: readonly string[];
  readonly findings: readonly DelegationFinding[];
  readonly partnershipLoadId: number;
  readonly decidedById: string;
  readonly decidedBy: Person;
  /** Why it was re-routed (absent for the first routing). */
  readonly reason: string | undefined;
  readonly challengeId: number | undefined;
  readonly recordedAt: Date;
}

export interface ResolutionRecord {
  readonly outcome: 'dismissed' | 'upheld';
  readonly reason: string;
  readonly resolvedBy: Person;
  readonly resolvedAt: Date;
  /** The routing version the resolution made, when upheld. */
  readonly routingVersion: number | undefined;
}

export interface ChallengeRecord {
  readonly id: number;
  readonly routingVersion: number;
  readonly challengedById: string;
  readonly challengedBy: Person;
  readonly reason: string;
  readonly raisedAt: Date;
  readonly resolution: ResolutionRecord | undefined;
}

export const AUDIT_ACTIONS = [
  'proposal-drafted',
  'proposal-edited',
  'proposal-submitted',
  'routing-challenged',
  'challenge-dismissed',
  'challenge-upheld',
  'proposal-withdrawn',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditRecord {
  readonly at: Date;
  readonly actor: Person;
  readonly action: AuditAction;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface ProposalRecord {
  readonly id: number;
  readonly proposerId: string;
  readonly proposer: Person;
  readonly createdAt: Date;
  /** The current version of the content, and who saved it when. */
  readonly version: number;
  readonly content: ProposalContent;
  readonly editedBy: Person;
  readonly editedAt: Date;
  /** Oldest first; empty while the proposal is a draft. */
  readonly routings: readonly RoutingRecord[];
  readonly challenges: readonly ChallengeRecord[];
  /** Why, by whom and when its proposer withdrew it, once submitted; undefined while it stands. */
  readonly withdrawal: WithdrawalRecord | undefined;
  readonly audit: readonly AuditRecord[];
}

export interface WithdrawalRecord {
  readonly reason: string;
  readonly withdrawnBy: Person;
  readonly withdrawnAt: Date;
}

export interface ProposalSummary {
  readonly id: number;
  readonly title: string;
  readonly places: readonly string[];
  readonly programme: string | undefined;
  readonly proposer: Person;
  readonly version: number;
  readonly editedAt: Date;
  /** The current routing, once submitted. */
  readonly routing:
    | {
        readonly version: number;
        readonly proposalDate: string;
        readonly rule: RuleId;
        readonly bodies: readonly string[];
        readonly organisations: readonly string[];
        readonly submittedAt: Date;
        readonly openChallenges: number;
      }
    | undefined;
  readonly withdrawn: boolean;
}

const num = (value: string | number): number => Number(value);

// ---------------------------------------------------------------------------------------------------------------
// Writes

export async function insertProposal(
  tx: Queryable,
  partnershipId: string,
  actor: Actor,
  at: Date,
): Promise<number> {
  const [row] = await tx.query<{ id: string }>(
    `INSERT INTO proposal (partnership_id, proposer_id, proposer_organisation, created_at)
     VALUES ($1, $2, $3, $4) RETURNING id`,
    [partnershipId, actor.userId, actor.organisation, at],
  );
  if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
  return num(row.id);
}

export async function insertVersion(
  tx: Queryable,
  proposalId: number,
  version: number,
  content: ProposalContent,
  actor: Actor,
  at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO proposal_version
       (proposal_id, version, title, summary, places, programme, money_pence, evidence,
        edited_by, edited_by_organisation, edited_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      proposalId,
      version,
      content.title,
      content.summary,
      content.places,
      content.programme ?? null,
      content.moneyPence ?? null,
      content.evidence,
      actor.userId,
      actor.organisation,
      at,
    ],
  );
  if (content.tests.length === 0) return;
  await tx.query(
    `INSERT INTO proposal_test_claim (proposal_id, version, test_id, position, evidence)
     SELECT $1, $2, c.test_id, c.position, c.evidence
       FROM jsonb_to_recordset($3::jsonb) AS c(test_id text, position int, evidence text)`,
    [
      proposalId,
      version,
      JSON.stringify(
        content.tests.map((t, position) => ({ test_id: t.test, position, evidence: t.evidence })),
      ),
    ],
  );
}

/** A routing to store: a record's fields but who decided it and when (the actor and clock storing it). */
export interface NewRouting extends Omit<
  RoutingRecord,
  'decidedById' | 'decidedBy' | 'recordedAt' | 'challengeId'
> {
  readonly challengeId: number | undefined;
}

export async function insertRouting(
  tx: Queryable,
  proposalId: number,
  routing: NewRouting,
  actor: Actor,
  at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO routing_decision
       (proposal_id, version, proposal_version, proposal_date, rule, bodies, organisations, delegation_id, tests_met,
        rationale, findings, partnership_load_id, decided_by, decided_by_organisation, reason, challenge_id,
        recorded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
    [
      proposalId,
      routing.version,
      routing.proposalVersion,
      routing.proposalDate,
      routing.rule,
      routing.bodies,
      routing.organisations,
      routing.delegation ?? null,
      routing.testsMet,
      routing.rationale,
      JSON.stringify(routing.findings),
      routing.partnershipLoadId,
      actor.userId,
      actor.organisation,
      routing.reason ?? null,
      routing.challengeId ?? null,
      at,
    ],
  );
}

export async function insertWithdrawal(
  tx: Queryable,
  proposalId: number,
  reason: string,
  actor: Actor,
  at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO proposal_withdrawal (proposal_id, reason, withdrawn_by, withdrawn_by_organisation, withdrawn_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [proposalId, reason, actor.userId, actor.organisation, at],
  );
}

export async function insertChallenge(
  tx: Queryable,
  proposalId: number,
  routingVersion: number,
  reason: string,
  actor: Actor,
  at: Date,
): Promise<number> {
  const [row] = await tx.query<{ id: string }>(
    `INSERT INTO routing_challenge
       (proposal_id, routing_version, challenged_by, challenged_by_organisation, reason, raised_at)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [proposalId, routingVersion, actor.userId, actor.organisation, reason, at],
  );
  if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
  return num(row.id);
}

export async function insertResolution(
  tx: Queryable,
  proposalId: number,
  challengeId: number,
  resolution: { outcome: 'dismissed' | 'upheld'; reason: string; routingVersion: number | undefined },
  actor: Actor,
  at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO challenge_resolution
       (challenge_id, outcome, reason, resolved_by, resolved_by_organisation, resolved_at, proposal_id,
        routing_version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      challengeId,
      resolution.outcome,
      resolution.reason,
      actor.userId,
      actor.organisation,
      at,
      proposalId,
      resolution.routingVersion ?? null,
    ],
  );
}

export async function audit(
  tx: Queryable,
  proposalId: number,
  action: AuditAction,
  detail: Record<string, unknown>,
  actor: Actor,
  at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO governance_audit (at, actor_id, actor_organisation, action, proposal_id, detail)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [at, actor.userId, actor.organisation, action, proposalId, JSON.stringify(detail)],
  );
}

/**
 * Locks the proposal's row until the transaction ends, so two changes to one proposal (two submissions, two
 * resolutions) happen one after the other and the second sees the first. False when there is no such proposal.
 */
export async function lockProposal(tx: Queryable, partnershipId: string, id: number): Promise<boolean> {
  const rows = await tx.query('SELECT id FROM proposal WHERE partnership_id = $1 AND id = $2 FOR UPDATE', [
    partnershipId,
    id,
  ]);
  return rows.length > 0;
}

/** The load of the partnership files the rule is about to read: recorded with a routing, for its provenance. */
export async function latestLoadId(tx: Queryable, partnershipId: string): Promise<number> {
  const [row] = await tx.query<{ id: string | null }>(
    'SELECT max(id) AS id FROM partnership_load WHERE partnership_id = $1',
    [partnershipId],
  );
  if (row?.id === undefined || row.id === null)
    throw new Error(`partnership ${partnershipId} was never loaded`);
  return num(row.id);
}

// ---------------------------------------------------------------------------------------------------------------
// Reads

interface VersionRow {
  version: number;
  title: string;
  summary: string;
  places: string[];
  programme: string | null;
  money_pence: string | null;
  evidence: string;
  edited_name: string;
  edited_by_organisation: string;
  edited_at: Date;
}

/** One proposal with its current content, every routing, every challenge and its audit; undefined if none. */
export async function readProposal(
  db: Queryable,
  partnershipId: string,
  id: number,
): Promise<ProposalRecord | undefined> {
  const [head] = await db.query<{
    proposer_id: string;
    proposer_name: string;
    proposer_organisation: string;
    created_at: Date;
  }>(
    `SELECT p.proposer_id, u.display_name AS proposer_name, p.proposer_organisation, p.created_at
       FROM proposal p JOIN app_user u ON u.id = p.proposer_id
      WHERE p.partnership_id = $1 AND p.id = $2`,
    [partnershipId, id],
  );
  if (head === undefined) return undefined;
  const [current] = await db.query<VersionRow>(
    `SELECT v.version, v.title, v.summary, v.places, v.programme, v.money_pence, v.evidence,
            u.display_name AS edited_name, v.edited_by_organisation, v.edited_at
       FROM proposal_version v JOIN app_user u ON u.id = v.edited_by
      WHERE v.proposal_id = $1 ORDER BY v.version DESC LIMIT 1`,
    [id],
  );
  if (current === undefined) throw new Error(`proposal ${id} has no version`);
  const claims = await db.query<{ test_id: string; evidence: string }>(
    `SELECT test_id, evidence FROM proposal_test_claim WHERE proposal_id = $1 AND version = $2 ORDER BY position`,
    [id, current.version],
  );
  const routings = await db.query<{
    version: number;
    proposal_version: number;
    proposal_date: string;
    rule: RuleId;
    bodies: string[];
    organisations: string[];
    delegation_id: string | null;
    tests_met: string[];
    rationale: string[];
    findings: DelegationFinding[];
    partnership_load_id: string;
    decided_by: string;
    decided_name: string;
    decided_by_organisation: string;
    reason: string | null;
    challenge_id: string | null;
    recorded_at: Date;
  }>(
    `SELECT r.version, r.proposal_version, r.proposal_date::text AS proposal_date, r.rule, r.bodies,
            r.organisations, r.delegation_id, r.tests_met, r.rationale, r.findings, r.partnership_load_id,
            r.decided_by, u.display_name AS decided_name, r.decided_by_organisation, r.reason, r.challenge_id,
            r.recorded_at
       FROM routing_decision r JOIN app_user u ON u.id = r.decided_by
      WHERE r.proposal_id = $1 ORDER BY r.version`,
    [id],
  );
  const challenges = await db.query<{
    id: string;
    routing_version: number;
    challenged_by: string;
    challenger_name: string;
    challenged_by_organisation: string;
    reason: string;
    raised_at: Date;
    outcome: 'dismissed' | 'upheld' | null;
    resolution_reason: string | null;
    resolver_name: string | null;
    resolved_by_organisation: string | null;
    resolved_at: Date | null;
    resolution_routing_version: number | null;
  }>(
    `SELECT c.id, c.routing_version, c.challenged_by, cu.display_name AS challenger_name,
            c.challenged_by_organisation, c.reason, c.raised_at,
            r.outcome, r.reason AS resolution_reason, ru.display_name AS resolver_name, r.resolved_by_organisation,
            r.resolved_at, r.routing_version AS resolution_routing_version
       FROM routing_challenge c
       JOIN app_user cu ON cu.id = c.challenged_by
       LEFT JOIN challenge_resolution r ON r.challenge_id = c.id
       LEFT JOIN app_user ru ON ru.id = r.resolved_by
      WHERE c.proposal_id = $1 ORDER BY c.id`,
    [id],
  );
  const [withdrawal] = await db.query<{
    reason: string;
    name: string;
    withdrawn_by_organisation: string;
    withdrawn_at: Date;
  }>(
    `SELECT w.reason, u.display_name AS name, w.withdrawn_by_organisation, w.withdrawn_at
       FROM proposal_withdrawal w JOIN app_user u ON u.id = w.withdrawn_by WHERE w.proposal_id = $1`,
    [id],
  );
  const auditRows = await db.query<{
    at: Date;
    actor_name: string;
    actor_organisation: string;
    action: AuditAction;
    detail: Record<string, unknown>;
  }>(
    `SELECT a.at, u.display_name AS actor_name, a.actor_organisation, a.action, a.detail
       FROM governance_audit a JOIN app_user u ON u.id = a.actor_id
      WHERE a.proposal_id = $1 ORDER BY a.id`,
    [id],
  );
  return {
    id,
    proposerId: head.proposer_id,
    proposer: { name: head.proposer_name, organisation: head.proposer_organisation },
    createdAt: head.created_at,
    version: current.version,
    content: {
      title: current.title,
      summary: current.summary,
      places: current.places,
      programme: current.programme ?? undefined,
      moneyPence: current.money_pence === null ? undefined : num(current.money_pence),
      evidence: current.evidence,
      tests: claims.map((c) => ({ test: c.test_id, evidence: c.evidence })),
    },
    editedBy: { name: current.edited_name, organisation: current.edited_by_organisation },
    editedAt: current.edited_at,
    routings: routings.map((r) => ({
      version: r.version,
      proposalVersion: r.proposal_version,
      proposalDate: r.proposal_date,
      rule: r.rule,
      bodies: r.bodies,
      organisations: r.organisations,
      delegation: r.delegation_id ?? undefined,
      testsMet: r.tests_met,
      rationale: r.rationale,
      findings: r.findings,
      partnershipLoadId: num(r.partnership_load_id),
      decidedById: r.decided_by,
      decidedBy: { name: r.decided_name, organisation: r.decided_by_organisation },
      reason: r.reason ?? undefined,
      challengeId: r.challenge_id === null ? undefined : num(r.challenge_id),
      recordedAt: r.recorded_at,
    })),
    challenges: challenges.map((c) => ({
      id: num(c.id),
      routingVersion: c.routing_version,
      challengedById: c.challenged_by,
      challengedBy: { name: c.challenger_name, organisation: c.challenged_by_organisation },
      reason: c.reason,
      raisedAt: c.raised_at,
      resolution:
        c.outcome === null || c.resolution_reason === null || c.resolved_at === null
          ? undefined
          : {
              outcome: c.outcome,
              reason: c.resolution_reason,
              resolvedBy: { name: c.resolver_name ?? '', organisation: c.resolved_by_organisation ?? '' },
              resolvedAt: c.resolved_at,
              routingVersion: c.resolution_routing_version ?? undefined,
            },
    })),
    withdrawal:
      withdrawal === undefined
        ? undefined
        : {
            reason: withdrawal.reason,
            withdrawnBy: { name: withdrawal.name, organisation: withdrawal.withdrawn_by_organisation },
            withdrawnAt: withdrawal.withdrawn_at,
          },
    audit: auditRows.map((a) => ({
      at: a.at,
      actor: { name: a.actor_name, organisation: a.actor_organisation },
      action: a.action,
      detail: a.detail,
    })),
  };
}

/**
 * Proposals of the partnership, newest first: the submitted ones (`submitted`), or the drafts of one person
 * (`draftsOf`, a user id).
 */
export async function listProposals(
  db: Queryable,
  partnershipId: string,
  which: { readonly submitted: true } | { readonly draftsOf: string },
): Promise<ProposalSummary[]> {
  const submitted = 'submitted' in which;
  const rows = await db.query<{
    id: string;
    title: string;
    places: string[];
    programme: string | null;
    proposer_name: string;
    proposer_organisation: string;
    version: number;
    edited_at: Date;
    routing_version: number | null;
    proposal_date: string | null;
    rule: RuleId | null;
    bodies: string[] | null;
    organisations: string[] | null;
    submitted_at: Date | null;
    open_challenges: string | null;
    withdrawn: boolean;
  }>(
    `SELECT p.id, v.title, v.places, v.programme, u.display_name AS proposer_name, p.proposer_organisation,
            v.version, v.edited_at, r.version AS routing_version, r.proposal_date::text AS proposal_date, r.rule,
            r.bodies, r.organisations, first.recorded_at AS submitted_at,
            (SELECT count(*) FROM routing_challenge c
              WHERE c.proposal_id = p.id
                AND NOT EXISTS (SELECT 1 FROM challenge_resolution x WHERE x.challenge_id = c.id)) AS open_challenges,
            EXISTS (SELECT 1 FROM proposal_withdrawal w WHERE w.proposal_id = p.id) AS withdrawn
       FROM proposal p
       JOIN app_user u ON u.id = p.proposer_id
       JOIN LATERAL (SELECT * FROM proposal_version v WHERE v.proposal_id = p.id
                      ORDER BY v.version DESC LIMIT 1) v ON true
       LEFT JOIN LATERAL (SELECT * FROM routing_decision r WHERE r.proposal_id = p.id
                           ORDER BY r.version DESC LIMIT 1) r ON true
       LEFT JOIN routing_decision first ON first.proposal_id = p.id AND first.version = 1
      WHERE p.partnership_id = $1
        AND ${submitted ? 'r.version IS NOT NULL' : 'r.version IS NULL AND p.proposer_id = $2'}
      ORDER BY ${submitted ? 'first.recorded_at DESC' : 'v.edited_at DESC'}, p.id DESC`,
    submitted ? [partnershipId] : [partnershipId, which.draftsOf],
  );
  return rows.map((row) => ({
    id: num(row.id),
    title: row.title,
    places: row.places,
    programme: row.programme ?? undefined,
    proposer: { name: row.proposer_name, organisation: row.proposer_organisation },
    version: row.version,
    editedAt: row.edited_at,
    routing:
      row.routing_version === null ||
      row.proposal_date === null ||
      row.rule === null ||
      row.submitted_at === null
        ? undefined
        : {
            version: row.routing_version,
            proposalDate: row.proposal_date,
            rule: row.rule,
            bodies: row.bodies ?? [],
            organisations: row.organisations ?? [],
            submittedAt: row.submitted_at,
            openChallenges: num(row.open_challenges ?? 0),
          },
    withdrawn: row.withdrawn,
  }));
}
