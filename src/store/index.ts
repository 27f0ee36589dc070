/**
 * @module store
 * Opens the operational store: an existing PostgreSQL through DATABASE_URL, or the embedded server in the data
 * directory; then brings its schema up to date. Either way the rest of Accord sees one `Database`.
 */
import { problem, ProblemError } from '../core/problem.js';
import { migrationsDir, packageVersion } from '../core/paths.js';
import {
  createDatabase,
  redactConnectionString,
  withClient,
  type ConnectionTarget,
  type Database,
} from './database.js';
import { startEmbedded } from './embedded.js';
import { migrate, readMigrations, type MigrationReport } from './migrate.js';

export type { Database, Queryable, ConnectionTarget } from './database.js';
export { createDatabase } from './database.js';
export { inTransaction, withinTransaction } from './in-transaction.js';
export { prepared } from './prepared.js';
export { readMigrations, migrate, appliedMigrations, compareSchema, type Migration } from './migrate.js';
export { startEmbedded, type EmbeddedServer } from './embedded.js';
export { resetDataDir } from './data-dir.js';

export interface Store {
  readonly db: Database;
  readonly migrations: MigrationReport;
  /** Closes the pool and, for the embedded server, shuts it down cleanly. */
  close(): Promise<void>;
}

export interface StoreOptions {
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly log?: (message: string) => void;
  /** For short commands: share the embedded server of an Accord already serving from the data directory. */
  readonly attachIfRunning?: boolean;
}

/** Turns the driver's connection failures into a message that names the problem and the fix. */
function explainConnectionFailure(error: unknown, description: string): ProblemError {
  const code = (error as { code?: string }).code ?? '';
  const detail = error instanceof Error ? error.message : String(error);
  const reasons: Record<string, string> = {
    ENOTFOUND: 'the host name does not resolve',
    EAI_AGAIN: 'the host name does not resolve',
    ECONNREFUSED: 'nothing is listening at that host and port',
    ETIMEDOUT: 'the server did not answer in time',
    '28P01': 'the password was rejected',
    '28000': 'the server refused this user',
    '3D000': 'the database does not exist',
  };
  return new ProblemError(
    problem(
      'configuration',
      `Cannot connect to the PostgreSQL server in DATABASE_URL (${description}): ${reasons[code] ?? detail}.`,
      'Check DATABASE_URL (user, password, host, port, database name) and that the server is running; unset it to use the embedded server.',
    ),
  );
}

export async function openStore(options: StoreOptions): Promise<Store> {
  const log = options.log ?? (() => undefined);
  let target: ConnectionTarget;
  let stopServer: () => Promise<void> = () => Promise.resolve();
  if (options.databaseUrl !== undefined) {
    target = {
      config: { connectionString: options.databaseUrl },
      description: redactConnectionString(options.databaseUrl),
    };
    try {
      await withClient(target, (client) => client.query('SELECT 1'));
    } catch (error) {
      throw explainConnectionFailure(error, target.description);
    }
  } else {
    const server = await startEmbedded({
      dataDir: options.dataDir,
      accordVersion: packageVersion,
      ...(options.attachIfRunning === true ? { attachIfRunning: true } : {}),
    });
    target = server.target;
    stopServer = () => server.stop();
  }

  const db = createDatabase(target);
  try {
    const report = await migrate(db, readMigrations(migrationsDir));
    if (!report.ok) throw new ProblemError(report.error);
    if (report.value.applied.length > 0) {
      log(`migrated ${db.description} to schema version ${report.value.current}`);
    }
    return {
      db,
      migrations: report.value,
      async close() {
        await db.close();
        await stopServer();
      },
    };
  } catch (error) {
    await db.close().catch(() => undefined);
    await stopServer().catch(() => undefined);
    throw error;
  }
}
