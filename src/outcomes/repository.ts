/**
 * @module outcomes/repository
 * Milestone progress in the store (migrations/0015_milestones.sql): reports, their decisions and the audit. Only
 * inserts — the database refuses UPDATE, DELETE and TRUNCATE — and reads. The workflow calls these inside its
 * transaction; the pages read through `listReports`.
 */
import { londonDay } from '../partnership/views.js';
import type { Queryable } from '../store/database.js';
import type { MilestoneReport, Person } from './progress.js';

interface ReportRow {
  id: string;
  milestone_id: string;
  completed_on: string;
  evidence: string;
  reported_by: string;
  reporter_name: string;
  reported_by_organisation: string;
  reported_at: Date;
  decision: 'verified' | 'rejected' | null;
  reason: string | null;
  decided_by: string | null;
  decider_name: string | null;
  decided_by_organisation: string | null;
  decided_at: Date | null;
}

const person = (userId: string, name: string, organisation: string): Person => ({
  userId,
  name,
  organisation,
});

function reportOf(row: ReportRow): MilestoneReport {
  const decided =
    row.decision !== null && row.decided_at !== null && row.decided_by !== null && row.reason !== null
      ? {
          decision: row.decision,
          reason: row.reason,
          decidedBy: person(row.decided_by, row.decider_name ?? '', row.decided_by_organisation ?? ''),
          decidedAt: row.decided_at,
          decidedOn: londonDay(row.decided_at),
        }
      : undefined;
  return {
    id: Number(row.id),
    milestoneId: row.milestone_id,
    completedOn: row.completed_on,
    evidence: row.evidence,
    reportedBy: person(row.reported_by, row.reporter_name, row.reported_by_organisation),
    reportedAt: row.reported_at,
    reportedOn: londonDay(row.reported_at),
    decision: decided,
  };
}

/** Every report of the partnership's milestones (or of one), oldest first, with its decision. */
export async function listReports(
  db: Queryable,
  partnershipId: string,
  milestoneId?: string,
): Promise<MilestoneReport[]> {
  const rows = await db.query<ReportRow>(
    `SELECT r.id, r.milestone_id, to_char(r.completed_on, 'YYYY-MM-DD') AS completed_on, r.evidence,
            r.reported_by, ru.display_name AS reporter_name, r.reported_by_organisation, r.reported_at,
            d.decision, d.reason, d.decided_by, du.display_name AS decider_name, d.decided_by_organisation,
            d.decided_at
       FROM milestone_report r
       JOIN app_user ru ON ru.id = r.reported_by
       LEFT JOIN milestone_decision d ON d.report_id = r.id
       LEFT JOIN app_user du ON du.id = d.decided_by
      WHERE r.partnership_id = $1 AND ($2::text IS NULL OR r.milestone_id = $2)
      ORDER BY r.reported_at, r.id`,
    [partnershipId, milestoneId ?? null],
  );
  return rows.map(reportOf);
}

/**
 * Serialises changes to one milestone's progress for the rest of the transaction: two officers reporting it at once
 * cannot both open a report, and a decision cannot race a new report.
 */
export async function lockMilestone(
  tx: Queryable,
  partnershipId: string,
  milestoneId: string,
): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [
    `milestone:${partnershipId}`,
    milestoneId,
  ]);
}

export interface Acting {
  readonly userId: string;
  readonly organisation: string;
}

export async function insertReport(
  tx: Queryable,
  partnershipId: string,
  milestoneId: string,
  report: { completedOn: string; evidence: string },
  by: Acting,
  at: Date,
): Promise<number> {
  const [row] = await tx.query<{ id: string }>(
    `INSERT INTO milestone_report
       (partnership_id, milestone_id, completed_on, evidence, reported_by, reported_by_organisation, reported_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [partnershipId, milestoneId, report.completedOn, report.evidence, by.userId, by.organisation, at],
  );
  if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
  return Number(row.id);
}

export async function insertDecision(
  tx: Queryable,
  reportId: number,
  decision: { decision: 'verified' | 'rejected'; reason: string },
  by: Acting,
  at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO milestone_decision (report_id, decision, reason, decided_by, decided_by_organisation, decided_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [reportId, decision.decision, decision.reason, by.userId, by.organisation, at],
  );
}

export type AuditAction = 'milestone-reported' | 'milestone-verified' | 'milestone-rejected';

export async function audit(
  tx: Queryable,
  entry: {
    partnershipId: string;
    milestoneId: string;
    reportId: number;
    action: AuditAction;
    by: Acting;
    at: Date;
    detail: Record<string, unknown>;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO milestone_audit
       (at, actor_id, actor_organisation, action, partnership_id, milestone_id, report_id, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      entry.at,
      entry.by.userId,
      entry.by.organisation,
      entry.action,
      entry.partnershipId,
      entry.milestoneId,
      entry.reportId,
      entry.detail,
    ],
  );
}

export interface AuditRecord {
  readonly at: Date;
  readonly actorName: string;
  readonly actorOrganisation: string;
  readonly action: AuditAction;
  readonly reportId: number;
  readonly detail: unknown;
}

/** A milestone's audit, oldest first. */
export async function milestoneAudit(
  db: Queryable,
  partnershipId: string,
  milestoneId: string,
): Promise<AuditRecord[]> {
  const rows = await db.query<{
    at: Date;
    display_name: string;
    actor_organisation: string;
    action: AuditAction;
    report_id: string;
    detail: unknown;
  }>(
    `SELECT a.at, u.display_name, a.actor_organisation, a.action, a.report_id, a.detail
       FROM milestone_audit a JOIN app_user u ON u.id = a.actor_id
      WHERE a.partnership_id = $1 AND a.milestone_id = $2 ORDER BY a.id`,
    [partnershipId, milestoneId],
  );
  return rows.map((r) => ({
    at: r.at,
    actorName: r.display_name,
    actorOrganisation: r.actor_organisation,
    action: r.action,
    reportId: Number(r.report_id),
    detail: r.detail,
  }));
}
