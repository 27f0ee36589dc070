/**
 * @module cli/serve
 * The main job, composed: open the store (embedded or DATABASE_URL) and migrate it, load the partnership files
 * into it, build the server and listen; on SIGINT/SIGTERM close the server, then the store, in that order.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { DEMO_PASSWORD, disableDemoUsers, seedDemoUsers } from '../access/index.js';
import { ensureDemoGovernance } from './demo-governance.js';
import { seedDemoPeerReviews } from './demo-peer-review.js';
import { seedDemoMilestones } from './demo-outcomes.js';
import { ensureDemoTransformation } from './demo-transformation.js';
import { ensureDemoBudget, ensureDemoPool } from './demo-budget.js';
import type { Config } from '../core/config.js';
import { migrationsDir } from '../core/paths.js';
import { problem, ProblemError } from '../core/problem.js';
import { loadPartnership, syncPartnership, type SyncReport } from '../partnership/index.js';
import { appliedMigrations, compareSchema, openStore, readMigrations, type Store } from '../store/index.js';
import { loadDefinitions } from '../record/validation/index.js';
import { importJobs } from '../record/import/jobs.js';
import { searchParameters } from '../record/index.js';
import { buildServer } from '../web/server.js';
import { DEMO_INDEX_PLACE, ensureDemoIndex } from './demo-identity.js';
import { ensureDemoRecord } from './demo-record.js';
import { ensureDemoAnalytics } from './demo-analytics.js';
import { loadDemoWorkforceReturns } from '../workforce/index.js';
import { loadResults, type PopulationResults } from '../population/indicators/results-file.js';
import { analyticsDir, pseudonymKeyFile } from './commands/population.js';
import { riskScoresFile } from './population-results.js';
import { readPseudonymKey } from '../identity/pseudonym.js';
import type { RiskScores } from '../record/case-finding.js';
import { ensureDemoPopulation } from './demo-population.js';
import { placeMapAtStart } from './place-map.js';

export interface Running {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly url: string;
  readonly partnership: SyncReport;
  stop(): Promise<void>;
}

export interface ServeOptions {
  readonly config: Config;
  /** Steps only the demo takes (seed demo users, generate the synthetic population on first start). */
  readonly demo: boolean;
  /** Skip the demo's synthetic population (tests of the server that do not need it). Default: generate it. */
  readonly demoPopulation?: boolean;
  readonly log: (message: string) => void;
}

/** Checks the partnership files before the store is touched, so a bad file changes nothing stored. */
function loadFilesOrThrow(dir: string) {
  const loaded = loadPartnership(dir);
  if (!loaded.ok) {
    throw new ProblemError(
      problem(
        'bad-input',
        `The partnership files in ${dir} have ${loaded.error.length} problem(s).`,
        'Fix them (run `accord partnership validate <dir>` to list them again) and start Accord again.',
        loaded.error,
      ),
    );
  }
  return loaded.value;
}

/** A listening problem as a message naming the fix; undefined for errors that are not about the address. */
function listenProblem(error: unknown, host: string, port: number): ProblemError | undefined {
  switch ((error as { code?: string }).code ?? '') {
    case 'EADDRINUSE':
      return new ProblemError(
        problem(
          'configuration',
          `Port ${port} on ${host} is already in use.`,
          'Stop whatever is using it, or set PORT to another port (e.g. PORT=3001 npm start).',
        ),
      );
    case 'EACCES':
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ProblemError(
        problem(
          'configuration',
          `Cannot listen on ${host}:${port}.`,
          'Set HOST to an address of this machine (127.0.0.1, or 0.0.0.0 for all) and PORT to a port above 1023.',
        ),
      );
    default:
      return undefined;
  }
}

/**
 * Checks the address can be listened on before anything is stored: a port in use must change no stored data.
 * (Another program could still take the port in the moment between this check and the real listen; that rare case
 * is reported the same way, after the store was opened.)
 */
