/**
 * @module access/record-access
 * Who may see what of a person's shared care record: the one decision function, pure, deny by default. It is given
 * what the caller is (roles, organisation), what ties them to the person (legitimate relationships found in the
 * record and the identity index), the person's choices and flags (dissent from sharing, a restricted record), and
 * any break-glass grant the caller holds; it answers what may be shown, on what basis, and with what hidden — or why
 * not, and whether break-glass is open to the caller.
 *
 * The rules (DOMAIN.md, "Shared care record standards"; the Caldicott principles):
 * - a role gives activities: a clinical practitioner (R8000) sees clinical data and demographics and may break the
 *   glass; admin and clinical support (R8008) sees demographics only; a privacy officer (R0001) reviews break-glass
 *   and the audit log but sees no clinical data; the partnership's own roles see no record at all;
 * - nothing clinical without a legitimate relationship with the person — registration with the caller's
 *   organisation, an open referral or episode of care there, or membership of the person's care team — that is
 *   current on the day; or a current break-glass grant;
 * - a person who has dissented from sharing is seen, by relationship, only in what the caller's own organisation
 *   recorded; break-glass, an emergency, sees everything (vital interests override dissent, and the access is
 *   reviewed);
 * - a restricted ("S-flag") record never shows address or contact details, whatever the basis.
 */
import { DIRECT_CARE } from './audit/entry.js';
import type { Role } from './principal.js';

export type RecordActivity = 'view-clinical' | 'view-demographics' | 'break-glass' | 'review-break-glass';

/** What each role may do with the shared care record. Roles not listed may do nothing with it. */
export const RECORD_ACTIVITIES: Readonly<Partial<Record<Role, readonly RecordActivity[]>>> = {
  R8000: ['view-clinical', 'view-demographics', 'break-glass'],
  R8008: ['view-demographics'],
  R0001: ['review-break-glass'],
};

export type RelationshipKind = 'registration' | 'episode' | 'referral' | 'care-team';

/** Evidence that the caller's organisation (or the caller) cares for the person. */
export interface Relationship {
  readonly kind: RelationshipKind;
  readonly organisation: string;
  /** ISO dates; `until` absent while it lasts. */
  readonly from: string;
  readonly until?: string;
}

export interface BreakGlassGrant {
  readonly reason: string;
  /** ISO instant the grant lapses. */
  readonly expiresAt: string;
}

export interface AccessRequest {
  readonly roles: readonly Role[];
  readonly organisation: string;
  readonly relationships: readonly Relationship[];
  /** The person has dissented from sharing their record between organisations. */
  readonly dissent: boolean;
  /** The record is restricted (S-flag): address and contact details are never shown. */
  readonly restricted: boolean;
  readonly breakGlass?: BreakGlassGrant;
  /** ISO instant of the request. */
  readonly at: string;
}

/** Elements never shown of a restricted record's resources. */
export const RESTRICTED_ELEMENTS = ['address', 'telecom', 'contact'] as const;

export type AccessDecision =
  | {
      readonly allowed: true;
      readonly basis: 'relationship' | 'break-glass';
      /** Clinical data may be shown, or demographics only. */
      readonly scope: 'clinical' | 'demographics';
      /** Every organisation's data, or only what the caller's own organisation recorded (dissent). */
      readonly sources: 'all' | 'own-organisation';
      readonly hide: readonly string[];
      /** The relationship relied on, for the audit and for the person's "who looked at my record". */
      readonly reason: string;
      /** The audit's purpose: direct care, or the reason the clinician gave when they broke the glass. */
      readonly purpose: string;
    }
  | {
      readonly allowed: false;
      readonly reason: string;
      /** Whether this caller may break the glass to see the record in an emergency. */
      readonly breakGlassAvailable: boolean;
    };

const activitiesOf = (roles: readonly Role[]): Set<RecordActivity> =>
  new Set(roles.flatMap((role) => RECORD_ACTIVITIES[role] ?? []));

/** A relationship in force on the day of `at` (dates compare as ISO text; `until` is the last day). */
export function isCurrent(relationship: Relationship, at: string): boolean {
  const day = at.slice(0, 10);
  return relationship.from <= day && (relationship.until === undefined || day <= relationship.until);
}

export function decideRecordAccess(request: AccessRequest): AccessDecision {
  const activities = activitiesOf(request.roles);
  const canBreakGlass = activities.has('break-glass');
  const scope = activities.has('view-clinical')
    ? 'clinical'
    : activities.has('view-demographics')
      ? 'demographics'
      : undefined;
  if (scope === undefined) {
    return {
      allowed: false,
      reason: 'Your roles do not include seeing care records.',
      breakGlassAvailable: false,
    };
  }
  const hide = request.restricted ? [...RESTRICTED_ELEMENTS] : [];
  const grant = request.breakGlass;
  if (grant !== undefined && canBreakGlass && request.at < grant.expiresAt) {
    return {
      allowed: true,
      basis: 'break-glass',
      scope,
      sources: 'all',
      hide,
      reason: `Emergency access: ${grant.reason}`,
      purpose: grant.reason,
    };
  }
  const relationship = request.relationships.find(
    (candidate) => candidate.organisation === request.organisation && isCurrent(candidate, request.at),
  );
  if (relationship === undefined) {
    return {
      allowed: false,
      reason: 'Your organisation has no current care relationship with this person.',
      breakGlassAvailable: canBreakGlass,
    };
  }
  return {
    allowed: true,
    basis: 'relationship',
    scope,
    sources: request.dissent ? 'own-organisation' : 'all',
    hide,
    reason: `${RELATIONSHIP_TEXT[relationship.kind]} with ${relationship.organisation}`,
    purpose: DIRECT_CARE,
  };
}

const RELATIONSHIP_TEXT: Readonly<Record<RelationshipKind, string>> = {
  registration: 'Registered',
  episode: 'Episode of care',
  referral: 'Open referral',
  'care-team': 'Care team',
};
