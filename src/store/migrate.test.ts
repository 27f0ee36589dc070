import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmptyDatabase, type TestDatabase } from '../../test/support/db.js';
import { appliedMigrations, migrate, readMigrations } from './migrate.js';
import { migrationsDir } from '../core/paths.js';

function migrationsFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'accord-migrations-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

describe('migrate', () => {
  let test: TestDatabase | undefined;
  afterEach(async () => {
    await test?.drop();
    test = undefined;
  });

  it("applies Accord's migrations, and a second run changes nothing", async () => {
    test = await createEmptyDatabase();
    const known = readMigrations(migrationsDir);
    const first = await migrate(test.db, known);
    expect(first).toEqual({
      ok: true,
      value: { applied: known.map((m) => m.version), current: known.length },
    });
    const second = await migrate(test.db, known);
    expect(second).toEqual({ ok: true, value: { applied: [], current: known.length } });
    expect((await appliedMigrations(test.db))?.map((row) => row.version)).toEqual(
      known.map((m) => m.version),
    );
  });

  it('rolls back a failing migration whole and keeps the ones before it', async () => {
    test = await createEmptyDatabase();
    const dir = migrationsFolder({
      '0001_one.sql': 'CREATE TABLE one (id int);',
      '0002_two.sql': 'CREATE TABLE two (id int); SELECT no_such_function();',
    });
    await expect(migrate(test.db, readMigrations(dir))).rejects.toThrow(/no_such_function/);
    expect((await appliedMigrations(test.db))?.map((row) => row.version)).toEqual([1]);
    const tables = await test.db.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('one', 'two')",
    );
    expect(tables.map((t) => t.name)).toEqual(['one']);
  });

  it('refuses a database whose schema is newer than the code, writing nothing', async () => {
    test = await createEmptyDatabase();
    const newer = migrationsFolder({
      '0001_one.sql': 'CREATE TABLE one (id int);',
      '0002_two.sql': 'CREATE TABLE two (id int);',
    });
    await migrate(test.db, readMigrations(newer));
    const older = migrationsFolder({ '0001_one.sql': 'CREATE TABLE one (id int);' });
    const result = await migrate(test.db, readMigrations(older));
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error.title).toMatch(/schema is at version 2, newer than this Accord knows \(up to 1\)/);
  });

  it('refuses when an applied migration was edited afterwards', async () => {
    test = await createEmptyDatabase();
    await migrate(
      test.db,
      readMigrations(migrationsFolder({ '0001_one.sql': 'CREATE TABLE one (id int);' })),
    );
    const edited = migrationsFolder({ '0001_one.sql': 'CREATE TABLE one (id bigint);' });
    const result = await migrate(test.db, readMigrations(edited));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.title).toMatch(/0001_one was changed after it was applied/);
  });

  it('lets two Accords migrate the same database at once without error or double application', async () => {
    test = await createEmptyDatabase();
    const known = readMigrations(migrationsDir);
    const [a, b] = await Promise.all([migrate(test.db, known), migrate(test.db, known)]);
    expect(a.ok && b.ok).toBe(true);
    const appliedByEither = [...(a.ok ? a.value.applied : []), ...(b.ok ? b.value.applied : [])].sort(
      (x, y) => x - y,
    );
    expect(appliedByEither).toEqual(known.map((m) => m.version));
  });

  it('rejects misnamed or gapped migration files', () => {
    expect(() => readMigrations(migrationsFolder({ '1_bad.sql': '' }))).toThrow(/NNNN_name\.sql/);
    expect(() => readMigrations(migrationsFolder({ '0001_a.sql': '', '0003_c.sql': '' }))).toThrow(
      /without gaps/,
    );
  });
});
