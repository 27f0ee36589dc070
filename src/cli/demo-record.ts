/**
 * @module cli/demo-record
 * The demo's shared care record: on the first start, after the identity index, the records of a sample of the
 * demo place's people — those whom both the place's acute trust and a GP practice know — are imported from their
 * partners' feeds, so the demo clinician (who works at that trust) can find people and open joined-up records, some
 * through an open episode of care and some only by breaking the glass. A sample, not everyone: importing a place's
 * whole record would take minutes on a small machine (docs/record.md). Kept for later starts. Then a few of the
 * sample's people get a carer with a support plan and a contingency plan (`ensureDemoCarerPlans`).
 */
import { join } from 'node:path';
import { ProblemError, problem } from '../core/problem.js';
import type { Partnership } from '../partnership/index.js';
import { importFeeds } from '../record/import/feeds.js';
import { isCurrent } from '../access/record-access.js';
import { tieNhsNumber } from '../identity/person-accounts.js';
import { relationshipsWith } from '../record/relationships.js';
import { searchParameters, type Resource } from '../record/index.js';
import { recordInteractions } from '../record/interactions.js';
import { CARER_PLAN_SYSTEM } from '../access/carer-plans-access.js';
import type { Database } from '../store/database.js';
import { DEMO_INDEX_PLACE } from './demo-identity.js';

/** How many people's records the demo holds. */
export const DEMO_RECORD_PEOPLE = 250;

const PRACTICE_CODE = /^[A-Z][0-9]{5}$/;
const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
/** The demo's member of the public (access/demo-users.ts). */
export const DEMO_PATIENT = 'demo.patient';

export async function ensureDemoRecord(
  db: Database,
  populationDir: string,
  partnership: Partnership,
  log: (line: string) => void,
): Promise<void> {
  const trust = partnership.organisations.find(
    (o) => o.type === 'acute-trust' && o.to === undefined && (o.places ?? []).includes(DEMO_INDEX_PLACE),
  );
  if (trust === undefined) {
    log(`demo: no acute trust serves ${DEMO_INDEX_PLACE}; the shared care record is left empty`);
    return;
  }
  const [held] = await db.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM record_resource) AS any');
  if (held?.any === true) {
    log('demo: shared care record kept from an earlier start');
    await ensureDemoPatient(db, trust.id, log);
    await ensureDemoCarerPlans(db, trust.id, log);
    return;
  }
  // People the trust and a practice both hold, in the order of the trust's own ids for them — not of person ids, which
  // are random — so every first start of the same population samples the same people.
  const rows = await db.query<{ organisation: string; local_id: string }>(
    `WITH people AS (
       SELECT t.person_id FROM identity_record t
        WHERE t.organisation = $1
          AND EXISTS (SELECT 1 FROM identity_record p WHERE p.person_id = t.person_id AND p.organisation ~ $2)
        GROUP BY t.person_id ORDER BY min(t.local_id) LIMIT $3)
     SELECT r.organisation, r.local_id FROM identity_record r JOIN people USING (person_id)`,
    [trust.id, PRACTICE_CODE.source, DEMO_RECORD_PEOPLE],
  );
  const wanted = new Set(rows.map((row) => `${row.organisation}\u0000${row.local_id}`));
  const organisations = new Set(rows.map((row) => row.organisation));
  const started = performance.now();
  const imported = await importFeeds(db, searchParameters(), join(populationDir, 'feeds'), {
    writerId: 'accord demo',
    organisations,
    patients: (organisation, patientId) => wanted.has(`${organisation}\u0000${patientId}`),
  });
  if (!imported.ok) throw new ProblemError(problem('configuration', imported.error));
  const report = imported.value;
  log(
    `demo: shared care record of ${DEMO_RECORD_PEOPLE} people known to ${trust.id} and a practice — ` +
      `${report.counts.created.toLocaleString('en-GB')} resources from ${report.organisations.length} organisations ` +
      `in ${((performance.now() - started) / 1000).toFixed(1)} s (${report.skipped} feed lines reported and skipped)`,
  );
  await ensureDemoPatient(db, trust.id, log);
  await ensureDemoCarerPlans(db, trust.id, log);
}

