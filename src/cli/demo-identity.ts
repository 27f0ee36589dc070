/**
 * @module cli/demo-identity
 * The demo's master patient index: on the first start, the demo population's partner feeds are written (FHIR NDJSON
 * with planted faults) and the Patients of one place's partners — its GP practices and the organisations serving its
 * district — are loaded into the index, so a registration officer has persons, histories and a review queue to
 * look at. One place, not all six, keeps the first start within a minute on a small machine. Kept for later starts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ProblemError, problem } from '../core/problem.js';
import { readFeedPatients } from '../identity/feed-patients.js';
import { loadInitialRecords } from '../identity/index/bulk-load.js';
import type { Database } from '../store/database.js';
import { loadCalibration } from '../synthetic/index.js';
import { writeFeeds } from '../synthetic/feeds/index.js';
import { loadProviders } from '../synthetic/life-course/providers.js';
import { DEMO_SEED } from './demo-population.js';

/** Calderdale: a place with its own acute trust and council, and twenty practices. */
export const DEMO_INDEX_PLACE = 'calderdale';

/** The organisations whose records the demo index holds: the place's practices and its district's providers. */
export function demoIndexOrganisations(partnershipDir: string): Set<string> {
  const calibrationDir = join(partnershipDir, 'calibration');
  const calibration = loadCalibration(calibrationDir);
  const providers = loadProviders(calibrationDir);
  if (!calibration.ok || !providers.ok) {
    throw new ProblemError(
      problem('configuration', `The calibration tables in ${calibrationDir} do not load.`),
    );
  }
  const practices = calibration.value.practices.filter((p) => p.place === DEMO_INDEX_PLACE);
  const districts = new Set(practices.map((p) => p.lad19));
  return new Set([
    ...practices.map((p) => p.practice),
    ...providers.value.filter((row) => districts.has(row.lad19)).map((row) => row.organisation),
  ]);
}

export async function ensureDemoIndex(
  db: Database,
  populationDir: string,
  partnershipDir: string,
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
  const read = await readFeedPatients(feedsDir, now, demoIndexOrganisations(partnershipDir));
  if (!read.ok) throw new ProblemError(problem('configuration', read.error));
  const loaded = await loadInitialRecords(db, read.value.records, now);
  if (!loaded.ok) throw new ProblemError(loaded.error);
  const r = loaded.value;
  log(
    `demo: master patient index of ${DEMO_INDEX_PLACE}'s partners — ${r.records.toLocaleString('en-GB')} records from ` +
      `${read.value.organisations.length} organisations as ${r.persons.toLocaleString('en-GB')} persons, ` +
      `${r.reviews} pairs for review (${read.value.issues.length} feed lines reported and left out or trimmed)`,
  );
}
