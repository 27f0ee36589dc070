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
import { searchParameters } from '../record/index.js';
import type { Database } from '../store/database.js';
import { DEMO_INDEX_PLACE } from './demo-identity.js';

/** How many people's records the demo holds. */
export const DEMO_RECORD_PEOPLE = 250;

const PRACTICE_CODE = /^[A-Z][0-9]{5}$/;

export async function ensureDemoRecord(
  db: Database,
  populationDir: string,
  partnership: Partnership,
  log: (line: string) => void,
): Promise<void> {
  const [held] = await db.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM record_resource) AS any');
  if (held?.any === true) {
    log('demo: shared care record kept from an earlier start');
    return;
  }
  const trust = partnership.organisations.find(
    (o) => o.type === 'acute-trust' && o.to === undefined && (o.places ?? []).includes(DEMO_INDEX_PLACE),
  );
  if (trust === undefined) {
    log(`demo: no acute trust serves ${DEMO_INDEX_PLACE}; the shared care record is left empty`);
    return;
  }
  // People the trust and a practice both hold, in a stable order: their records, every partner's, are the sample.
  const rows = await db.query<{ organisation: string; local_id: string }>(
    `WITH people AS (
       SELECT t.person_id FROM identity_record t
        WHERE t.organisation = $1
          AND EXISTS (SELECT 1 FROM identity_record p WHERE p.person_id = t.person_id AND p.organisation ~ $2)
        GROUP BY t.person_id ORDER BY t.person_id LIMIT $3)
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
}
