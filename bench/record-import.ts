/**
 * Benchmark: the shared care record's bulk import of partners' FHIR R4 NDJSON feeds (`accord record import`),
 * against issue 5's target of 10,000 resources/s with search indexing. Imports the feeds twice into a fresh store —
 * a first import (everything created) and the same feeds again (everything unchanged) — and prints resources read
 * per second for each. The identity index is not linked (that is `accord identity load`'s work, timed elsewhere).
 *
 *   node --import tsx bench/record-import.ts [--feeds <dir>] [--scale 0.0025] [--seed 1] [--data <dir>]
 *
 * Without --feeds, generates the population and its feeds with the project's generator (`accord generate --scale
 * 0.0025 --seed 1 --feeds`) into /tmp/accord-bench-record-feeds-<scale>-<seed>, reused when already there; this is
 * not timed. The store is a new embedded PostgreSQL in a temporary folder (removed after), or DATABASE_URL's database
 * when set (its record tables must be empty for the first import to mean anything). Prints the CPU time of this
 * process and of the embedded PostgreSQL beside the wall time: on a machine shared with other work the CPU times
 * are the steadier figures.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultPartnershipDir } from '../src/core/paths.js';
import { importFeeds } from '../src/record/import/feeds.js';
import { searchParameters } from '../src/record/index.js';
import { openStore } from '../src/store/index.js';
import { generatePopulation } from '../src/synthetic/generate.js';
import { writeFeeds } from '../src/synthetic/feeds/index.js';

const { values } = parseArgs({
  options: {
    feeds: { type: 'string' },
    scale: { type: 'string', default: '0.0025' },
    seed: { type: 'string', default: '1' },
    data: { type: 'string' },
  },
});

async function feedsDir(): Promise<string> {
  if (values.feeds !== undefined) return values.feeds;
  const out = join(tmpdir(), `accord-bench-record-feeds-${values.scale}-${values.seed}`);
  if (existsSync(join(out, 'feeds', 'manifest.json'))) return join(out, 'feeds');
  const seed = Number(values.seed);
  const generated = await generatePopulation({
    partnershipDir: defaultPartnershipDir,
    partnershipId: 'west-yorkshire-and-harrogate',
    scale: Number(values.scale),
    seed,
    outDir: out,
    force: true,
  });
  if (!generated.ok) throw new Error(generated.error.title);
  const feeds = await writeFeeds({ truthDir: out, outDir: out, seed, faults: undefined });
  if (!feeds.ok) throw new Error(feeds.error.title);
  return feeds.value.dir;
}

/**
 * CPU seconds the embedded PostgreSQL has used (its server process, the children it has reaped, and the live ones:
 * backends, WAL writer, checkpointer), from /proc: on a shared machine this says more than wall time does.
 * Undefined under DATABASE_URL or off Linux.
 */
function postgresCpuSeconds(dataDir: string): number | undefined {
  const pidFile = join(dataDir, 'pg', 'postmaster.pid');
  if (process.env['DATABASE_URL'] !== undefined || !existsSync(pidFile)) return undefined;
  const server = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const ticks = 100; // USER_HZ on Linux
  const fields = (pid: string): string[] | undefined => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    } catch {
      return undefined; // exited meanwhile
    }
  };
  let total = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    const f = fields(pid);
    if (f === undefined) continue;
    // After the command: state, ppid, …; utime, stime, cutime, cstime are fields 14-17 of stat.
    const [utime, stime, cutime, cstime] = [f[11], f[12], f[13], f[14]].map(Number);
    if (Number(pid) === server) total += (utime ?? 0) + (stime ?? 0) + (cutime ?? 0) + (cstime ?? 0);
    else if (Number(f[1]) === server) total += (utime ?? 0) + (stime ?? 0);
  }
  return total / ticks;
}

const dir = await feedsDir();
const dataDir = values.data ?? mkdtempSync(join(tmpdir(), 'accord-bench-record-'));
const store = await openStore({ dataDir, databaseUrl: process.env['DATABASE_URL'] });
const table = searchParameters();
try {
  for (const run of ['first import', 'again (unchanged)']) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const pgBefore = postgresCpuSeconds(dataDir);
    const imported = await importFeeds(store.db, table, dir, { writerId: 'bench/record-import' });
    const seconds = (performance.now() - started) / 1000;
    if (!imported.ok) throw new Error(imported.error);
    const { read, skipped, counts } = imported.value;
    const used = process.cpuUsage(cpu);
    const pgAfter = postgresCpuSeconds(dataDir);
    const pg =
      pgBefore === undefined || pgAfter === undefined
        ? ''
        : `, PostgreSQL CPU ${(pgAfter - pgBefore).toFixed(1)} s`;
    console.log(
      `${run.padEnd(18)} ${read.toLocaleString('en-GB')} resources in ${seconds.toFixed(1)} s: ` +
        `${Math.round(read / seconds).toLocaleString('en-GB')} resources/s ` +
        `(${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ${skipped} skipped; ` +
        `Node CPU ${((used.user + used.system) / 1e6).toFixed(1)} s${pg})`,
    );
  }
} finally {
  await store.close();
  if (values.data === undefined) rmSync(dataDir, { recursive: true, force: true });
}
