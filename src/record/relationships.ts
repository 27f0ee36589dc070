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
  return (await patientsOfPersons(db, [personId])).get(personId) ?? [];
}

/** `patientsOfPerson` for many persons at once, by person id (persons with no Patient records are absent). */
export async function patientsOfPersons(
  db: Queryable,
  personIds: readonly string[],
): Promise<Map<string, PersonPatient[]>> {
  if (personIds.length === 0) return new Map();
  const rows = await db.query<{ person_id: string; id: string; source_organisation: string }>(
    `SELECT r.person_id::text AS person_id, p.id, p.source_organisation
       FROM identity_record r
       JOIN record_resource p
         ON p.resource_type = 'Patient' AND p.source_organisation = r.organisation AND p.source_id = r.local_id
      WHERE r.person_id = ANY($1::uuid[]) AND NOT p.deleted
      ORDER BY p.source_organisation, p.id`,
    [personIds],
  );
  const found = new Map<string, PersonPatient[]>();
  for (const row of rows) {
    const patient = { patientId: row.id, organisation: row.source_organisation };
    const list = found.get(row.person_id);
    if (list === undefined) found.set(row.person_id, [patient]);
    else list.push(patient);
  }
  return found;
}

const PRACTICE_CODE = /^[A-Za-z][0-9]{5}$/;

const day = (value: unknown, fallback: Date): string =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)
    ? value.slice(0, 10)
    : fallback.toISOString().slice(0, 10);

interface RelationshipRow {
  readonly resource_type: string;
  readonly content: Record<string, unknown>;
  readonly last_updated: Date;
}

/** What one of the organisation's own resources about the person says of their relationship, if anything. */
function relationshipOfRow(row: RelationshipRow, organisation: string): Relationship | undefined {
  const period = row.content['period'] as { start?: unknown } | undefined;
  switch (row.resource_type) {
    case 'Patient':
      return PRACTICE_CODE.test(organisation)
        ? { kind: 'registration', organisation, from: day(undefined, row.last_updated) }
        : undefined;
    case 'EpisodeOfCare':
    case 'Encounter':
      return { kind: 'episode', organisation, from: day(period?.start, row.last_updated) };
    case 'ServiceRequest':
      return { kind: 'referral', organisation, from: day(row.content['authoredOn'], row.last_updated) };
    default:
      return undefined;
  }
}

/** The organisation's own resources that make a relationship, about the given Patient records of its own. */
const RELATING_RESOURCES = `SELECT resource_type, content, last_updated, coalesce(patient_id, id) AS patient_id
    FROM record_resource
   WHERE NOT deleted AND (
         (resource_type = 'Patient' AND id = ANY($1::text[]) AND content->>'active' IS DISTINCT FROM 'false')
      OR (patient_id = ANY($1::text[]) AND (
            (resource_type = 'EpisodeOfCare' AND content->>'status' IN ('active', 'planned', 'onhold', 'waitlist'))
         OR (resource_type = 'Encounter' AND content->>'status' IN ('arrived', 'triaged', 'in-progress', 'onleave'))
         OR (resource_type = 'ServiceRequest' AND content->>'status' = 'active'))))`;

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
  const rows = await db.query<RelationshipRow>(RELATING_RESOURCES, [ids]);
  for (const row of rows) {
    const relationship = relationshipOfRow(row, organisation);
    if (relationship !== undefined) relationships.push(relationship);
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
  return teams.flatMap((team) => teamRelationships(team, codes, organisation));
}

/** The relationships one active care team gives the organisation (known by `codes`), managing it or taking part. */
function teamRelationships(
  { content, last_updated }: { readonly content: CareTeamContent; readonly last_updated: Date },
  codes: ReadonlySet<string>,
  organisation: string,
): Relationship[] {
  const names = (reference: Identified | undefined) => {
    const value = reference?.identifier?.value;
    return typeof value === 'string' && codes.has(value.toLowerCase());
  };
  const relationships: Relationship[] = [];
  const teamStart = day(content.period?.start, last_updated);
  const teamEnd = typeof content.period?.end === 'string' ? content.period.end.slice(0, 10) : undefined;
  if ((content.managingOrganization ?? []).some(names)) {
    relationships.push({
      kind: 'care-team',
      organisation,
      from: teamStart,
      ...(teamEnd === undefined ? {} : { until: teamEnd }),
    });
  }
  for (const membership of (content.participant ?? []).filter(
    (p) => names(p.member) || names(p.onBehalfOf),
  )) {
    const end = typeof membership.period?.end === 'string' ? membership.period.end.slice(0, 10) : teamEnd;
    relationships.push({
      kind: 'care-team',
      organisation,
      from: day(membership.period?.start, last_updated),
      ...(end === undefined ? {} : { until: end }),
    });
  }
  return relationships;
}

