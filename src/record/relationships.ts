/**
 * @module record/relationships
 * A person's records across the partnership, and the legitimate relationships an organisation has with them, read
 * from the record itself (what partners have sent) joined to the identity index (which records are one person):
 *
 * - registration: the organisation is a GP practice (an ODS practice code: a letter and five digits) holding an
 *   active Patient record of the person;
 * - episode: an EpisodeOfCare of the organisation's about the person that is active, planned, on hold or on a
 *   waiting list, or an Encounter in progress (arrived, triaged, in progress, on leave);
 * - referral: an active ServiceRequest of the organisation's about the person;
 * - care team: an active CareTeam about the person, sent by any partner, in which the organisation takes part — a
 *   participant's member or onBehalfOf, or the managing organisation, identifying it by its ODS code or its id in
 *   the partnership (Reference.identifier), for as long as that participant's period runs. Partners' references
 *   cannot point at each other's resources (`references.ts`), so a team names its members' organisations by
 *   identifier: a multidisciplinary team of a practice, a trust and the council's social care names all three.
 *
 * Individual membership (a CareTeam naming the user) is not read: users are not FHIR Practitioners.
 * Organisations are compared ignoring case, because users' organisation ids are lower case and ODS codes upper.
 */
import type { Relationship } from '../access/record-access.js';
import type { Queryable } from '../store/index.js';

export interface PersonPatient {
  /** The record's Patient resource. */
  readonly patientId: string;
  readonly organisation: string;
}

/** The record's Patient resources that are records of the person (merged persons' records move with the merge). */
export async function patientsOfPerson(db: Queryable, personId: string): Promise<PersonPatient[]> {
  const rows = await db.query<{ id: string; source_organisation: string }>(
    `SELECT p.id, p.source_organisation
       FROM identity_record r
       JOIN record_resource p
         ON p.resource_type = 'Patient' AND p.source_organisation = r.organisation AND p.source_id = r.local_id
      WHERE r.person_id = $1 AND NOT p.deleted
      ORDER BY p.source_organisation, p.id`,
    [personId],
  );
  return rows.map((row) => ({ patientId: row.id, organisation: row.source_organisation }));
}

const PRACTICE_CODE = /^[A-Za-z][0-9]{5}$/;

const day = (value: unknown, fallback: Date): string =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)
    ? value.slice(0, 10)
    : fallback.toISOString().slice(0, 10);

/** The organisation's current relationships with the person, each as `decideRecordAccess` reads it. */
export async function relationshipsWith(
  db: Queryable,
  personId: string,
  organisation: string,
): Promise<Relationship[]> {
  const all = await patientsOfPerson(db, personId);
  const relationships = await careTeamsWith(db, all, organisation);
  const patients = all.filter((patient) => patient.organisation.toLowerCase() === organisation.toLowerCase());
  if (patients.length === 0) return relationships;
  const ids = patients.map((patient) => patient.patientId);
  const rows = await db.query<{
    resource_type: string;
    content: Record<string, unknown>;
    last_updated: Date;
  }>(
    `SELECT resource_type, content, last_updated FROM record_resource
      WHERE NOT deleted AND (
            (resource_type = 'Patient' AND id = ANY($1::text[]) AND content->>'active' IS DISTINCT FROM 'false')
         OR (patient_id = ANY($1::text[]) AND (
               (resource_type = 'EpisodeOfCare' AND content->>'status' IN ('active', 'planned', 'onhold', 'waitlist'))
            OR (resource_type = 'Encounter' AND content->>'status' IN ('arrived', 'triaged', 'in-progress', 'onleave'))
            OR (resource_type = 'ServiceRequest' AND content->>'status' = 'active'))))`,
    [ids],
  );
  for (const row of rows) {
    const period = row.content['period'] as { start?: unknown } | undefined;
    switch (row.resource_type) {
      case 'Patient':
        if (PRACTICE_CODE.test(organisation)) {
          relationships.push({ kind: 'registration', organisation, from: day(undefined, row.last_updated) });
        }
        break;
      case 'EpisodeOfCare':
      case 'Encounter':
        relationships.push({ kind: 'episode', organisation, from: day(period?.start, row.last_updated) });
        break;
      case 'ServiceRequest':
        relationships.push({
          kind: 'referral',
          organisation,
          from: day(row.content['authoredOn'], row.last_updated),
        });
        break;
    }
  }
  return relationships;
}