/**
 * Ties the demo's member of the public (`demo.patient`) to the NHS number of one of the sample's people — the first,
 * in a stable order, whom a GP practice registers and with whom the trust has no current relationship, so that the
 * demo clinician must use emergency access to see their record — and names the account after them: signing in as
 * them shows who has looked at their record, that emergency access among them. Idempotent.
 */
export async function ensureDemoPatient(
  db: Database,
  trust: string,
  log: (line: string) => void,
): Promise<void> {
  const [user] = await db.query<{ id: string; nhs_number: string | null }>(
    `SELECT u.id, a.nhs_number FROM app_user u LEFT JOIN person_account a ON a.user_id = u.id
      WHERE u.username = $1 AND u.active`,
    [DEMO_PATIENT],
  );
  if (user === undefined || user.nhs_number !== null) return;
  const candidates = await db.query<{ nhs_number: string; content: Resource; person_id: string }>(
    `SELECT t.code AS nhs_number, r.content, i.person_id FROM record_resource r
       JOIN record_search_token t ON t.resource_type = r.resource_type AND t.id = r.id
       JOIN identity_record i ON i.organisation = r.source_organisation AND i.local_id = r.source_id
      WHERE r.resource_type = 'Patient' AND NOT r.deleted AND r.source_organisation ~ $1
        AND t.param = 'identifier' AND t.system = $2
      ORDER BY r.id LIMIT 100`,
    [PRACTICE_CODE.source, NHS_NUMBER_SYSTEM],
  );
  // Preferably someone who can be a carer in the demo (ensureDemoCarerPlans): their practice also registers someone
  // the trust cares for. Otherwise the first without a relationship.
  const isRelated = relatedToTrust(db, trust);
  const sample = await practicePatients(db);
  let chosen: (typeof candidates)[number] | undefined;
  let fallback: (typeof candidates)[number] | undefined;
  for (const candidate of candidates) {
    if (await isRelated(candidate.person_id)) continue;
    fallback ??= candidate;
    const asCarer = sample.filter((patient) => patient.person_id === candidate.person_id);
    if ((await caredForBeside(sample, asCarer, isRelated, new Set())) !== undefined) {
      chosen = candidate;
      break;
    }
  }
  chosen ??= fallback;
  if (chosen === undefined) return;
  const tied = await tieNhsNumber(db, user.id, chosen.nhs_number, 'demo', new Date());
  if (!tied.ok) throw new ProblemError(tied.error);
  const name = displayName(chosen.content);
  if (name !== undefined) {
    await db.query('UPDATE app_user SET display_name = $2 WHERE id = $1', [user.id, name]);
  }
  log(`demo: ${DEMO_PATIENT} is ${name ?? 'a sample person'}, who can see who has looked at their record`);
}

/** "Given Family" from a Patient's first name, as an account's display name. */
function displayName(patient: Resource): string | undefined {
  const [name] = (patient as { name?: { given?: string[]; family?: string }[] }).name ?? [];
  const text = [...(name?.given ?? []), name?.family ?? ''].join(' ').trim();
  return text === '' ? undefined : text.slice(0, 200);
}

/** How many of the sample's people get a carer with plans. */
export const DEMO_CARED_FOR = 3;
/** The demo's writer, as for the imported feeds. */
const DEMO_WRITER = 'accord demo';
/** Fictional numbers: Ofcom's ranges for drama (01632 960xxx, 07700 900xxx). */
const COUNCIL_CARER_LINE = '01632 960142';

interface SamplePatient {
  readonly id: string;
  readonly organisation: string;
  readonly content: Resource;
  readonly person_id: string;
}

interface Names {
  readonly given: string;
  readonly full: string;
  readonly family: string;
}

/** The sample's active Patients at GP practices, with their persons, in a stable order (practice, then id). */
const practicePatients = (db: Database): Promise<SamplePatient[]> =>
  db.query<SamplePatient>(
    `SELECT r.id, r.source_organisation AS organisation, r.content, i.person_id::text AS person_id
       FROM record_resource r
       JOIN identity_record i ON i.organisation = r.source_organisation AND i.local_id = r.source_id
      WHERE r.resource_type = 'Patient' AND NOT r.deleted AND r.source_organisation ~ $1
        AND r.content->>'active' IS DISTINCT FROM 'false' AND r.content->>'deceasedDateTime' IS NULL
      ORDER BY r.source_organisation, r.id`,
    [PRACTICE_CODE.source],
  );