/**
 * Every person the organisation has a relationship with, by person id, each with the relationships
 * `relationshipsWith` would find for them (current or not: the access decision tells) — found in a few set queries
 * rather than a handful per person, for a list of everyone an organisation cares for (`case-finding.ts`).
 */
export async function relationshipsOfOrganisation(
  db: Queryable,
  organisation: string,
): Promise<Map<string, Relationship[]>> {
  const found = new Map<string, Relationship[]>();
  const add = (personId: string, relationship: Relationship) => {
    const list = found.get(personId);
    if (list === undefined) found.set(personId, [relationship]);
    else list.push(relationship);
  };
  // The organisation's own Patient records of persons in the index, and what it holds about them.
  const own = await db.query<{ id: string; person_id: string }>(
    `SELECT p.id, r.person_id::text AS person_id
       FROM record_resource p
       JOIN identity_record r ON r.organisation = p.source_organisation AND r.local_id = p.source_id
      WHERE p.resource_type = 'Patient' AND NOT p.deleted AND lower(p.source_organisation) = lower($1)`,
    [organisation],
  );
  const personOf = new Map(own.map((row) => [row.id, row.person_id]));
  if (own.length > 0) {
    const rows = await db.query<RelationshipRow & { patient_id: string }>(RELATING_RESOURCES, [
      own.map((row) => row.id),
    ]);
    for (const row of rows) {
      const personId = personOf.get(row.patient_id);
      const relationship = relationshipOfRow(row, organisation);
      if (personId !== undefined && relationship !== undefined) add(personId, relationship);
    }
  }
  // Care teams from any partner naming the organisation. The text match only narrows the rows read: an identifier
  // equal to one of the codes, ignoring case, always contains it; teamRelationships decides.
  const codes = await codesOf(db, organisation);
  const teams = await db.query<{ content: CareTeamContent; last_updated: Date; person_id: string }>(
    `SELECT t.content, t.last_updated, r.person_id::text AS person_id
       FROM record_resource t
       JOIN record_resource p ON p.resource_type = 'Patient' AND p.id = t.patient_id AND NOT p.deleted
       JOIN identity_record r ON r.organisation = p.source_organisation AND r.local_id = p.source_id
      WHERE t.resource_type = 'CareTeam' AND NOT t.deleted AND t.content->>'status' = 'active'
        AND lower(t.content::text) LIKE ANY($1::text[])`,
    [
      [...codes].map(
        (code) => `%${code.replaceAll('\\', '\\\\').replaceAll('%', '\\%').replaceAll('_', '\\_')}%`,
      ),
    ],
  );
  for (const team of teams) {
    for (const relationship of teamRelationships(team, codes, organisation))
      add(team.person_id, relationship);
  }
  return found;
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

/** `recordFlags` for many persons at once, each over all of the person's Patient records; absent persons have none. */
export async function recordFlagsOfPersons(
  db: Queryable,
  personIds: readonly string[],
): Promise<Map<string, RecordFlags>> {
  if (personIds.length === 0) return new Map();
  const rows = await db.query<{ person_id: string; dissent: boolean; restricted: boolean }>(
    `WITH patients AS (
       SELECT r.person_id, p.id, p.content
         FROM identity_record r
         JOIN record_resource p
           ON p.resource_type = 'Patient' AND p.source_organisation = r.organisation AND p.source_id = r.local_id
        WHERE r.person_id = ANY($1::uuid[]) AND NOT p.deleted)
     SELECT person_id::text AS person_id,
            bool_or(EXISTS (SELECT 1 FROM record_resource c
                             WHERE c.resource_type = 'Consent' AND c.patient_id = patients.id AND NOT c.deleted
                               AND c.content->>'status' = 'active' AND c.content->'provision'->>'type' = 'deny')) AS dissent,
            bool_or(EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(content->'meta'->'security', '[]')) s
                             WHERE s->>'system' = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality'
                               AND s->>'code' IN ('R', 'V'))) AS restricted
       FROM patients GROUP BY person_id`,
    [personIds],
  );
  return new Map(rows.map((row) => [row.person_id, { dissent: row.dissent, restricted: row.restricted }]));
}
