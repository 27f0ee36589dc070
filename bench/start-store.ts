/**
 * Benchmark: how long Accord takes to get its store ready — start the embedded PostgreSQL on an existing data
 * directory, check and apply migrations, load the West Yorkshire and Harrogate partnership (unchanged: nothing
 * written), then shut down cleanly. Compared (see bench/run.sh) with bare PostgreSQL started and stopped by pg_ctl on
 * a data directory of the same binaries, which is the floor Accord's own work sits on.
 *
 * Usage: node --import tsx bench/start-store.ts <dataDir>
 */
import { defaultPartnershipDir } from '../src/core/paths.js';
import { loadPartnership, syncPartnership } from '../src/partnership/index.js';
import { openStore } from '../src/store/index.js';

const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error('usage: start-store.ts <dataDir>');
const started = performance.now();
const loaded = loadPartnership(defaultPartnershipDir);
if (!loaded.ok) throw new Error('the default partnership does not load');
const store = await openStore({ dataDir, databaseUrl: undefined });
const report = await syncPartnership(store.db, loaded.value, defaultPartnershipDir);
await store.close();
process.stdout.write(
  `ready and stopped in ${(performance.now() - started).toFixed(0)} ms (load: ${report.added} added, ${report.unchanged} unchanged)\n`,
);
