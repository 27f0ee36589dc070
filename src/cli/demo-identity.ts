/**
 * @module cli/demo-identity
 * The demo's master patient index: on the first start, the demo population's partner feeds are written (FHIR NDJSON
 * with planted faults) and every partner's Patients are loaded into the index (about 150,000 records at the demo's
 * scale, in under a minute), so a registration officer has persons, histories and a review queue to look at, and
 * the analytic store can key every partner's events by person. Kept for later starts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ProblemError, problem } from '../core/problem.js';
import { readFeedPatients } from '../identity/feed-patients.js';
import { loadInitialRecords } from '../identity/index/bulk-load.js';
import type { Database } from '../store/database.js';
import { writeFeeds } from '../synthetic/feeds/index.js';
import { DEMO_SEED } from './demo-population.js';

/** The demo's own place (its users and shared care record sample): Calderdale, with its own acute trust and council. */
export const DEMO_INDEX_PLACE = 'calderdale';

export async function ensureDemoIndex(
  db: Database,
  populationDir: string,
  log: (line: string) => void,
): Promise<void> {
  const [held] = await db.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM identity_record) AS any');
  if (held?.any === true) {
    log('demo: master patient index kept from an earlier start');
    return;
  }
  const feedsDir = join(populationDir, 'feeds');
  if (!existsSync(join(feedsDir, 'manifest.json'))) {
    log(`demo: writing the partners' feeds of the synthetic population into ${feedsDir} — first start only`);
    const feeds = await writeFeeds({ truthDir: populationDir, outDir: populationDir, seed: DEMO_SEED });
    if (!feeds.ok) throw new ProblemError(feeds.error);
  }
  const now = new Date();
  const read = await readFeedPatients(feedsDir, now);
  if (!read.ok) throw new ProblemError(problem('configuration', read.error));
  const loaded = await loadInitialRecords(db, read.value.records, now);
  if (!loaded.ok) throw new ProblemError(loaded.error);
  const r = loaded.value;
  log(
    `demo: master patient index of the partnership — ${r.records.toLocaleString('en-GB')} records from ` +
      `${read.value.organisations.length} organisations as ${r.persons.toLocaleString('en-GB')} persons, ` +
      `${r.reviews} pairs for review (${read.value.issues.length} feed lines reported and left out or trimmed)`,
  );
}
