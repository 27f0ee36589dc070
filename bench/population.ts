/**
 * Benchmark: the pseudonymised analytic store and the indicators (issue 6). On a generated population with feeds:
 *
 * 1. **Ingest**: the feeds into a new analytic store (first build), then again unchanged (incremental), reporting
 *    resources per second of the ingest itself, and the link and derive steps apart (target ≥ 200,000 resources/s).
 * 2. **Indicators**: the whole catalogue computed on the store, cold then warm: SQL time and statistics time
 *    (target at scale 1.0: ≤ 5 s warm for ≥ 30 indicators).
 * 3. **Engine against hand-written SQL**, side by side in the same run: for three indicators of different shapes
 *    (a prevalence, an event rate, a "latest status" proportion), the engine's SQL and the fastest SQL we could
 *    write by hand for the same cube, each run five times, best taken; the cubes are checked to be identical and
 *    the ratio engine ÷ hand is printed (aim ≤ 1.0).
 *
 * The master patient index is stood in for by the feeds' ground truth (each Patient's true person): the link step
 * of a real build reads the index from PostgreSQL instead, timed by `accord population build`.
 *
 *   node --import tsx bench/population.ts --population <dir with persons-*.parquet and feeds/> [--threads 2]
 *
 * Generate one with `accord generate --scale 0.05 --seed 1 --out <dir> --feeds`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultPartnershipDir, packageRoot } from '../src/core/paths.js';
import { parsePseudonymKey } from '../src/identity/pseudonym.js';
import { loadCatalogue } from '../src/population/indicators/catalogue.js';
import { computeCatalogue } from '../src/population/indicators/run.js';
import { cellsOfRows, cubeSql, type CubeRow } from '../src/population/indicators/sql-engine.js';
import { AnalyticStore } from '../src/population/store/analytic-store.js';
import { buildAnalyticStore, type BuildInputs } from '../src/population/store/build.js';
import { loadCalibration } from '../src/synthetic/calibration.js';
import { writePostcodeLookup } from '../src/synthetic/postcode-lookup.js';
import { HAND_WRITTEN } from './population-hand-sql.js';

const { values } = parseArgs({
  options: {
    population: { type: 'string' },
    threads: { type: 'string', default: '2' },
    'compare-only': { type: 'boolean', default: false },
  },
});
if (values.population === undefined) throw new Error('give --population <dir> (accord generate … --feeds)');
const dir = values.population;
const work = mkdtempSync(join(tmpdir(), 'accord-bench-population-'));
const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');
const seconds = (ms: number) => (ms / 1000).toFixed(2);

try {
  const key = parsePseudonymKey('5e'.repeat(32));
  if (!key.ok) throw new Error(key.error);
  const calibration = loadCalibration(join(defaultPartnershipDir, 'calibration'));
  if (!calibration.ok) throw new Error('calibration');
  const postcodes = join(work, 'postcodes.csv');
  await writePostcodeLookup(dir, postcodes);
  const records = readFileSync(join(dir, 'feeds', 'ground-truth.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','))
    .filter((row) => row[1] === 'Patient')
    .map((row) => ({ organisation: row[0] ?? '', localId: row[2] ?? '', personId: row[3] ?? '' }));
  const inputs: BuildInputs = {
    feedsDir: join(dir, 'feeds'),
    postcodeLookup: postcodes,
    lsoas: calibration.value.lsoas,
    records: (after, limit) =>
      Promise.resolve({
        records: records.slice(after, after + limit),
        next: after + limit < records.length ? after + limit : undefined,
      }),
    optedOut: [],
  };
  const opened = await AnalyticStore.open(join(work, 'population.duckdb'), key.value.id, {
    threads: Number(values.threads),
  });
  if (!opened.ok) throw new Error(opened.error);
  const store = opened.value;
  console.log(`population ${dir}; DuckDB threads ${values.threads}`);
  for (const run of ['first build', 'unchanged feeds']) {
    const started = performance.now();
    const built = await buildAnalyticStore(store, key.value, inputs);
    if (!built.ok) throw new Error(built.error);
    const r = built.value;
    const t = r.timings;
    console.log(
      `${run}: ${fmt(r.ingest.resourcesRead)} resources read in ${seconds(t.ingest)} s ` +
        `(${fmt(r.ingest.resourcesRead / (t.ingest / 1000))} resources/s), link ${seconds(t.link)} s, derive ` +
        `${seconds(t.derive)} s, whole build ${seconds(performance.now() - started)} s; ${fmt(r.persons)} persons, ` +
        `${fmt(r.events)} events`,
    );
  }

  const catalogue = loadCatalogue(join(packageRoot, 'indicators'));
  if (!catalogue.ok) throw new Error('catalogue');
  for (const run of values['compare-only'] ? [] : ['cold', 'warm']) {
    let sql = 0;
    let statistics = 0;
    const started = performance.now();
    // As the build runs them: one demography table for the catalogue, made inside the whole time printed.
    for (const result of await computeCatalogue(store, catalogue.value)) {
      sql += result.timings.sql;
      statistics += result.timings.statistics;
    }
    console.log(
      `indicators (${run}): ${catalogue.value.indicators.length} in ${seconds(performance.now() - started)} s — ` +
        `SQL ${seconds(sql)} s, statistics ${seconds(statistics)} s`,
    );
  }

  // The engine's statement alone, making its own demography (bench/indicator-engines.ts times it on a shared one).
  console.log('engine against hand-written SQL (best of 5 each, same cube checked):');
  for (const [id, hand] of Object.entries(HAND_WRITTEN)) {
    const indicator = catalogue.value.indicators.find((i) => i.id === id);
    if (indicator === undefined) throw new Error(id);
    const engineSql = cubeSql(indicator, catalogue.value.codeLists);
    const best = async (sql: string) => {
      let fastest = Infinity;
      let rows: (CubeRow & Record<string, unknown>)[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        rows = await store.rows<CubeRow & Record<string, unknown>>(sql);
        fastest = Math.min(fastest, performance.now() - t);
      }
      return { fastest, cells: cellsOfRows(rows) };
    };
    const engine = await best(engineSql);
    const handed = await best(hand);
    const same = JSON.stringify(engine.cells) === JSON.stringify(handed.cells);
    console.log(
      `  ${id}: engine ${engine.fastest.toFixed(0)} ms, hand ${handed.fastest.toFixed(0)} ms, ratio ` +
        `${(engine.fastest / handed.fastest).toFixed(2)}; cubes ${same ? 'identical' : 'DIFFER'} ` +
        `(${fmt(engine.cells.length)} cells)`,
    );
  }
  store.close();
} finally {
  rmSync(work, { recursive: true, force: true });
}
