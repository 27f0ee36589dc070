/**
 * @module cli/demo-analytics
 * The demo's population health intelligence: on the first start, a pseudonymisation key only Accord's user can
 * read, the synthetic population's postcode lookup and a National Data Opt-out list (one person in twenty), the
 * analytic store built from every partner's feeds through the master patient index, and the indicators computed on it (kept in indicators.json). Later starts keep them; run
 * `accord population build` to bring them up to date.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../core/config.js';
import { problem, ProblemError } from '../core/problem.js';
import { createPseudonymKeyFile, readPseudonymKey } from '../identity/pseudonym.js';
import { loadResults, type PopulationResults } from '../population/indicators/results-file.js';
import type { Database } from '../store/database.js';
import { writeOptOutList, writePostcodeLookup } from '../synthetic/postcode-lookup.js';
import { computeCatalogue } from '../population/indicators/run.js';
import { saveBuildResults } from './population-results.js';
import {
  analyticsDir,
  buildPopulation,
  describeBuild,
  indicatorCatalogue,
  pseudonymKeyFile,
} from './commands/population.js';

export async function ensureDemoAnalytics(
  db: Database,
  config: Config,
  populationDir: string,
  log: (line: string) => void,
): Promise<PopulationResults | undefined> {
  const kept = loadResults(analyticsDir(config));
  if (kept.ok && kept.value !== undefined) {
    log(`demo: ${kept.value.results.length} indicators kept from ${kept.value.computedAt}`);
    return kept.value;
  }
  const catalogue = indicatorCatalogue();
  if (!catalogue.ok) throw new ProblemError(problem('configuration', catalogue.error));
  const keyFile = pseudonymKeyFile(config);
  const key = existsSync(keyFile) ? readPseudonymKey(keyFile) : createPseudonymKeyFile(keyFile);
  if (!key.ok) throw new ProblemError(problem('configuration', key.error));
  const postcodes = join(populationDir, 'postcode-lsoa.csv');
  if (!existsSync(postcodes)) await writePostcodeLookup(populationDir, postcodes);
  const optOuts = join(populationDir, 'national-data-opt-outs.txt');
  if (!existsSync(optOuts)) await writeOptOutList(populationDir, optOuts);
  const started = performance.now();
  const built = await buildPopulation(
    db,
    config,
    key.value,
    { feedsDir: join(populationDir, 'feeds'), postcodes, optOutsFile: optOuts },
    { out: log, fail: log },
  );
  if (!built.ok)
    throw new ProblemError(problem('configuration', `The demo's analytic store: ${built.error}`));
  const { store, report } = built.value;
  try {
    log(`demo: ${describeBuild(report, (performance.now() - started) / 1000)}`);
    const computing = performance.now();
    const computed = await computeCatalogue(store, catalogue.value);
    const saved = await saveBuildResults(
      store,
      { analyticsDir: analyticsDir(config), partnershipDir: config.partnershipDir },
      catalogue.value,
      computed,
      (line) => log(`demo: ${line}`),
    );
    if (!saved.ok) throw new ProblemError(problem('configuration', saved.error));
    log(
      `demo: ${computed.length} indicators computed in ${((performance.now() - computing) / 1000).toFixed(1)} s`,
    );
  } finally {
    store.close();
  }
  const saved = loadResults(analyticsDir(config));
  return saved.ok ? saved.value : undefined;
}
