/**
 * @module outcomes/peer-review/repository
 * Peer reviews, their peers, stages done, action items, progress reports and audit in PostgreSQL
 * (migrations/0014_peer_review.sql). Only inserts and reads: nothing is ever updated or deleted (the database refuses
 * it too). Writes take a `Queryable` so `workflow.ts` runs each change, with its audit row, in one transaction.
 */
import type { Queryable } from '../../store/database.js';
import type { Stage } from './due-dates.js';
import type { ActionStatus, Peer, ReviewContent, Subject } from './inputs.js';
import type { Actor } from './permissions.js';

/** Someone as the records name them: their name, and the organisation they acted for at the time. */
export interface Person {
  readonly name: string;
  readonly organisation: string;
}

export interface StageRecord {
  readonly stage: Stage;
  /** 1 when first recorded; each correction adds one. */
  readonly version: number;
  readonly doneOn: string;
  readonly summary: string;
  readonly link: string | undefined;
  /** Why it was corrected (versions after the first). */
  readonly reason: string | undefined;
  readonly recordedBy: Person;
  readonly recordedAt: Date;
}

export interface ProgressRecord {
  readonly status: ActionStatus;
  readonly asOf: string;
  readonly note: string;
  readonly reportedBy: Person;
  readonly reportedAt: Date;
}

export interface ActionRecord {
  readonly id: number;
  readonly action: string;
  readonly ownerOrganisation: string;
  readonly dueOn: string;
  readonly addedBy: Person;
  readonly addedAt: Date;
  /** Oldest first: the last is the current status. */
  readonly progress: readonly ProgressRecord[];
}

