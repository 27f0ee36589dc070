/**
 * @module record/carer-plans
 * Carers' plans on the record of the person they care for (issue 9; docs/record.md, "Carers' plans"): the carer's
 * support plan and contingency plan are CarePlans about the CARER (`subject` is the carer's Patient) whose
 * `supportingInfo` names the cared-for person's Patient and whose category is one of the Accord code system's
 * (`access/carer-plans-access.ts`). This module finds them from the cared-for person's Patients, with what the access
 * decision needs of the carer — their person in the identity index, their dissent and restricted flag — and the
 * carer's name and phone from their own Patient records; `carerPlansFor` then keeps the plans the viewer may see.
 *
 * The category is in the search index (`record_search_token`, param `category`), so the plans are found by that index
 * and only those few are tested for the reference (JSONB): no index of their own is needed (no migration).
 */
import {
  CARER_PLAN_KINDS,
  CARER_PLAN_SYSTEM,
  CARER_PLAN_TEXT,
  decideCarerPlanAccess,
  type CarerPlanDecision,
} from '../access/carer-plans-access.js';
import type { AccessDecision } from '../access/record-access.js';
import type { Queryable } from '../store/index.js';
import { summarisePerson } from './person-summary.js';
import { patientsOfPerson, recordFlags, type RecordFlags } from './relationships.js';
import type { RecordRepository, Resource, StoredResource } from './repository.js';

/** A carer's plan naming one of the cared-for person's Patients, with what is known of the carer. */
export interface FoundCarerPlan {
  readonly plan: StoredResource;
  /** The carer's Patient the plan is about (its `subject`). */
  readonly carerPatientId: string | undefined;
  /** The carer's person in the identity index (undefined when the index does not hold their Patient yet). */
  readonly carerPersonId: string | undefined;
  /** Every Patient record of the carer (for their name), as stored. */
  readonly carerPatients: readonly StoredResource[];
  readonly carerFlags: RecordFlags;
}

/** What is shown of the carer: who they are and how to reach them — not their other details. */
export interface CarerContact {
  readonly name?: string;
  readonly phone?: string;
}

/** A plan the viewer may see, with the carer's details as they may be shown. */
export interface ShownCarerPlan {
  readonly plan: StoredResource;
  readonly decision: Extract<CarerPlanDecision, { shown: true }>;
  readonly carerPatientId: string | undefined;
  readonly carerPersonId: string | undefined;
  /** The carer's name and phone from their best record (a restricted carer's phone never): nothing else of theirs. */
  readonly carer: CarerContact;
}

interface PlanRow {
  id: string;
  version: number;
  last_updated: Date;
  content: Resource;
  source_organisation: string;
  patient_id: string | null;
}

/** The carers' plans (of the Accord categories) whose supportingInfo names one of these Patients, newest first. */
export async function carerPlansNaming(
  db: Queryable,
  repository: RecordRepository,
  caredForPatientIds: readonly string[],
): Promise<FoundCarerPlan[]> {
  if (caredForPatientIds.length === 0) return [];
  const rows = await db.query<PlanRow>(
    `SELECT r.id, r.version, r.last_updated, r.content, r.source_organisation, r.patient_id
       FROM record_resource r
      WHERE r.resource_type = 'CarePlan' AND NOT r.deleted
        AND r.id IN (SELECT t.id FROM record_search_token t
                      WHERE t.resource_type = 'CarePlan' AND t.param = 'category'
                        AND t.code = ANY($2::text[]) AND t.system = $3)
        AND EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(r.content->'supportingInfo', '[]')) s
                     WHERE s->>'reference' = ANY($1::text[]))
      ORDER BY r.last_updated DESC, r.id`,
    [caredForPatientIds.map((id) => `Patient/${id}`), CARER_PLAN_KINDS, CARER_PLAN_SYSTEM],
  );
  if (rows.length === 0) return [];
  const carerPatientIds = [
    ...new Set(rows.flatMap((row) => (row.patient_id === null ? [] : [row.patient_id]))),
  ];
  const persons = await repository.personsOfPatients(carerPatientIds);
  // One look-up per carer, not per plan: a carer usually has both plans.
  const carers = new Map<string, { patients: StoredResource[]; flags: RecordFlags }>();
  for (const patientId of carerPatientIds) {
    const personId = persons.get(patientId);
    const ids =
      personId === undefined
        ? [patientId]
        : (await patientsOfPerson(db, personId)).map((patient) => patient.patientId);
    const patients: StoredResource[] = [];
    for (const id of ids) {
      const read = await repository.read('Patient', id);
      if (read.ok) patients.push(read.value);
    }
    carers.set(patientId, { patients, flags: await recordFlags(db, ids) });
  }
  return rows.map((row) => {
    const carer = row.patient_id === null ? undefined : carers.get(row.patient_id);
    const personId = row.patient_id === null ? undefined : persons.get(row.patient_id);
    return {
      plan: {
        resource: row.content as StoredResource['resource'],
        version: row.version,
        lastUpdated: row.last_updated.toISOString(),
        sourceOrganisation: row.source_organisation,
        patientId: row.patient_id ?? undefined,
      },
      carerPatientId: row.patient_id ?? undefined,
      carerPersonId: personId,
      carerPatients: carer?.patients ?? [],
      carerFlags: carer?.flags ?? { dissent: false, restricted: false },
    };
  });
}

