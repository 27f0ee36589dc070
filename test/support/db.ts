/**
 * A fresh, migrated database for one test file, on the run's PostgreSQL (see test/global-setup.ts).
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { migrationsDir } from '../../src/core/paths.js';
import {
  createDatabase,
  migrate,
  readMigrations,
  type ConnectionTarget,
  type Database,
} from '../../src/store/index.js';
import { withClient } from '../../src/store/database.js';

export interface TestDatabase {
  readonly db: Database;
  readonly target: ConnectionTarget;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

export function adminTarget(): ConnectionTarget {
  return { config: inject('pgAdmin'), description: inject('pgDescription') };
}

/** Creates an empty database (no migrations applied). */
export async function createEmptyDatabase(): Promise<TestDatabase> {
  const admin = adminTarget();
  const name = `accord_test_${randomBytes(6).toString('hex')}`;
  await withClient(admin, (client) => client.query(`CREATE DATABASE ${name}`));
  const target: ConnectionTarget = {
    config: {
      ...admin.config,
      database: name,
      ...('connectionString' in admin.config
        ? { connectionString: withDatabase(admin.config.connectionString ?? '', name) }
        : {}),
    },
    description: `${admin.description}/${name}`,
  };
  const db = createDatabase(target, { max: 4 });
  return {
    db,
    target,
    async drop() {
      await db.close();
      await withClient(admin, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** Creates a database with every migration applied. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const test = await createEmptyDatabase();
  const report = await migrate(test.db, readMigrations(migrationsDir));
  if (!report.ok) throw new Error(report.error.title);
  return test;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A postgresql:// URL for a test database, as a user would put in DATABASE_URL. */
export function connectionUrl(target: ConnectionTarget): string {
  const config = target.config;
  if (config.connectionString !== undefined) return config.connectionString;
  const host = encodeURIComponent(String(config.host));
  return `postgresql://${String(config.user)}@${host}:${String(config.port)}/${String(config.database)}`;
}
