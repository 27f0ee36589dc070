/**
 * @module cli/commands/record
 * `accord record import`: partners' FHIR feeds into the shared care record, each new Patient also joined to its
 * person in the identity index. Thin: the work is in src/record and src/identity.
 */
import { formatIssue } from '../../core/problem.js';
import { incomingOfPatient } from '../../identity/feed-patients.js';
import { addRecord, indexProvider } from '../../identity/index/index.js';
import type { WrittenPatient } from '../../record/import/bulk-write.js';
import { importFeeds } from '../../record/import/feeds.js';
import { searchParameters } from '../../record/index.js';
import type { Database } from '../../store/database.js';
import { organisationList, type Output } from './identity.js';

const SHOWN_ISSUES = 20;
const count = (n: number) => n.toLocaleString('en-GB');

/**
 * Links the batch's Patients that the identity index does not hold yet (a Patient already there — the demo loads
 * the index first, with `accord identity load` — is left as it is; changed demographics are re-matched through
 * POST /api/identity/records, which opens reviews rather than moving records).
 */
function patientLinker(db: Database, now: () => Date, io: Output) {
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
        io.fail(`Patients not linked to persons: ${provided.error.title} ${provided.error.fix ?? ''}`);
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

export async function recordImport(
  db: Database,
  feedsDir: string,
  organisationsText: string | undefined,
  io: Output,
  now: () => Date = () => new Date(),
): Promise<number> {
  const organisations = organisationList(organisationsText);
  const started = performance.now();
  const linker = patientLinker(db, now, io);
  const imported = await importFeeds(db, searchParameters(), feedsDir, {
    writerId: 'accord record import',
    ...(organisations === undefined ? {} : { organisations }),
    onPatients: linker.link,
    now,
  });
  if (!imported.ok) {
    io.fail(`accord record import: ${imported.error}`);
    return 1;
  }
  const report = imported.value;
  for (const issue of report.issues.slice(0, SHOWN_ISSUES)) io.fail(formatIssue(issue));
  if (report.skipped > SHOWN_ISSUES) io.fail(`… and ${count(report.skipped - SHOWN_ISSUES)} more`);
  const seconds = (performance.now() - started) / 1000;
  const { created, updated, unchanged } = report.counts;
  io.out(
    `read ${count(report.read)} resources from ${count(report.organisations.length)} organisations in ` +
      `${seconds.toFixed(1)} s: ${count(created)} created, ${count(updated)} updated, ${count(unchanged)} unchanged, ` +
      `${count(report.skipped)} skipped; ${count(linker.linked())} new Patients linked to persons`,
  );
  return report.skipped > 0 ? 1 : 0;
}
