/**
 * @module access/break-glass
 * Break-glass grants (migration 0009): a clinician's emergency access to one person's record, with the reason they
 * gave, lapsing after BREAK_GLASS_HOURS; and the privacy officer's review, which closes it with an outcome. The grant
 * itself is the alert: every unreviewed grant waits in the privacy officer's queue. Errors are values; who may ask
 * (a clinician) and who may review (a privacy officer) is the caller's rule, and is checked here again.
 */
import { problem, type Problem } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import type { Queryable } from '../store/index.js';
import type { Role } from './principal.js';
import { RECORD_ACTIVITIES } from './record-access.js';

export const BREAK_GLASS_HOURS = 4;
export const REASON_MIN = 10;
export const REASON_MAX = 1_000;

export interface BreakGlassRequest {
  readonly userId: string;
  readonly organisation: string;
  readonly roles: readonly Role[];
  readonly personId: string;
  readonly reason: string;
  readonly now: Date;
}

export interface Grant {
  readonly id: number;
  readonly userId: string;
  readonly userName: string;
  readonly organisation: string;
  readonly role: string;
  readonly personId: string;
  readonly reason: string;
  readonly grantedAt: string;
  readonly expiresAt: string;
  readonly review?: {
    readonly by: string;
    readonly at: string;
    readonly outcome: string;
    readonly note?: string;
  };
}

interface GrantRow {
  id: string;
  user_id: string;
  display_name: string;
  organisation: string;
  role: string;
  person_id: string;
  reason: string;
  granted_at: Date;
  expires_at: Date;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  review_outcome: string | null;
  review_note: string | null;
}

const grantOf = (row: GrantRow): Grant => ({
  id: Number(row.id),
  userId: row.user_id,
  userName: row.display_name,
  organisation: row.organisation,
  role: row.role,
  personId: row.person_id,
  reason: row.reason,
  grantedAt: row.granted_at.toISOString(),
  expiresAt: row.expires_at.toISOString(),
  ...(row.reviewed_at === null || row.reviewed_by === null || row.review_outcome === null
    ? {}
    : {
        review: {
          by: row.reviewed_by,
          at: row.reviewed_at.toISOString(),
          outcome: row.review_outcome,
          ...(row.review_note === null ? {} : { note: row.review_note }),
        },
      }),
});

const SELECT = `SELECT g.*, u.display_name FROM record_break_glass g JOIN app_user u ON u.id = g.user_id`;

/** Grants emergency access, or says why not (not a clinician, no reason, no such person). */
export async function breakGlass(db: Queryable, request: BreakGlassRequest): Promise<Result<Grant, Problem>> {
  const role = request.roles.find((r) => RECORD_ACTIVITIES[r]?.includes('break-glass'));
  if (role === undefined) {
    return err(problem('forbidden', 'Only a clinician (R8000) may use emergency access.'));
  }
  const reason = request.reason.trim();
  if (reason.length < REASON_MIN || reason.length > REASON_MAX) {
    return err(
      problem(
        'bad-input',
        'Emergency access needs the reason, in words.',
        `Say why you need this person's record now, in ${REASON_MIN} to ${REASON_MAX} characters; a privacy officer will review it.`,
        [{ path: 'reason', message: `must be ${REASON_MIN} to ${REASON_MAX} characters` }],
      ),
    );
  }
  const [person] = await db.query('SELECT 1 FROM identity_person WHERE id = $1 AND merged_into IS NULL', [
    request.personId,
  ]);
  if (person === undefined) return err(problem('not-found', 'There is no such person.'));
  const expires = new Date(request.now.getTime() + BREAK_GLASS_HOURS * 3_600_000);
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO record_break_glass (user_id, organisation, role, person_id, reason, granted_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [request.userId, request.organisation, role, request.personId, reason, request.now, expires],
  );
  const [granted] = await db.query<GrantRow>(`${SELECT} WHERE g.id = $1`, [row?.id]);
  if (granted === undefined) throw new Error('a grant vanished as it was written');
  return ok(grantOf(granted));
}

/** The caller's grant for the person that is current at `now`, if any. */
export async function activeGrant(
  db: Queryable,
  userId: string,
  personId: string,
  now: Date,
): Promise<Grant | undefined> {
  const [row] = await db.query<GrantRow>(
    `${SELECT} WHERE g.user_id = $1 AND g.person_id = $2 AND g.granted_at <= $3 AND g.expires_at > $3
      ORDER BY g.expires_at DESC LIMIT 1`,
    [userId, personId, now],
  );
  return row === undefined ? undefined : grantOf(row);
}

/** The privacy officer's queue: every grant not yet reviewed, oldest first. */
export async function unreviewedGrants(db: Queryable): Promise<Grant[]> {
  const rows = await db.query<GrantRow>(`${SELECT} WHERE g.reviewed_at IS NULL ORDER BY g.granted_at, g.id`);
  return rows.map(grantOf);
}

export type ReviewOutcome = 'justified' | 'not-justified';

/** Closes a grant with the privacy officer's outcome; once only, and never by the clinician who used it. */
export async function reviewGrant(
  db: Queryable,
  review: {
    readonly grantId: number;
    readonly reviewerId: string;
    readonly roles: readonly Role[];
    readonly outcome: ReviewOutcome;
    readonly note?: string;
    readonly now: Date;
  },
): Promise<Result<Grant, Problem>> {
  if (!review.roles.some((r) => RECORD_ACTIVITIES[r]?.includes('review-break-glass'))) {
    return err(problem('forbidden', 'Only a privacy officer (R0001) reviews emergency access.'));
  }
  const [row] = await db.query<GrantRow>(`${SELECT} WHERE g.id = $1`, [review.grantId]);
  if (row === undefined) return err(problem('not-found', `There is no emergency access ${review.grantId}.`));
  if (row.reviewed_at !== null)
    return err(problem('conflict', 'This emergency access has been reviewed already.'));
  if (row.user_id === review.reviewerId) {
    return err(
      problem('forbidden', 'You cannot review your own emergency access; another privacy officer must.'),
    );
  }
  const note = review.note?.trim();
  await db.query(
    `UPDATE record_break_glass SET reviewed_by = $2, reviewed_at = $3, review_outcome = $4, review_note = $5
      WHERE id = $1`,
    [
      review.grantId,
      review.reviewerId,
      review.now,
      review.outcome,
      note === undefined || note === '' ? null : note,
    ],
  );
  const [updated] = await db.query<GrantRow>(`${SELECT} WHERE g.id = $1`, [review.grantId]);
  if (updated === undefined) throw new Error('a grant vanished as it was reviewed');
  return ok(grantOf(updated));
}
