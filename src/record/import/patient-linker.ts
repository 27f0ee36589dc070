/**
 * @module record/import/patient-linker
 * Joins the Patients an import writes to their persons in the identity index, as each batch commits: shared by
 * `accord record import` and the FHIR API's `$import`, so a Patient arriving either way is linked the same way.
 */
import { incomingOfPatient } from '../../identity/feed-patients.js';
import { addRecord, indexProvider } from '../../identity/index/index.js';
import type { Database } from '../../store/index.js';
import type { WrittenPatient } from './bulk-write.js';

export interface PatientLinker {
  /** For an import's `onPatients`: links the batch's Patients that the index does not hold yet. */
  readonly link: (organisation: string, patients: readonly WrittenPatient[]) => Promise<void>;
  /** How many Patients have been linked so far. */
  readonly linked: () => number;
}

/**
 * Links the batch's Patients that the identity index does not hold yet (a Patient already there — the demo loads
 * the index first, with `accord identity load` — is left as it is; changed demographics are re-matched through
 * POST /api/identity/records, which opens reviews rather than moving records). Without a linkage model the
 * Patients wait, unlinked, and `warn` is told once.
 */
export function patientLinker(db: Database, now: () => Date, warn: (message: string) => void): PatientLinker {
  const index = indexProvider(db, now);
  let warned = false;
  let linked = 0;
  const link = async (organisation: string, patients: readonly WrittenPatient[]) => {
    const known = await db.query<{ local_id: string }>(
      `SELECT local_id FROM identity_record WHERE organisation = $1 AND local_id = ANY($2::text[])`,
      [organisation, patients.map((patient) => patient.sourceId)],
    );
    const held = new Set(known.map((row) => row.local_id));
    const missing = patients.filter((patient) => !held.has(patient.sourceId));
    if (missing.length === 0) return;
    const provided = await index();
    if (!provided.ok) {
      if (!warned)
        warn(`Patients not linked to persons: ${provided.error.title} ${provided.error.fix ?? ''}`);
      warned = true;
      return;
    }
    for (const patient of missing) {
      const incoming = incomingOfPatient({ ...patient.resource, id: patient.sourceId }, organisation, now());
      if (!incoming.ok) continue;
      await addRecord(provided.value, incoming.value.record);
      linked++;
    }
  };
  return { link, linked: () => linked };
}