/** Whether the trust has a current relationship with a person (remembered). */
function relatedToTrust(db: Database, trust: string): (personId: string) => Promise<boolean> {
  const known = new Map<string, boolean>();
  return async (personId) => {
    let related = known.get(personId);
    if (related === undefined) {
      const today = new Date().toISOString();
      related = (await relationshipsWith(db, personId, trust)).some((r) => isCurrent(r, today));
      known.set(personId, related);
    }
    return related;
  };
}

/**
 * Someone the trust cares for who is registered at the same practice as one of the carer's Patients (so the
 * practice holds both, and its plans may reference both), not among `used`: the first in the sample's order.
 */
async function caredForBeside(
  sample: readonly SamplePatient[],
  asCarer: readonly SamplePatient[],
  isRelated: (personId: string) => Promise<boolean>,
  used: ReadonlySet<string>,
): Promise<{ carer: SamplePatient; caredFor: SamplePatient } | undefined> {
  for (const carer of asCarer) {
    for (const candidate of sample) {
      if (candidate.organisation !== carer.organisation || candidate.person_id === carer.person_id) continue;
      if (used.has(candidate.person_id) || used.has(carer.person_id)) continue;
      if (await isRelated(candidate.person_id)) return { carer, caredFor: candidate };
    }
  }
  return undefined;
}

function namesOf(patient: Resource): Names {
  const [name] = (patient as { name?: { given?: string[]; family?: string }[] }).name ?? [];
  const given = name?.given?.[0] ?? 'the carer';
  const family = name?.family ?? '';
  return { given, family, full: [given, family].join(' ').trim() };
}

/**
 * A carer for a few of the sample's people (docs/record.md, "Carers' plans"): for each, another person of the sample
 * registered at the same GP practice, and — written as that practice, through the record's write interactions — a
 * RelatedPerson saying who the carer is, the carer's support plan and the carer's contingency plan, both about the
 * carer and naming the person cared for. The people cared for are the first, in a stable order (practice, then the
 * record's id), with whom the demo trust has a current relationship, so the demo clinician sees the plans at once.
 * The first carer is the demo's member of the public (`demo.patient`) when their practice has such a person: signing
 * in as them shows the clinician's look at their plans in "who has looked at my record". Written once: a later start
 * that finds any carer's plan keeps them.
 */