export const AUDIT_ACTIONS = [
  'review-started',
  'stage-recorded',
  'stage-corrected',
  'action-added',
  'progress-reported',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditRecord {
  readonly at: Date;
  readonly actor: Person;
  readonly action: AuditAction;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface ReviewRecord {
  readonly id: number;
  readonly subject: Subject;
  readonly title: string;
  readonly scope: string;
  readonly visitStart: string;
  readonly visitEnd: string;
  readonly actionPlanMonths: number;
  readonly peers: readonly Peer[];
  readonly startedBy: Person;
  readonly startedAt: Date;
  /** Every version of every stage recorded, by version: the last of a stage is the one in force. */
  readonly stages: readonly StageRecord[];
  readonly actions: readonly ActionRecord[];
  readonly audit: readonly AuditRecord[];
}

const num = (value: string | number): number => Number(value);

// ---------------------------------------------------------------------------------------------------------------
// Writes

export async function insertReview(
  tx: Queryable,
  partnershipId: string,
  content: ReviewContent,
  actor: Actor,
  at: Date,
): Promise<number> {
  const [row] = await tx.query<{ id: string }>(
    `INSERT INTO peer_review
       (partnership_id, subject_kind, subject_id, title, scope, visit_start, visit_end, action_plan_months,
        started_by, started_by_organisation, started_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
    [
      partnershipId,
      content.subject.kind,
      content.subject.kind === 'partnership' ? null : content.subject.id,
      content.title,
      content.scope,
      content.visitStart,
      content.visitEnd,
      content.actionPlanMonths,
      actor.userId,
      actor.organisation,
      at,
    ],
  );
  if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
  const id = num(row.id);
  await tx.query(
    `INSERT INTO peer_review_peer (review_id, position, name, role, organisation)
     SELECT $1, p.position, p.name, p.role, p.organisation
       FROM jsonb_to_recordset($2::jsonb) AS p(position int, name text, role text, organisation text)`,
    [id, JSON.stringify(content.peers.map((peer, position) => ({ ...peer, position })))],
  );
  return id;
}

/** A version of a stage: version 1 when first recorded (no reason), then each correction with its reason. */
export async function insertStage(
  tx: Queryable,
  reviewId: number,
  stage: {
    stage: Stage;
    version: number;
    doneOn: string;
    summary: string;
    link: string | undefined;
    reason: string | undefined;
  },
  actor: Actor,
  at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO peer_review_stage
       (review_id, stage, version, done_on, summary, link, reason, recorded_by, recorded_by_organisation, recorded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      reviewId,
      stage.stage,
      stage.version,
      stage.doneOn,
      stage.summary,
      stage.link ?? null,
      stage.reason ?? null,
      actor.userId,
      actor.organisation,
      at,
    ],
  );
}

export async function insertAction(
  tx: Queryable,
  reviewId: number,
  item: { action: string; ownerOrganisation: string; dueOn: string },
  actor: Actor,
  at: Date,
): Promise<number> {
  const [row] = await tx.query<{ id: string }>(
    `INSERT INTO peer_review_action
       (review_id, action, owner_organisation, due_on, added_by, added_by_organisation, added_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [reviewId, item.action, item.ownerOrganisation, item.dueOn, actor.userId, actor.organisation, at],
  );
  if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
  return num(row.id);
}

export async function insertProgress(
  tx: Queryable,
  actionId: number,
  report: { status: ActionStatus; asOf: string; note: string },
  actor: Actor,
  at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO peer_review_action_progress
       (action_id, status, as_of, note, reported_by, reported_by_organisation, reported_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [actionId, report.status, report.asOf, report.note, actor.userId, actor.organisation, at],
  );
}

export async function audit(
  tx: Queryable,
  reviewId: number,
  action: AuditAction,
  detail: Record<string, unknown>,
  actor: Actor,
  at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO peer_review_audit (at, actor_id, actor_organisation, action, review_id, detail)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [at, actor.userId, actor.organisation, action, reviewId, JSON.stringify(detail)],
  );
}

/**
 * Locks the review's row until the transaction ends, so two changes to one review (the same stage recorded twice at
 * once) happen one after the other and the second sees the first. False when there is no such review.
 */
export async function lockReview(tx: Queryable, partnershipId: string, id: number): Promise<boolean> {
  const rows = await tx.query('SELECT id FROM peer_review WHERE partnership_id = $1 AND id = $2 FOR UPDATE', [
    partnershipId,
    id,
  ]);
  return rows.length > 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Reads

/** Every review of the partnership (`only`: just that one), newest visit first, whole. */
export async function readReviews(
  db: Queryable,
  partnershipId: string,
  only?: number,
): Promise<ReviewRecord[]> {
  const heads = await db.query<{
    id: string;
    subject_kind: Subject['kind'];
    subject_id: string | null;
    title: string;
    scope: string;
    visit_start: string;
    visit_end: string;
    action_plan_months: number;
    started_name: string;
    started_by_organisation: string;
    started_at: Date;
  }>(
    `SELECT r.id, r.subject_kind, r.subject_id, r.title, r.scope, r.visit_start::text AS visit_start,
            r.visit_end::text AS visit_end, r.action_plan_months, u.display_name AS started_name,
            r.started_by_organisation, r.started_at
       FROM peer_review r JOIN app_user u ON u.id = r.started_by
      WHERE r.partnership_id = $1 AND ($2::bigint IS NULL OR r.id = $2)
      ORDER BY r.visit_start DESC, r.id DESC`,
    [partnershipId, only ?? null],
  );
  if (heads.length === 0) return [];
  const ids = heads.map((h) => h.id);
  const peers = await db.query<{ review_id: string; name: string; role: string; organisation: string }>(
    `SELECT review_id, name, role, organisation FROM peer_review_peer
      WHERE review_id = ANY($1::bigint[]) ORDER BY review_id, position`,
    [ids],
  );
  const stages = await db.query<{
    review_id: string;
    stage: Stage;
    version: number;
    done_on: string;
    summary: string;
    link: string | null;
    reason: string | null;
    recorded_name: string;
    recorded_by_organisation: string;
    recorded_at: Date;
  }>(
    `SELECT s.review_id, s.stage, s.version, s.done_on::text AS done_on, s.summary, s.link, s.reason,
            u.display_name AS recorded_name,
            s.recorded_by_organisation, s.recorded_at
       FROM peer_review_stage s JOIN app_user u ON u.id = s.recorded_by
      WHERE s.review_id = ANY($1::bigint[]) ORDER BY s.version, s.recorded_at`,
    [ids],
  );
  const actions = await db.query<{
    id: string;
    review_id: string;
    action: string;
    owner_organisation: string;
    due_on: string;
    added_name: string;
    added_by_organisation: string;
    added_at: Date;
  }>(
    `SELECT a.id, a.review_id, a.action, a.owner_organisation, a.due_on::text AS due_on,
            u.display_name AS added_name, a.added_by_organisation, a.added_at
       FROM peer_review_action a JOIN app_user u ON u.id = a.added_by
      WHERE a.review_id = ANY($1::bigint[]) ORDER BY a.id`,
    [ids],
  );
  const progress = await db.query<{
    action_id: string;
    status: ActionStatus;
    as_of: string;
    note: string;
    reported_name: string;
    reported_by_organisation: string;
    reported_at: Date;
  }>(
    `SELECT p.action_id, p.status, p.as_of::text AS as_of, p.note, u.display_name AS reported_name,
            p.reported_by_organisation, p.reported_at
       FROM peer_review_action_progress p
       JOIN peer_review_action a ON a.id = p.action_id
       JOIN app_user u ON u.id = p.reported_by
      WHERE a.review_id = ANY($1::bigint[]) ORDER BY p.id`,
    [ids],
  );
  const audits = await db.query<{
    review_id: string;
    at: Date;
    actor_name: string;
    actor_organisation: string;
    action: AuditAction;
    detail: Record<string, unknown>;
  }>(
    `SELECT a.review_id, a.at, u.display_name AS actor_name, a.actor_organisation, a.action, a.detail
       FROM peer_review_audit a JOIN app_user u ON u.id = a.actor_id
      WHERE a.review_id = ANY($1::bigint[]) ORDER BY a.id`,
    [ids],
  );
  return heads.map((h) => ({
    id: num(h.id),
    subject:
      h.subject_kind === 'partnership' || h.subject_id === null
        ? { kind: 'partnership' }
        : { kind: h.subject_kind, id: h.subject_id },
    title: h.title,
    scope: h.scope,
    visitStart: h.visit_start,
    visitEnd: h.visit_end,
    actionPlanMonths: h.action_plan_months,
    peers: peers
      .filter((p) => p.review_id === h.id)
      .map((p) => ({ name: p.name, role: p.role, organisation: p.organisation })),
    startedBy: { name: h.started_name, organisation: h.started_by_organisation },
    startedAt: h.started_at,
    stages: stages
      .filter((s) => s.review_id === h.id)
      .map((s) => ({
        stage: s.stage,
        version: s.version,
        doneOn: s.done_on,
        summary: s.summary,
        link: s.link ?? undefined,
        reason: s.reason ?? undefined,
        recordedBy: { name: s.recorded_name, organisation: s.recorded_by_organisation },
        recordedAt: s.recorded_at,
      })),
    actions: actions
      .filter((a) => a.review_id === h.id)
      .map((a) => ({
        id: num(a.id),
        action: a.action,
        ownerOrganisation: a.owner_organisation,
        dueOn: a.due_on,
        addedBy: { name: a.added_name, organisation: a.added_by_organisation },
        addedAt: a.added_at,
        progress: progress
          .filter((p) => p.action_id === a.id)
          .map((p) => ({
            status: p.status,
            asOf: p.as_of,
            note: p.note,
            reportedBy: { name: p.reported_name, organisation: p.reported_by_organisation },
            reportedAt: p.reported_at,
          })),
      })),
    audit: audits
      .filter((a) => a.review_id === h.id)
      .map((a) => ({
        at: a.at,
        actor: { name: a.actor_name, organisation: a.actor_organisation },
        action: a.action,
        detail: a.detail,
      })),
  }));
}

export async function readReview(
  db: Queryable,
  partnershipId: string,
  id: number,
): Promise<ReviewRecord | undefined> {
  const [record] = await readReviews(db, partnershipId, id);
  return record;
}
