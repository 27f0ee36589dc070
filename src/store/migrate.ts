/**
 * @module store/migrate
 * One set of versioned SQL migrations (migrations/NNNN_name.sql) for the embedded server and production alike.
 * Each runs in its own transaction under an advisory lock, so two Accords starting together do not race; running
 * twice changes nothing; a database whose schema is newer than this code, or whose applied migrations were since
 * edited, is refused before anything is written.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { problem, type Problem } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import type { Database } from './database.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export interface MigrationReport {
  readonly applied: readonly number[];
  readonly current: number;
}

const LOCK_KEY = 7_201_716; // an arbitrary constant naming "Accord migrations" among advisory locks

export function readMigrations(dir: string): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
      if (match?.[1] === undefined || match[2] === undefined) {
        throw new Error(`Migration file ${file} is not named NNNN_name.sql`);
      }
      const sql = readFileSync(join(dir, file), 'utf8');
      return {
        version: Number(match[1]),
        name: match[2],
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `Migrations must be numbered 0001, 0002, … without gaps; found ${migration.version} at ${index + 1}`,
      );
    }
  });
  return migrations;
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/** Checks the applied migrations against the known ones without changing anything. */
export function compareSchema(
  known: readonly Migration[],
  applied: readonly AppliedRow[],
): Problem | undefined {
  const latest = known.at(-1)?.version ?? 0;
  const newest = applied.reduce((max, row) => Math.max(max, row.version), 0);
  if (newest > latest) {
    return problem(
      'configuration',
      `The database schema is at version ${newest}, newer than this Accord knows (up to ${latest}).`,
      'Upgrade Accord to the version that wrote this database, or point DATABASE_URL / ACCORD_DATA_DIR elsewhere.',
    );
  }
  for (const row of applied) {
    const migration = known.find((candidate) => candidate.version === row.version);
    if (migration !== undefined && migration.checksum !== row.checksum) {
      return problem(
        'configuration',
        `Migration ${String(row.version).padStart(4, '0')}_${row.name} was changed after it was applied to this database.`,
        'Never edit an applied migration: restore the original file and add a new migration for the change.',
      );
    }
  }
  return undefined;
}

export async function appliedMigrations(db: Database): Promise<AppliedRow[] | undefined> {
  const [exists] = await db.query<{ present: boolean }>(
    "SELECT to_regclass('public.schema_migrations') IS NOT NULL AS present",
  );
  if (exists?.present !== true) return undefined;
  return db.query<AppliedRow>('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
}

export async function migrate(
  db: Database,
  known: readonly Migration[],
): Promise<Result<MigrationReport, Problem>> {
  // CREATE TABLE IF NOT EXISTS is not safe against a concurrent twin: take the lock for it too.
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  });
  const applied: number[] = [];
  for (const migration of known) {
    // Each migration in its own transaction, under a transaction-scoped advisory lock: a second Accord starting at
    // the same moment waits, then sees the migration applied and skips it. A failing migration rolls back whole.
    const outcome = await db.transaction(async (tx): Promise<Problem | 'applied' | 'present'> => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      const rows = await tx.query<AppliedRow>('SELECT version, name, checksum FROM schema_migrations');
      const mismatch = compareSchema(known, rows);
      if (mismatch !== undefined) return mismatch;
      if (rows.some((row) => row.version === migration.version)) return 'present';
      await tx.query(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
      return 'applied';
    });
    if (typeof outcome === 'object') return err(outcome);
    if (outcome === 'applied') applied.push(migration.version);
  }
  return ok({ applied, current: known.at(-1)?.version ?? 0 });
}
