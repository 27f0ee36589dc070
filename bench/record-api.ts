/**
 * Benchmark: the shared care record's FHIR R4 API over a real socket, access checks and audit on. Partners' feeds
 * are loaded into a fresh store (the code of `accord identity load` and `accord record import`), `accord serve` is
 * started in its own process on 127.0.0.1, and a closed-loop generator (undici, `--concurrency` connections) drives
 * each scenario in turn, after a warm-up:
 *
 * - read: GET /fhir/{type}/{id}, random ids of the calling partner system's own organisation;
 * - search: Observation?patient=&code=system|code, Patient?identifier=nhs-number|N, Encounter?patient=&date=ge…;
 * - everything: GET /fhir/Patient/{id}/$everything as a clinician of the GP practice the person is registered with.
 *
 * Printed per scenario: requests a second, p50/p95/p99 latency, errors (any answer but 200), the generator's own
 * CPU (the server, PostgreSQL and the generator share the machine), and the CPU time per request of the server and
 * of its embedded PostgreSQL — steadier than requests a second on a machine shared with other work. The store's
 * size is printed first.
 *
 * Usage:
 *   node --import tsx bench/record-api.ts [--scale 0.0025] [--feeds <dir>] [--work <dir>] [--reuse]
 *     [--database-url <url>] [--concurrency 16] [--seconds 15] [--warmup 3] [--scenarios read,search,everything]
 *     [--organisations 4] [--per-organisation 2000] [--cpu-prof <dir>]
 *
 * `--organisations`: how many partner systems read and search (those that sent the most) and how many GP practices'
 * clinicians ask for `$everything`; `--per-organisation`: the distinct requests drawn for each. `--cpu-prof <dir>`
 * runs the server under `node --cpu-prof`, its profile written there when it stops.
 *
 * The size is `--scale`: without `--feeds`, the feeds of `accord generate --scale S --seed 1 --feeds` are written
 * under `--work` (default /tmp/accord-record-api) on first use. The embedded store is kept at <work>/store-<scale>;
 * a second run with `--reuse` serves it again without loading (without it, an existing store is refused). With
 * `--database-url` the database must be empty, or `--reuse` given.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { main as accord } from '../src/cli/main.js';
import { openStore } from '../src/store/index.js';
import {
  buildWorkload,
  hasStore,
  loadFeeds,
  stageFeeds,
  storeSize,
  type ScenarioName,
} from './load/fixture.js';
import { treeCpu } from './load/cpu.js';
import { runLoad, type LoadResult } from './load/generator.js';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '0.0025' },
    feeds: { type: 'string' },
    work: { type: 'string', default: '/tmp/accord-record-api' },
    reuse: { type: 'boolean', default: false },
    'database-url': { type: 'string' },
    concurrency: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    scenarios: { type: 'string', default: 'read,search,everything' },
    'per-organisation': { type: 'string', default: '2000' },
    organisations: { type: 'string', default: '4' },
    'cpu-prof': { type: 'string' },
  },
});

const log = (line: string) => process.stdout.write(`${line}\n`);
const count = (n: number) => Math.round(n).toLocaleString('en-GB');
const scale = values.scale;
const work = values.work;
const databaseUrl = values['database-url'];
const scenarios = values.scenarios.split(',').map((s) => s.trim()) as ScenarioName[];
for (const scenario of scenarios) {
  if (!['read', 'search', 'everything'].includes(scenario)) throw new Error(`unknown scenario ${scenario}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

// 1. The feeds.
mkdirSync(work, { recursive: true });
let feeds = values.feeds;
if (feeds === undefined) {
  const out = join(work, `generated-${scale}`);
  if (!existsSync(join(out, 'feeds', 'manifest.json'))) {
    log(`generating the feeds of scale ${scale} into ${out}`);
    const code = await accord([
      'generate',
      '--scale',
      scale,
      '--seed',
      '1',
      '--feeds',
      '--out',
      out,
      '--force',
    ]);
    if (code !== 0) throw new Error('accord generate failed');
  }
  feeds = join(out, 'feeds');
}

// 2. The store: loaded fresh, or reused.
const dataDir = join(work, `store-${scale}`);
const storeOptions = { dataDir, databaseUrl };
const loadedBefore = databaseUrl === undefined && hasStore(dataDir);
if (loadedBefore && !values.reuse) {
  throw new Error(`${dataDir} holds a store already: give --reuse to serve it again, or remove it`);
}
const store = await openStore(storeOptions);
const [held] = await store.db.query<{ n: string }>('SELECT count(*) AS n FROM record_resource');
if (Number(held?.n ?? 0) > 0 && !values.reuse) {
  await store.close();
  throw new Error('the database holds record resources already: give --reuse, or an empty database');
}
if (Number(held?.n ?? 0) === 0) {
  const staged = stageFeeds(feeds, join(work, `staged-${scale}`));
  log(`loading ${feeds} into ${store.db.description}`);
  const started = performance.now();
  await loadFeeds(store.db, staged, (line) => log(`  ${line}`));
  log(`loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await store.db.query('ANALYZE');
}
const size = await storeSize(store.db);
log(
  `store: ${count(size.resources)} resources from ${count(size.organisations)} organisations, ` +
    `${(size.databaseBytes / 2 ** 20).toFixed(0)} MiB (${Object.entries(size.byType)
      .map(([type, n]) => `${type} ${count(n)}`)
      .join(', ')})`,
);
const workload = await buildWorkload(store.db, {
  organisations: Number(values.organisations),
  perOrganisation: Number(values['per-organisation']),
  seed: 1,
});
log(
  `requests: ${scenarios.map((s) => `${s} ${count(workload.calls[s].length)}`).join(', ')} ` +
    `(systems of ${workload.organisations.join(', ')})`,
);
// The embedded PostgreSQL belongs to one process at a time: the server's, from here.
await store.close();

// 3. The server, `accord serve`, in its own process.
const port = await freePort();
const nodeArgs = ['--import', 'tsx'];
if (values['cpu-prof'] !== undefined) nodeArgs.push('--cpu-prof', '--cpu-prof-dir', values['cpu-prof']);
const server = spawn(process.execPath, [...nodeArgs, join(import.meta.dirname, 'load', 'serve.ts')], {
  env: {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    ACCORD_LOG_LEVEL: 'warn',
    ...(databaseUrl === undefined ? { ACCORD_DATA_DIR: dataDir } : { DATABASE_URL: databaseUrl }),
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve, reject) => {
  let seen = '';
  server.stdout.on('data', (chunk: Buffer) => {
    seen += chunk.toString();
    if (seen.includes('accord: serving')) resolve();
  });
  server.once('exit', (code) => reject(new Error(`accord serve exited (${code}) before serving:\n${seen}`)));
});
server.stdout.resume();
const origin = `http://127.0.0.1:${port}`;
// Just after listening the server indexes the FHIR definitions, holding its event loop for seconds: wait until
// /health answers promptly three times running, so no scenario's figures include that.
for (let prompt = 0, tries = 0; prompt < 3 && tries < 300; tries++) {
  const started = performance.now();
  await fetch(`${origin}/health`).then((response) => response.arrayBuffer());
  prompt = performance.now() - started < 20 ? prompt + 1 : 0;
  await new Promise((done) => setTimeout(done, 100));
}
const serverPid = server.pid;

// 4. The scenarios, one after the other.
const concurrency = Number(values.concurrency);
const results: [ScenarioName, LoadResult][] = [];
try {
  for (const scenario of scenarios) {
    const result = await runLoad({
      origin,
      calls: workload.calls[scenario],
      concurrency,
      warmupSeconds: Number(values.warmup),
      seconds: Number(values.seconds),
      ...(serverPid === undefined ? {} : { serverCpu: () => treeCpu(serverPid) }),
    });
    results.push([scenario, result]);
    const statuses = Object.entries(result.statuses)
      .map(([status, n]) => `${status}: ${n}`)
      .join(', ');
    log(
      `${scenario.padEnd(10)} ${result.perSecond.toFixed(0).padStart(6)} req/s  p50 ${result.p50.toFixed(1)} ms  ` +
        `p95 ${result.p95.toFixed(1)} ms  p99 ${result.p99.toFixed(1)} ms  max ${result.max.toFixed(1)} ms  ` +
        `errors ${result.errors} (${statuses})  ${(result.bytes / result.requests / 1024).toFixed(1)} KiB/answer  ` +
        `generator CPU ${(result.generatorCpu * 100).toFixed(0)}%  CPU per request: server ` +
        `${result.serverMsPerRequest?.toFixed(2) ?? '?'} ms` +
        (databaseUrl === undefined
          ? `, PostgreSQL ${result.childrenMsPerRequest?.toFixed(2) ?? '?'} ms`
          : ''),
    );
  }
} finally {
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  await exited;
}
log(
  `concurrency ${concurrency}, ${values.seconds} s each after ${values.warmup} s warm-up; ${describeStore()}`,
);

function describeStore(): string {
  return databaseUrl === undefined ? `embedded PostgreSQL in ${dataDir}` : 'PostgreSQL at --database-url';
}
