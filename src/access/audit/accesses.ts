/**
 * @module access/audit/accesses
 * "Who looked at my record": every entry about a person, newest first, a page at a time, as the person is shown it.
 * Nothing is left out — not the person's own accesses, not refusals, not break-glass — since a list a person cannot
 * trust to be whole is no answer. Pages are by seq (keyset), so entries recorded while someone pages through never
 * shift what the next page holds.
 */
import { problem, type Problem } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import type { Queryable } from '../../store/database.js';
import type { AuditAction, AuditOutcome } from './entry.js';

export interface PersonAccess {
  readonly seq: number;
  /** ISO 8601, UTC, microseconds. */
  readonly recordedAt: string;
  readonly actorName: string;
  readonly role: string | null;
  readonly organisation: string;
  readonly action: AuditAction;
  readonly resourceType: string;
  readonly resourceId: string | null;
  readonly purpose: string;
  readonly outcome: AuditOutcome;
  /** Present when the access was to a carer's plan, seen in the care of the person they care for (its kind). */
  readonly carerPlan?: string;
  /** Present when the person was shown on a list (its kind, e.g. a case-finding list), not opened one by one. */
  readonly list?: string;
}

export interface AccessPage {
  readonly accesses: readonly PersonAccess[];
  /** Pass as `before` for the next (older) page; undefined when this was the last. */
  readonly before: number | undefined;
}

export interface AccessQuery {
  /** Default 50, at most 500. */
  readonly limit?: number;
  /** Only entries older than this seq (the previous page's `before`). */
  readonly before?: number;
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const MAX_ACCESS_PAGE = 500;

interface AccessRow {
  seq: string;
  recorded_at: string;
  actor_name: string;
  role: string | null;
  organisation: string;
  action: AuditAction;
  resource_type: string;
  resource_id: string | null;
  purpose: string;
  outcome: AuditOutcome;
  carer_plan: string | null;
  list: string | null;
}

/**
 * The accesses to one person's record (or to several persons', when the master patient index has yet to join records
 * that are plainly one person's, such as two with the same verified NHS number). Entries recorded against a person
 * later merged into one of these are included: the log follows the person, not the id they had at the time.
 */
export async function accessesOfPerson(
  db: Queryable,
  person: string | readonly string[],
  query: AccessQuery = {},
): Promise<Result<AccessPage, Problem>> {
  const personIds = typeof person === 'string' ? [person] : person;
  const limit = query.limit ?? 50;
  const issues: string[] = [];
  if (personIds.length === 0 || !personIds.every((id) => UUID.test(id))) {
    issues.push('the person id must be a uuid');
  }
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= MAX_ACCESS_PAGE)) {
    issues.push(`the limit must be a whole number from 1 to ${MAX_ACCESS_PAGE}`);
  }
  if (query.before !== undefined && !(Number.isSafeInteger(query.before) && query.before >= 1)) {
    issues.push('before must be a whole number, 1 or more');
  }
  if (issues.length > 0) {
    return err(
      problem(
        'bad-input',
        'The request for accesses to a record is not valid.',
        undefined,
        issues.map((message) => ({ message })),
      ),
    );
  }
  // One more than asked for, to know whether an older page exists.
  const rows = await db.query<AccessRow>(
    `WITH RECURSIVE whole (id) AS (
       SELECT unnest($1::uuid[])
       UNION
       SELECT p.id FROM identity_person p JOIN whole w ON p.merged_into = w.id)
     SELECT seq::text AS seq,
       to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS recorded_at,
       actor_name, role, organisation, action, resource_type, resource_id, purpose, outcome,
       detail->>'carerPlan' AS carer_plan, detail->>'list' AS list
     FROM audit_entry
     WHERE person_id IN (SELECT id FROM whole) AND ($2::bigint IS NULL OR seq < $2)
     ORDER BY audit_entry.seq DESC
     LIMIT $3`,
    [personIds.map((id) => id.toLowerCase()), query.before ?? null, limit + 1],
  );
  const accesses = rows.slice(0, limit).map((row): PersonAccess => ({
    seq: Number(row.seq),
    recordedAt: row.recorded_at,
    actorName: row.actor_name,
    role: row.role,
    organisation: row.organisation,
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    purpose: row.purpose,
    outcome: row.outcome,
    ...(row.carer_plan === null ? {} : { carerPlan: row.carer_plan }),
    ...(row.list === null ? {} : { list: row.list }),
  }));
  return ok({ accesses, before: rows.length > limit ? accesses.at(-1)?.seq : undefined });
}
