/**
 * @module access/carer-plans-access
 * Who may see a carer's support plan and contingency plan on the record of the person they care for (issue 9): pure,
 * deny by default, decided for one plan from the viewer's decision on the cared-for person's record
 * (`record-access.ts`), the plan itself, and the carer's own choices and flags.
 *
 * A carer's plans are the carer's record (their `subject` is the carer's Patient), so the viewer's relationship with
 * the cared-for person opens only the plans that name that person (`supportingInfo`), never the rest of the carer's
 * record. The rules (docs/record.md, "Carers' plans"):
 * - the viewer must be allowed clinical data of the cared-for person — by a current legitimate relationship, or by
 *   break-glass. Admin and clinical support (R8008) see demographics only, and a carer's plan is not demographics: it
 *   describes the carer's circumstances and the cared-for person's daily needs, so it is care information about two
 *   people, which a role that registers and traces people has no need to read;
 * - the plan must be a carer's support or contingency plan (its category in the Accord code system) that names the
 *   cared-for person, and not entered in error;
 * - the carer's dissent from sharing, like the cared-for person's, limits what a relationship shows to the plans the
 *   viewer's own organisation recorded; break-glass shows every plan (the cared-for person's vital interests: a
 *   contingency plan is for exactly the emergency in which the glass is broken — and the access is recorded on the
 *   carer's record with the reason given, and reviewed with the grant);
 * - a restricted (S-flag) carer's address, telecom and contact details are never shown, whatever the basis;
 * - a plan that is not active, or whose period has ended, is still shown — an out-of-date plan is better known than
 *   hidden — but marked, so nobody acts on it without knowing.
 */
import { RESTRICTED_ELEMENTS, type AccessDecision } from './record-access.js';

/** The Accord code system of carers' plans' categories (no verified SNOMED CT concept names them). */
export const CARER_PLAN_SYSTEM = 'https://accord.example/fhir/CodeSystem/carer-plan';

export const CARER_PLAN_KINDS = ['carer-support-plan', 'carer-contingency-plan'] as const;
export type CarerPlanKind = (typeof CARER_PLAN_KINDS)[number];

/** How each kind reads, in a sentence and as a heading. */
export const CARER_PLAN_TEXT: Readonly<Record<CarerPlanKind, string>> = {
  'carer-support-plan': 'Carer’s support plan',
  'carer-contingency-plan': 'Carer’s contingency plan',
};

/** What the decision needs of one plan. */
export interface CarerPlanFacts {
  /** The CarePlan's content. */
  readonly plan: Readonly<Record<string, unknown>>;
  /** The organisation that recorded the plan. */
  readonly sourceOrganisation: string;
  /** The carer has dissented from sharing their record. */
  readonly carerDissent: boolean;
  /** The carer's record is restricted (S-flag). */
  readonly carerRestricted: boolean;
}

export interface CarerPlanRequest {
  /** The viewer's decision on the cared-for person's record. */
  readonly caredFor: AccessDecision;
  readonly organisation: string;
  /** The cared-for person's Patient resources (ids). */
  readonly caredForPatientIds: readonly string[];
  readonly facts: CarerPlanFacts;
  /** ISO instant of the request. */
  readonly at: string;
}

export type CarerPlanDecision =
  | {
      readonly shown: true;
      readonly kind: CarerPlanKind;
      /** Elements never shown of the carer's Patient (their name is always shown). */
      readonly hideOfCarer: readonly string[];
      /** Active with a period not ended: the plan to act on. Otherwise shown, marked with `marking`. */
      readonly current: boolean;
      readonly marking?: string;
      /** The audit's purpose on the carer's record: direct care, or the break-glass reason. */
      readonly purpose: string;
      /** Why the viewer sees it: the relationship with the cared-for person (or emergency access). */
      readonly reason: string;
    }
  | { readonly shown: false; readonly reason: string };

/** The statuses of a plan to act on; any other (draft, on hold, revoked, completed, unknown) is marked. */
const CURRENT_STATUSES = new Set(['active']);

const STATUS_MARKING: Readonly<Record<string, string>> = {
  draft: 'Draft: not yet agreed',
  'on-hold': 'On hold',
  revoked: 'Withdrawn: no longer in force',
  completed: 'Completed: no longer in force',
  unknown: 'Status unknown',
};

type Json = Readonly<Record<string, unknown>>;
const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);

/** The carer's plan kind a CarePlan's categories give, if any. */
export function carerPlanKind(plan: Json): CarerPlanKind | undefined {
  for (const category of list(plan['category'])) {
    for (const coding of list(category['coding'])) {
      const code = coding['code'];
      if (
        coding['system'] === CARER_PLAN_SYSTEM &&
        typeof code === 'string' &&
        (CARER_PLAN_KINDS as readonly string[]).includes(code)
      ) {
        return code as CarerPlanKind;
      }
    }
  }
  return undefined;
}

/** Whether the plan's supportingInfo names one of these Patients (`Patient/{id}`). */
export function namesPatient(plan: Json, patientIds: readonly string[]): boolean {
  const wanted = new Set(patientIds.map((id) => `Patient/${id}`));
  return list(plan['supportingInfo']).some(
    (reference) => typeof reference['reference'] === 'string' && wanted.has(reference['reference']),
  );
}

export function decideCarerPlanAccess(request: CarerPlanRequest): CarerPlanDecision {
  const { caredFor, facts } = request;
  if (!caredFor.allowed) return { shown: false, reason: caredFor.reason };
  if (caredFor.scope !== 'clinical') {
    return {
      shown: false,
      reason: 'A carer’s plan is care information, not demographics: your role does not show it.',
    };
  }
  const kind = carerPlanKind(facts.plan);
  if (kind === undefined) return { shown: false, reason: 'Not a carer’s support or contingency plan.' };
  if (!namesPatient(facts.plan, request.caredForPatientIds)) {
    return { shown: false, reason: 'The plan does not name this person as the one cared for.' };
  }
  const status = typeof facts.plan['status'] === 'string' ? facts.plan['status'] : 'unknown';
  if (status === 'entered-in-error') return { shown: false, reason: 'The plan was entered in error.' };
  const own = facts.sourceOrganisation.toLowerCase() === request.organisation.toLowerCase();
  if (caredFor.basis === 'relationship' && !own) {
    if (caredFor.sources === 'own-organisation') {
      return {
        shown: false,
        reason: 'The person cared for has asked that their record is not shared between organisations.',
      };
    }
    if (facts.carerDissent) {
      return {
        shown: false,
        reason: 'The carer has asked that their record is not shared between organisations.',
      };
    }
  }
  const period = facts.plan['period'] as { end?: unknown } | undefined;
  const ended = typeof period?.end === 'string' && period.end.slice(0, 10) < request.at.slice(0, 10);
  const current = CURRENT_STATUSES.has(status) && !ended;
  const marking = current
    ? undefined
    : ended && CURRENT_STATUSES.has(status)
      ? 'Its period has ended'
      : (STATUS_MARKING[status] ?? 'Status unknown');
  return {
    shown: true,
    kind,
    hideOfCarer: facts.carerRestricted ? [...RESTRICTED_ELEMENTS] : [],
    current,
    ...(marking === undefined ? {} : { marking }),
    purpose: caredFor.purpose,
    reason: caredFor.reason,
  };
}
