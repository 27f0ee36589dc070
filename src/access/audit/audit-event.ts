/**
 * @module access/audit/audit-event
 * An audit entry as a FHIR R4 AuditEvent, pure, for partners' and regulators' tools that read audit in FHIR (and, in
 * time, an IHE BALP-shaped feed). The choices, per action:
 *   * RESTful interactions (read, vread, search, create, update, delete, history, everything, match): type `rest` of
 *     audit-event-type, subtype the restful-interaction code (everything and match are operations: $everything,
 *     $match);
 *   * import: DICOM 110107 Import; break-glass: DICOM 110113 Security Alert, subtype 110127 Emergency Override
 *     Started; break-glass-review: DICOM 110101 Audit Log Used; access-denied: DICOM 110113 Security Alert, subtype
 *     110132 Use of Restricted Function;
 *   * action C/R/U/D/E as FHIR's AuditEvent guidance maps the interactions (search and operations are E);
 *   * outcome: success 0, denied 4 (minor failure: refused, nothing happened), error 8 (serious failure);
 *   * the agent: the actor (identifier and name), its National RBAC role (coded in NHS England's SDS job role name
 *     code system, which holds the R-codes), requestor true, and purpose of use TREAT for direct care or BTG (break
 *     the glass, v3-ActReason) with the stated reason as text; a second agent is the organisation acted for;
 *   * source observer: Accord; entities: the person (Patient/<person id>, role patient) and the resource touched,
 *     with a search's query string as the entity's query (base64, as R4 types it).
 */
import { DIRECT_CARE, type AuditAction, type AuditEntry, type AuditOutcome } from './entry.js';

export const AUDIT_EVENT_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
export const DICOM_SYSTEM = 'http://dicom.nema.org/resources/ontology/DCM';
export const RESTFUL_INTERACTION_SYSTEM = 'http://hl7.org/fhir/restful-interaction';
export const ACT_REASON_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
export const SDS_JOB_ROLE_SYSTEM = 'https://fhir.nhs.uk/CodeSystem/NHSDigital-SDSJobRoleName';
/** Accord's own identifier systems for actors (user ids, token ids) and partnership organisation ids. */
export const ACTOR_SYSTEM = 'urn:accord:actor';
export const ORGANISATION_SYSTEM = 'urn:accord:organisation';

export interface Coding {
  readonly system: string;
  readonly code: string;
  readonly display?: string;
}
export interface CodeableConcept {
  readonly coding: readonly Coding[];
  readonly text?: string;
}
export interface Reference {
  readonly reference?: string;
  readonly identifier?: { readonly system: string; readonly value: string };
  readonly display?: string;
}

/** The elements of a FHIR R4 AuditEvent that Accord fills. */
export interface AuditEventResource {
  readonly resourceType: 'AuditEvent';
  readonly id: string;
  readonly type: Coding;
  readonly subtype?: readonly Coding[];
  readonly action: 'C' | 'R' | 'U' | 'D' | 'E';
  readonly recorded: string;
  readonly outcome: '0' | '4' | '8';
  readonly purposeOfEvent: readonly CodeableConcept[];
  readonly agent: readonly {
    readonly type?: CodeableConcept;
    readonly who: Reference;
    readonly role?: readonly CodeableConcept[];
    readonly requestor: boolean;
    readonly purposeOfUse?: readonly CodeableConcept[];
  }[];
  readonly source: { readonly observer: Reference };
  readonly entity: readonly {
    readonly what: Reference;
    readonly type?: Coding;
    readonly role?: Coding;
    readonly query?: string;
  }[];
}

const REST: Coding = { system: AUDIT_EVENT_TYPE_SYSTEM, code: 'rest', display: 'RESTful Operation' };
const dicom = (code: string, display: string): Coding => ({ system: DICOM_SYSTEM, code, display });
const interaction = (code: string): Coding => ({ system: RESTFUL_INTERACTION_SYSTEM, code });

interface Mapping {
  readonly type: Coding;
  readonly subtype?: Coding;
  readonly action: AuditEventResource['action'];
}

