/**
 * @module web/routes/record-audit
 * The audit of the shared care record's edges (the FHIR API and the staff pages): every request that reaches a
 * handler is recorded in the tamper-evident log (`access/audit`) before its answer is sent, so no access goes
 * unrecorded. An access to several people's data (a search) is one entry per person, so each person's "who looked at
 * my record" shows it; an access that touched no one's data is one entry without a person.
 */
import type { FastifyRequest } from 'fastify';
import { NATIONAL_ROLES, type Principal } from '../../access/index.js';
import {
  AuditLog,
  DIRECT_CARE,
  type AuditAction,
  type AuditOutcome,
  type JsonValue,
} from '../../access/audit/index.js';
import type { RecordRepository } from '../../record/index.js';
import type { ShownCarerPlan } from '../../record/carer-plans.js';
import type { Database } from '../../store/index.js';

export interface RecordAccess {
  readonly action: AuditAction;
  readonly resourceType: string;
  readonly resourceId?: string | undefined;
  readonly outcome: AuditOutcome;
  /** The Patient resources whose data was read or written. */
  readonly patientIds?: readonly (string | undefined)[];
  /** The persons they are, when the handler knows already (`$everything`): saves the lookup. */
  readonly personIds?: readonly string[];
  readonly detail?: Readonly<Record<string, JsonValue>>;
  /** Why: direct care, unless the glass was broken (then the reason given). */
  readonly purpose?: string;
}

function actorOf(principal: Principal) {
  switch (principal.kind) {
    case 'system':
      return {
        actor: principal.tokenId,
        actorName: `The system of ${principal.organisation}`,
        role: null,
        organisation: principal.organisation,
      };
    case 'user':
      return {
        actor: principal.userId,
        actorName: principal.displayName,
        role: principal.roles.find((role) => role in NATIONAL_ROLES) ?? null,
        organisation: principal.organisation,
      };
    case 'anonymous':
      throw new Error('an anonymous request reached a FHIR handler');
  }
}

export interface RecordAuditor {
  record(request: FastifyRequest, access: RecordAccess): Promise<void>;
  close(): Promise<void>;
}

export function recordAuditor(db: Database, repository: RecordRepository): RecordAuditor {
  const log = new AuditLog(db);
  return {
    async record(request, access) {
      const patientIds = [
        ...new Set((access.patientIds ?? []).filter((id): id is string => id !== undefined)),
      ];
      const persons = [
        ...new Set(access.personIds ?? (await repository.personsOfPatients(patientIds)).values()),
      ];
      const base = {
        ...actorOf(request.principal),
        action: access.action,
        resourceType: access.resourceType,
        resourceId: access.resourceId ?? null,
        purpose: access.purpose ?? DIRECT_CARE,
        outcome: access.outcome,
        ...(access.detail === undefined ? {} : { detail: access.detail }),
      };
      const people = persons.length > 0 ? persons : [null];
      await Promise.all(people.map((personId) => log.record({ ...base, personId })));
    },
    close: () => log.close(),
  };
}

/** The purpose recorded on a carer's record when their plan was seen under emergency access to the person they care
 * for: the reason the clinician gave is about that person, so it stays on that person's entry, not the carer's. */
export const CARER_PLAN_EMERGENCY_PURPOSE = 'Emergency access to the record of the person they care for';

/**
 * A carer's plan seen on the record of the person they care for is an access to the CARER's record too: one entry
 * on the carer's record for each plan shown, so their "who has looked at my record" lists it. The entry says which
 * plan (its kind, in `detail.carerPlan`) and why — the viewer's relationship with the person cared for — but never
 * names that person.
 */
export function carerPlanAccesses(plans: readonly ShownCarerPlan[]): RecordAccess[] {
  return plans.map((shown) => ({
    action: 'read',
    resourceType: 'CarePlan',
    resourceId: shown.plan.resource.id,
    outcome: 'success',
    patientIds: [shown.carerPatientId],
    ...(shown.carerPersonId === undefined ? {} : { personIds: [shown.carerPersonId] }),
    purpose: shown.decision.purpose === DIRECT_CARE ? DIRECT_CARE : CARER_PLAN_EMERGENCY_PURPOSE,
    detail: {
      carerPlan: shown.decision.kind,
      seenIn: 'the care of the person they care for',
      basis: shown.decision.purpose === DIRECT_CARE ? shown.decision.reason : 'Emergency access',
    },
  }));
}