interface Identified {
  readonly identifier?: { readonly value?: unknown };
}
interface CareTeamContent {
  readonly participant?: readonly {
    readonly member?: Identified;
    readonly onBehalfOf?: Identified;
    readonly period?: { readonly start?: unknown; readonly end?: unknown };
  }[];
  readonly managingOrganization?: readonly Identified[];
  readonly period?: { readonly start?: unknown; readonly end?: unknown };
}

/** The codes an organisation goes by in partners' references: its id in the partnership, and its ODS code. */
async function codesOf(db: Queryable, organisation: string): Promise<Set<string>> {
  const rows = await db.query<{ ods: string | null }>(
    `SELECT content->>'ods' AS ods FROM partnership_entry
      WHERE kind = 'organisation' AND lower(entry_id) = lower($1) AND recorded_to IS NULL`,
    [organisation],
  );
  return new Set(
    [organisation, ...rows.map((row) => row.ods)].filter((code) => code !== null).map((c) => c.toLowerCase()),
  );
}

/** Care teams about the person in which the organisation takes part, as relationships. */
async function careTeamsWith(
  db: Queryable,
  patients: readonly PersonPatient[],
  organisation: string,
): Promise<Relationship[]> {
  if (patients.length === 0) return [];
  const teams = await db.query<{ content: CareTeamContent; last_updated: Date }>(
    `SELECT content, last_updated FROM record_resource
      WHERE resource_type = 'CareTeam' AND patient_id = ANY($1::text[]) AND NOT deleted
        AND content->>'status' = 'active'`,
    [patients.map((patient) => patient.patientId)],
  );
  if (teams.length === 0) return [];
  const codes = await codesOf(db, organisation);
  const names = (reference: Identified | undefined) => {
    const value = reference?.identifier?.value;
    return typeof value === 'string' && codes.has(value.toLowerCase());
  };
  const relationships: Relationship[] = [];
  for (const { content, last_updated } of teams) {
    const teamStart = day(content.period?.start, last_updated);
    const teamEnd = typeof content.period?.end === 'string' ? content.period.end.slice(0, 10) : undefined;
    const managing = (content.managingOrganization ?? []).some(names);
    const memberships = (content.participant ?? []).filter((p) => names(p.member) || names(p.onBehalfOf));
    if (managing) {
      relationships.push({
        kind: 'care-team',
        organisation,
        from: teamStart,
        ...(teamEnd === undefined ? {} : { until: teamEnd }),
      });
    }
    for (const membership of memberships) {
      const end = typeof membership.period?.end === 'string' ? membership.period.end.slice(0, 10) : teamEnd;
      relationships.push({
        kind: 'care-team',
        organisation,
        from: day(membership.period?.start, last_updated),
        ...(end === undefined ? {} : { until: end }),
      });
    }
  }
  return relationships;
}

/** What the person has asked for, and how their record is marked, as the access decision reads it. */
export interface RecordFlags {
  /** An active Consent about the person denying sharing. */
  readonly dissent: boolean;
  /** A Patient record marked restricted or very restricted (v3 Confidentiality R or V): the "S-flag". */
  readonly restricted: boolean;
}

export async function recordFlags(db: Queryable, patientIds: readonly string[]): Promise<RecordFlags> {
  if (patientIds.length === 0) return { dissent: false, restricted: false };
  const [row] = await db.query<{ dissent: boolean; restricted: boolean }>(
    `SELECT
       EXISTS (SELECT 1 FROM record_resource
                WHERE resource_type = 'Consent' AND patient_id = ANY($1::text[]) AND NOT deleted
                  AND content->>'status' = 'active' AND content->'provision'->>'type' = 'deny') AS dissent,
       EXISTS (SELECT 1 FROM record_resource, jsonb_array_elements(coalesce(content->'meta'->'security', '[]')) s
                WHERE resource_type = 'Patient' AND id = ANY($1::text[]) AND NOT deleted
                  AND s->>'system' = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality'
                  AND s->>'code' IN ('R', 'V')) AS restricted`,
    [patientIds],
  );
  return { dissent: row?.dissent ?? false, restricted: row?.restricted ?? false };
}