async function checkCanListen(host: string, port: number): Promise<void> {
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ host, port, exclusive: true }, resolve);
    });
  } catch (error) {
    throw listenProblem(error, host, port) ?? error;
  } finally {
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  }
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export async function startAccord(options: ServeOptions): Promise<Running> {
  const { config, log } = options;
  const files = loadFilesOrThrow(config.partnershipDir);
  // Before the store too: a bad boundary file stops the start having changed nothing.
  const placeMap = placeMapAtStart(config, files.partnership.places, log);
  if (config.port !== 0) await checkCanListen(config.host, config.port);
  if (config.publicUrl.protocol === 'http:' && !LOOPBACK.has(config.publicUrl.hostname)) {
    log(
      `warning: sign-in cookies are Secure, so browsers send them only over https or to localhost; ` +
        `${config.publicUrl.origin} is neither. Serve over https and set ACCORD_PUBLIC_URL=https://….`,
    );
  }
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, log });
  try {
    log(`store: ${store.db.description}, schema version ${store.migrations.current}`);
    const report = await syncPartnership(store.db, files, config.partnershipDir);
    log(
      report.loadId === undefined
        ? `partnership ${report.partnershipId}: unchanged`
        : `partnership ${report.partnershipId}: load ${report.loadId} (${report.added} added, ${report.changed} changed, ${report.removed} removed)`,
    );
    // The computed indicators: built by the demo, or by `accord population build` (kept beside the store).
    let populationResults: PopulationResults | undefined;
    if (!options.demo) {
      // A store first used for the demo must not keep working demo accounts when served for real.
      const disabled = await disableDemoUsers(store.db);
      if (disabled > 0) log(`disabled ${disabled} demo user(s): this is not a demo`);
    } else {
      // The demo's records come from one place (demo-identity.ts), so its staff work for that place's partners.
      const demoUsers = await seedDemoUsers(store.db, files.partnership, DEMO_INDEX_PLACE);
      log(
        `demo: ${demoUsers.length} demo users (${demoUsers.map((u) => u.username).join(', ')}), password '${DEMO_PASSWORD}'`,
      );
      await ensureDemoGovernance(store.db, files.partnership, DEMO_INDEX_PLACE, new Date(), log);
      const peerReviews = await seedDemoPeerReviews(store.db, files.partnership, demoUsers, () => new Date());
      log(
        peerReviews === 0
          ? 'demo: peer reviews kept from an earlier start'
          : `demo: ${peerReviews} peer reviews`,
      );
      const milestones = await seedDemoMilestones(store.db, files.partnership, () => new Date());
      log(
        milestones.skipped === undefined
          ? `demo: milestones — ${milestones.verifiedOnTime.length} verified on time, ${milestones.verifiedLate.length} verified late, ${milestones.awaitingVerification.length} awaiting verification`
          : `demo: milestone progress kept (${milestones.skipped})`,
      );
      await ensureDemoTransformation(store.db, files.partnership, new Date(), log);
      await ensureDemoBudget(store.db, files.partnership, new Date(), log);
      await ensureDemoPool(store.db, files.partnership, new Date(), log);
      const workforce = await loadDemoWorkforceReturns(store.db, files.partnership, { now: new Date() });
      if (!workforce.ok) throw new ProblemError(workforce.error);
      log(
        workforce.value === 0
          ? 'demo: workforce returns kept from an earlier start'
          : `demo: ${workforce.value} synthetic workforce returns`,
      );
      if (options.demoPopulation !== false) {
        const population = await ensureDemoPopulation(
          config.dataDir,
          config.partnershipDir,
          report.partnershipId,
          log,
        );
        log(
          `demo: synthetic population of ${population.residents.toLocaleString('en-GB')} residents in ${population.dir}` +
            (population.generated ? '' : ' (kept from an earlier start)'),
        );
        await ensureDemoIndex(store.db, population.dir, log);
        await ensureDemoRecord(store.db, population.dir, files.partnership, log);
        populationResults = await ensureDemoAnalytics(store.db, config, population.dir, log);
      }
    }
    if (populationResults === undefined) {
      const kept = loadResults(analyticsDir(config));
      if (kept.ok) populationResults = kept.value;
      else log(kept.error);
    }
    const known = readMigrations(migrationsDir);
    const app = await buildServer({
      db: store.db,
      config,
      partnershipId: report.partnershipId,
      population: populationResults,
      placeMap,
      riskScores: caseFindingScores(config, log),
      // The FHIR $import's jobs; the server resumes any left queued or running when it starts.
      imports: importJobs(store.db, {
        root: config.importDir ?? join(config.dataDir, 'imports'),
        table: searchParameters(),
        log,
      }),
      schemaCurrent: async () => {
        const applied = await appliedMigrations(store.db);
        return (
          applied !== undefined &&
          compareSchema(known, applied) === undefined &&
          applied.length === known.length
        );
      },
    });
    try {
      await app.listen({ host: config.host, port: config.port });
    } catch (error) {
      await app.close();
      throw listenProblem(error, config.host, config.port) ?? error;
    }
    // The FHIR definitions take two or three seconds to index; load them now rather than in the first write's time.
    setImmediate(() => {
      loadDefinitions();
    });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    const url = `http://${config.host === '0.0.0.0' || config.host === '127.0.0.1' ? 'localhost' : config.host}:${port}`;
    return {
      app,
      store,
      url,
      partnership: report,
      async stop() {
        try {
          await app.close();
        } finally {
          await store.close();
        }
      },
    };
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}

/**
 * The pseudonym key and the risk scores file, for care teams' case-finding lists: only where a build has made the
 * key. A key file that cannot be used is said, and the lists are off (the rest of Accord does not need it).
 */
function caseFindingScores(config: Config, log: (line: string) => void): RiskScores | undefined {
  const file = pseudonymKeyFile(config);
  if (!existsSync(file)) return undefined;
  const key = readPseudonymKey(file);
  if (!key.ok) {
    log(`case-finding lists are off: ${key.error}`);
    return undefined;
  }
  return { key: key.value, file: riskScoresFile(analyticsDir(config)) };
}
