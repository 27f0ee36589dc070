/**
 * @module record/person-record
 * A person's shared record as one viewer may see it: the decision (`access/record-access.ts`) taken on the viewer's
 * roles and organisation, the relationships the record shows, the person's dissent and restricted flag, and any
 * break-glass grant the viewer holds; then every resource about the person that the decision allows, with the
 * hidden elements removed; and the carers' plans that name the person (`carer-plans.ts`), which are the carers'
 * records, each decided on its own. The FHIR `$everything` and the staff pages both show exactly this.
 */
import { activeGrant } from '../access/break-glass.js';
import { decideRecordAccess, type AccessDecision } from '../access/record-access.js';
import type { Role } from '../access/principal.js';
import type { Queryable } from '../store/index.js';
import { carerPlansFor, type ShownCarerPlan } from './carer-plans.js';
import { patientsOfPerson, recordFlags, relationshipsWith } from './relationships.js';
import type { RecordRepository, StoredResource } from './repository.js';

export interface Viewer {
  readonly userId: string;
  readonly roles: readonly Role[];
  readonly organisation: string;
}

export type PersonRecord =
  | {
      readonly allowed: true;
      readonly decision: Extract<AccessDecision, { allowed: true }>;
      /** Patients first, then by type and newest first; hidden elements removed. */
      readonly resources: readonly StoredResource[];
      /** The Patient resources that are this person's records (whatever was shown of them). */
      readonly patientIds: readonly string[];
      /**
       * Carers' support and contingency plans naming this person: the carers' records, not this person's, so each
       * is audited as an access to its carer's record.
       */
      readonly carerPlans: readonly ShownCarerPlan[];
    }
  | {
      readonly allowed: false;
      readonly decision: Extract<AccessDecision, { allowed: false }>;
      readonly patientIds: readonly string[];
    };

/** A copy of the resource without the named top-level elements (a restricted record's address and contacts). */
export function withoutElements<T extends Record<string, unknown>>(resource: T, hide: readonly string[]): T {
  if (hide.length === 0) return resource;
  return Object.fromEntries(Object.entries(resource).filter(([key]) => !hide.includes(key))) as T;
}

export async function personRecord(
  db: Queryable,
  repository: RecordRepository,
  viewer: Viewer,
  personId: string,
  now: Date,
): Promise<PersonRecord> {
  const patientIds = (await patientsOfPerson(db, personId)).map((patient) => patient.patientId);
  const grant = await activeGrant(db, viewer.userId, personId, now);
  const decision = decideRecordAccess({
    roles: viewer.roles,
    organisation: viewer.organisation,
    relationships: await relationshipsWith(db, personId, viewer.organisation),
    ...(await recordFlags(db, patientIds)),
    ...(grant === undefined ? {} : { breakGlass: { reason: grant.reason, expiresAt: grant.expiresAt } }),
    at: now.toISOString(),
  });
  if (!decision.allowed) return { allowed: false, decision, patientIds };
  const found = await repository.aboutPatients(
    patientIds,
    decision.sources === 'own-organisation' ? viewer.organisation : undefined,
  );
  const shown =
    decision.scope === 'demographics' ? found.filter((r) => r.resource.resourceType === 'Patient') : found;
  const resources = shown.map((stored) => ({
    ...stored,
    resource: withoutElements(stored.resource, decision.hide),
  }));
  const carerPlans = await carerPlansFor(db, repository, viewer, decision, patientIds, now);
  return { allowed: true, decision, resources, patientIds, carerPlans };
}
