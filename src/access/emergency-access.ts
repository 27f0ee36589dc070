/**
 * @module access/emergency-access
 * Break-glass and its review as the edges use them: each written together with its audit entry in one
 * transaction, so a grant is never without its record in the person's access log, nor a review without its.
 */
import type { Problem } from '../core/problem.js';
import { ok, type Result } from '../core/result.js';
import { inTransaction, type Database } from '../store/index.js';
import { DIRECT_CARE, recordAuditEntryIn, type AuditAction } from './audit/index.js';
import { breakGlass, reviewGrant, type Grant, type ReviewOutcome } from './break-glass.js';
import type { Role } from './principal.js';

export interface Officer {
  readonly userId: string;
  readonly displayName: string;
  readonly organisation: string;
  readonly roles: readonly Role[];
}

const entry = (who: Officer, action: AuditAction, role: string, grant: Grant, purpose: string) => ({
  actor: who.userId,
  actorName: who.displayName,
  role,
  organisation: who.organisation,
  personId: grant.personId,
  action,
  resourceType: 'Patient',
  resourceId: null,
  purpose,
  outcome: 'success' as const,
  detail: { grant: grant.id, ...(grant.review === undefined ? {} : { outcome: grant.review.outcome }) },
});

/** A clinician's emergency access to a person's record, with the reason as the audit entry's purpose. */
export function useEmergencyAccess(
  db: Database,
  who: Officer,
  personId: string,
  reason: string,
  now: Date,
): Promise<Result<Grant, Problem>> {
  return inTransaction(db, async (tx) => {
    const grant = await breakGlass(tx, { ...who, personId, reason, now });
    if (!grant.ok) return grant;
    await recordAuditEntryIn(
      tx,
      entry(who, 'break-glass', grant.value.role, grant.value, grant.value.reason),
      now,
    );
    return ok(grant.value);
  });
}

/** A privacy officer's review closing an emergency access. */
export function closeEmergencyAccess(
  db: Database,
  who: Officer,
  grantId: number,
  outcome: ReviewOutcome,
  note: string | undefined,
  now: Date,
): Promise<Result<Grant, Problem>> {
  return inTransaction(db, async (tx) => {
    const reviewed = await reviewGrant(tx, {
      grantId,
      reviewerId: who.userId,
      roles: who.roles,
      outcome,
      ...(note === undefined || note === '' ? {} : { note }),
      now,
    });
    if (!reviewed.ok) return reviewed;
    await recordAuditEntryIn(tx, entry(who, 'break-glass-review', 'R0001', reviewed.value, DIRECT_CARE), now);
    return ok(reviewed.value);
  });
}
