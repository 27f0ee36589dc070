/**
 * @module cli/commands/record
 * `accord record import`: partners' FHIR feeds into the shared care record, each new Patient also joined to its
 * person in the identity index. Thin: the work is in src/record and src/identity.
 */
import { formatIssue } from '../../core/problem.js';
import { importFeeds } from '../../record/import/feeds.js';
import { patientLinker } from '../../record/import/patient-linker.js';
import { searchParameters } from '../../record/index.js';
import type { Database } from '../../store/database.js';
import { organisationList, type Output } from './identity.js';

const SHOWN_ISSUES = 20;
const count = (n: number) => n.toLocaleString('en-GB');

export async function recordImport(
  db: Database,
  feedsDir: string,
  organisationsText: string | undefined,
  io: Output,
  now: () => Date = () => new Date(),
): Promise<number> {
  const organisations = organisationList(organisationsText);
  const started = performance.now();
  const linker = patientLinker(db, now, io.fail);
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