export async function ensureDemoCarerPlans(
  db: Database,
  trust: string,
  log: (line: string) => void,
): Promise<void> {
  const [held] = await db.query<{ any: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM record_search_token
                     WHERE resource_type = 'CarePlan' AND param = 'category' AND system = $1) AS any`,
    [CARER_PLAN_SYSTEM],
  );
  if (held?.any === true) {
    log('demo: carers’ plans kept from an earlier start (open /record as demo.clinician for an example)');
    return;
  }
  const sample = await practicePatients(db);
  const [demoPatient] = await db.query<{ person_id: string }>(
    `SELECT i.person_id::text AS person_id FROM app_user u
       JOIN person_account a ON a.user_id = u.id
       JOIN record_search_token t ON t.resource_type = 'Patient' AND t.param = 'identifier' AND t.system = $2
                                 AND t.code = a.nhs_number
       JOIN record_resource r ON r.resource_type = 'Patient' AND r.id = t.id
       JOIN identity_record i ON i.organisation = r.source_organisation AND i.local_id = r.source_id
      WHERE u.username = $1
      ORDER BY r.id LIMIT 1`,
    [DEMO_PATIENT, NHS_NUMBER_SYSTEM],
  );
  const isRelated = relatedToTrust(db, trust);
  const used = new Set<string>();
  const pairs: { carer: SamplePatient; caredFor: SamplePatient }[] = [];
  const pair = async (asCarer: readonly SamplePatient[]) => {
    const found = await caredForBeside(sample, asCarer, isRelated, used);
    if (found === undefined) return;
    used.add(found.carer.person_id);
    used.add(found.caredFor.person_id);
    pairs.push(found);
  };
  if (demoPatient !== undefined) await pair(sample.filter((p) => p.person_id === demoPatient.person_id));
  for (const carer of sample) {
    if (pairs.length >= DEMO_CARED_FOR) break;
    // A carer the trust does not know, so their own record is not what the clinician opens.
    if (used.has(carer.person_id) || (await isRelated(carer.person_id))) continue;
    await pair([carer]);
  }
  if (pairs.length === 0) {
    log('demo: no practice holds two of the sample’s people; no carers’ plans written');
    return;
  }
  const interactions = recordInteractions(db, searchParameters());
  const day = new Date().toISOString().slice(0, 10);
  for (const { carer, caredFor } of pairs) {
    const writer = { id: DEMO_WRITER, organisation: carer.organisation };
    for (const resource of carerResources(carer, caredFor, day)) {
      const written = await interactions.create(writer, String(resource['resourceType']), resource);
      if (!written.ok)
        throw new ProblemError(problem('configuration', `demo carer: ${written.error.message}`));
    }
  }
  const first = pairs[0];
  const carerIsDemoPatient = first !== undefined && first.carer.person_id === demoPatient?.person_id;
  log(
    `demo: carers’ plans for ${pairs.length} people the trust cares for — sign in as demo.clinician and open ` +
      `${first === undefined ? 'one' : namesOf(first.caredFor.content).full} from the examples on /record` +
      (carerIsDemoPatient ? `; their carer is ${DEMO_PATIENT}` : ''),
  );
}

/** The RelatedPerson and the two plans of one carer, as their practice would write them (realistic, fictional). */
function carerResources(
  carer: SamplePatient,
  caredFor: SamplePatient,
  day: string,
): Record<string, unknown>[] {
  const c = namesOf(carer.content);
  const p = namesOf(caredFor.content);
  const backup = `Ann ${c.family}`.trim();
  const subject = { reference: `Patient/${carer.id}`, display: c.full };
  const supportingInfo = [{ reference: `Patient/${caredFor.id}`, display: 'The person cared for' }];
  const category = (code: string, display: string) => [
    { coding: [{ system: CARER_PLAN_SYSTEM, code, display }], text: display },
  ];
  const activity = (description: string, status = 'in-progress') => ({ detail: { status, description } });
  return [
    {
      resourceType: 'RelatedPerson',
      active: true,
      patient: { reference: `Patient/${caredFor.id}` },
      relationship: [
        {
          coding: [{ system: 'http://snomed.info/sct', code: '407542009', display: 'Informal caregiver' }],
          text: 'Unpaid carer',
        },
      ],
      name: [{ given: [c.given], family: c.family }],
      period: { start: day },
    },
    {
      resourceType: 'CarePlan',
      status: 'active',
      intent: 'plan',
      category: category('carer-support-plan', 'Carer’s support plan'),
      title: `Support for ${c.full} as a carer`,
      description:
        `Agreed after ${c.given}’s carer’s assessment (Care Act 2014, section 10). ${c.given} looks after ` +
        `${p.given} every day and has had little sleep; ${c.given} wants to keep caring and to keep a part-time job.`,
      subject,
      supportingInfo,
      period: { start: day },
      created: day,
      activity: [
        activity('Two nights of respite care a month, arranged by the council'),
        activity('A carers’ group on Thursday mornings, with transport', 'scheduled'),
        activity('A carer’s break payment for a short holiday this year', 'not-started'),
        activity('This plan reviewed in 12 months, or sooner if things change', 'not-started'),
      ],
    },
    {
      resourceType: 'CarePlan',
      status: 'active',
      intent: 'plan',
      category: category('carer-contingency-plan', 'Carer’s contingency plan'),
      title: `Contingency plan: if ${c.full} cannot care`,
      description:
        `If ${c.given} is suddenly unable to care — taken ill, admitted to hospital or held up — call ${backup}, the ` +
        `named backup carer, on 07700 900417 first. If ${backup} cannot be reached, call the council’s emergency ` +
        `carer support line on ${COUNCIL_CARER_LINE} (24 hours). ${p.given} must not be left alone overnight.`,
      subject,
      supportingInfo,
      period: { start: day },
      created: day,
      activity: [
        activity(`${backup} steps in the same day and stays until ${c.given} is home`, 'not-started'),
        activity(
          `Every day ${p.given} needs help to wash and dress, meals made, and tablets from the blister pack ` +
            'at 8am and 6pm',
          'not-started',
        ),
        activity('A spare key is in the key safe by the front door; the code is held by the council line'),
        activity(
          `If no one can step in, the council arranges emergency home care or a short stay for ${p.given}`,
          'not-started',
        ),
      ],
    },
  ];
}
