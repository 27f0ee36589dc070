/**
 * @module cli/demo-record
 * The demo's shared care record: on the first start, after the identity index, the records of a sample of the
 * demo place's people — those whom both the place's acute trust and a GP practice know — are imported from their
 * partners' feeds, so the demo clinician (who works at that trust) can find people and open joined-up records, some
 * through an open episode of care and some only by breaking the glass. A sample, not everyone: importing a place's
 * whole record would take minutes on a small machine (docs/record.md). Kept for later starts.
 */
import { join } from 'node:path';
import { ProblemError, problem } from '../core/problem.js';
import type { Partnership } from '../partnership/index.js';
import { importFeeds } from '../record/import/feeds.js';
import { isCurrent } from '../access/record-access.js';
import { tieNhsNumber } from '../identity/person-accounts.js';
import { relationshipsWith } from '../record/relationships.js';
import { searchParameters, type Resource } from '../record/index.js';
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
  const today = new Date().toISOString();
  let chosen: (typeof candidates)[number] | undefined;
  for (const candidate of candidates) {
    const relationships = await relationshipsWith(db, candidate.person_id, trust);
    if (!relationships.some((relationship) => isCurrent(relationship, today))) {
      chosen = candidate;
      break;
    }
  }
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