function mapping(action: AuditAction): Mapping {
  switch (action) {
    case 'read':
      return { type: REST, subtype: interaction('read'), action: 'R' };
    case 'vread':
      return { type: REST, subtype: interaction('vread'), action: 'R' };
    case 'search':
      return { type: REST, subtype: interaction('search-type'), action: 'E' };
    case 'create':
      return { type: REST, subtype: interaction('create'), action: 'C' };
    case 'update':
      return { type: REST, subtype: interaction('update'), action: 'U' };
    case 'delete':
      return { type: REST, subtype: interaction('delete'), action: 'D' };
    case 'history':
      return { type: REST, subtype: interaction('history-instance'), action: 'R' };
    case 'everything':
    case 'match':
      return { type: REST, subtype: interaction('operation'), action: 'E' };
    case 'import':
      return { type: dicom('110107', 'Import'), action: 'C' };
    case 'break-glass':
      return {
        type: dicom('110113', 'Security Alert'),
        subtype: dicom('110127', 'Emergency Override Started'),
        action: 'E',
      };
    case 'break-glass-review':
      return { type: dicom('110101', 'Audit Log Used'), action: 'R' };
    case 'access-denied':
      return {
        type: dicom('110113', 'Security Alert'),
        subtype: dicom('110132', 'Use of Restricted Function'),
        action: 'E',
      };
  }
}

const OUTCOME: Record<AuditOutcome, AuditEventResource['outcome']> = {
  success: '0',
  denied: '4',
  error: '8',
};

function purposeOfUse(purpose: string): CodeableConcept {
  return purpose === DIRECT_CARE
    ? { coding: [{ system: ACT_REASON_SYSTEM, code: 'TREAT', display: 'treatment' }] }
    : { coding: [{ system: ACT_REASON_SYSTEM, code: 'BTG', display: 'break the glass' }], text: purpose };
}

/** A search's query string, if the entry's detail holds one. */
function queryOf(entry: AuditEventSource): string | undefined {
  const query = entry.detail.query;
  return typeof query === 'string' ? Buffer.from(query, 'utf8').toString('base64') : undefined;
}

/** An entry with or without its hashes, which an AuditEvent does not carry. */
export type AuditEventSource = Omit<AuditEntry, 'prevHash' | 'hash'>;

export function toAuditEvent(entry: AuditEventSource): AuditEventResource {
  const { type, subtype, action } = mapping(entry.action);
  const purpose = purposeOfUse(entry.purpose);
  const query = queryOf(entry);
  const resource: AuditEventResource['entity'][number] = {
    what: {
      reference: entry.resourceId === null ? entry.resourceType : `${entry.resourceType}/${entry.resourceId}`,
    },
    type: {
      system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
      code: '2',
      display: 'System Object',
    },
    ...(query === undefined ? {} : { query }),
  };
  const patient: AuditEventResource['entity'][number] | undefined =
    entry.personId === null
      ? undefined
      : {
          what: { reference: `Patient/${entry.personId}` },
          type: {
            system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
            code: '1',
            display: 'Person',
          },
          role: {
            system: 'http://terminology.hl7.org/CodeSystem/object-role',
            code: '1',
            display: 'Patient',
          },
        };
  // The patient entity once: a read of the Patient resource itself is about the same thing.
  const samePatient =
    patient !== undefined && entry.resourceType === 'Patient' && entry.resourceId === entry.personId;
  return {
    resourceType: 'AuditEvent',
    id: String(entry.seq),
    type,
    ...(subtype === undefined ? {} : { subtype: [subtype] }),
    action,
    recorded: entry.recordedAt,
    outcome: OUTCOME[entry.outcome],
    purposeOfEvent: [purpose],
    agent: [
      {
        who: { identifier: { system: ACTOR_SYSTEM, value: entry.actor }, display: entry.actorName },
        ...(entry.role === null
          ? {}
          : { role: [{ coding: [{ system: SDS_JOB_ROLE_SYSTEM, code: entry.role }] }] }),
        requestor: true,
        purposeOfUse: [purpose],
      },
      {
        type: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/v3-RoleClass',
              code: 'PROV',
              display: 'healthcare provider',
            },
          ],
        },
        who: { identifier: { system: ORGANISATION_SYSTEM, value: entry.organisation } },
        requestor: false,
      },
    ],
    source: { observer: { display: 'Accord' } },
    entity: [...(patient === undefined ? [] : [patient]), ...(samePatient ? [] : [resource])],
  };
}