/** Copies of the Patients without the named top-level elements. */
const without = (patients: readonly StoredResource[], hide: readonly string[]): StoredResource[] =>
  patients.map((stored) => ({
    ...stored,
    resource: Object.fromEntries(
      Object.entries(stored.resource).filter(([key]) => !hide.includes(key)),
    ) as StoredResource['resource'],
  }));

/**
 * The carers' plans naming the cared-for person that one viewer may see, decided plan by plan
 * (`decideCarerPlanAccess`) from the viewer's decision on the cared-for person's record.
 */
export async function carerPlansFor(
  db: Queryable,
  repository: RecordRepository,
  viewer: { readonly organisation: string },
  caredFor: AccessDecision,
  caredForPatientIds: readonly string[],
  now: Date,
): Promise<ShownCarerPlan[]> {
  // Nothing to find for a viewer who may see nothing clinical of the cared-for person: do not even look.
  if (!caredFor.allowed || caredFor.scope !== 'clinical') return [];
  const found = await carerPlansNaming(db, repository, caredForPatientIds);
  const shown: ShownCarerPlan[] = [];
  for (const candidate of found) {
    const decision = decideCarerPlanAccess({
      caredFor,
      organisation: viewer.organisation,
      caredForPatientIds,
      facts: {
        plan: candidate.plan.resource,
        sourceOrganisation: candidate.plan.sourceOrganisation,
        carerDissent: candidate.carerFlags.dissent,
        carerRestricted: candidate.carerFlags.restricted,
      },
      at: now.toISOString(),
    });
    if (!decision.shown) continue;
    const best = summarisePerson(without(candidate.carerPatients, decision.hideOfCarer)).demographics;
    const carer: CarerContact = {
      ...(best?.name === undefined ? {} : { name: best.name }),
      ...(best?.phone === undefined ? {} : { phone: best.phone }),
    };
    shown.push({
      plan: candidate.plan,
      decision,
      carerPatientId: candidate.carerPatientId,
      carerPersonId: candidate.carerPersonId,
      carer,
    });
  }
  return shown;
}

/** A carer's plan as the staff page shows it (pure). */
export interface CarerPlanView {
  readonly kind: string;
  readonly title: string;
  readonly carerName: string;
  /** The carer's phone; undefined when not recorded, or not shown (`restricted`). */
  readonly carerPhone?: string;
  readonly restricted: boolean;
  readonly status: string;
  readonly current: boolean;
  readonly marking?: string;
  readonly period: string;
  readonly description?: string;
  readonly activities: readonly string[];
  readonly source: string;
  readonly date: string;
}

type Json = Readonly<Record<string, unknown>>;
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;
const items = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);

export function carerPlanView(shown: ShownCarerPlan): CarerPlanView {
  const plan = shown.plan.resource as Json;
  const period = (plan['period'] ?? {}) as Json;
  const start = text(period['start'])?.slice(0, 10);
  const end = text(period['end'])?.slice(0, 10);
  const activities = items(plan['activity']).flatMap((activity) => {
    const detail = (activity['detail'] ?? {}) as Json;
    const code = (detail['code'] ?? {}) as Json;
    const words =
      text(detail['description']) ??
      text(code['text']) ??
      text(items(code['coding'])[0]?.['display']) ??
      text(items(activity['progress'])[0]?.['text']);
    return words === undefined ? [] : [words];
  });
  const kind = CARER_PLAN_TEXT[shown.decision.kind];
  const description = text(plan['description']);
  return {
    kind,
    title: text(plan['title']) ?? kind,
    carerName: shown.carer.name ?? 'Name not recorded',
    ...(shown.carer.phone === undefined ? {} : { carerPhone: shown.carer.phone }),
    restricted: shown.decision.hideOfCarer.length > 0,
    status: text(plan['status']) ?? 'unknown',
    current: shown.decision.current,
    ...(shown.decision.marking === undefined ? {} : { marking: shown.decision.marking }),
    period:
      start === undefined ? (end === undefined ? '–' : `until ${end}`) : `${start} to ${end ?? 'ongoing'}`,
    ...(description === undefined ? {} : { description }),
    activities,
    source: shown.plan.sourceOrganisation,
    date: (text(plan['created']) ?? shown.plan.lastUpdated).slice(0, 10),
  };
}

/**
 * The persons named by the oldest active carers' contingency plans, at most `limit`, oldest first: the demo's
 * examples on the record's search page (only while the demo's users can sign in). No one's details, only person ids.
 */
export async function personsWithCarerPlans(
  db: Queryable,
  repository: RecordRepository,
  limit: number,
): Promise<string[]> {
  const rows = await db.query<{ reference: string }>(
    `SELECT s->>'reference' AS reference
       FROM record_resource r, jsonb_array_elements(coalesce(r.content->'supportingInfo', '[]')) s
      WHERE r.resource_type = 'CarePlan' AND NOT r.deleted AND r.content->>'status' = 'active'
        AND r.id IN (SELECT t.id FROM record_search_token t
                      WHERE t.resource_type = 'CarePlan' AND t.param = 'category'
                        AND t.code = 'carer-contingency-plan' AND t.system = $1)
        AND s->>'reference' LIKE 'Patient/%'
      ORDER BY r.last_updated, r.id
      LIMIT $2`,
    [CARER_PLAN_SYSTEM, limit * 4],
  );
  const patientIds = rows.map((row) => row.reference.slice('Patient/'.length));
  const persons = await repository.personsOfPatients(patientIds);
  const ordered = patientIds.flatMap((id) => {
    const person = persons.get(id);
    return person === undefined ? [] : [person];
  });
  return [...new Set(ordered)].slice(0, limit);
}
