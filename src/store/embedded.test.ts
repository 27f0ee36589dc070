import { chmodSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProblemError } from '../core/problem.js';
import { createDatabase } from './database.js';
import { startEmbedded } from './embedded.js';
import { scratchFolders } from '../../test/support/scratch.js';

const newScratch = scratchFolders('accord-embedded-');
const scratch = () => join(newScratch(), 'data');

async function problemOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProblemError) return `${error.problem.title} ${error.problem.fix ?? ''}`;
    throw error;
  }
  throw new Error('expected a ProblemError');
}

describe('embedded PostgreSQL', () => {
  it('runs durably: fsync, synchronous commit and full-page writes on; reused across starts', async () => {
    const dataDir = scratch();
    const server = await startEmbedded({ dataDir, accordVersion: 'test' });
    const db = createDatabase(server.target);
    const settings = await db.query<{ name: string; setting: string }>(
      "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'data_checksums')",
    );
    expect(Object.fromEntries(settings.map((s) => [s.name, s.setting]))).toEqual({
      fsync: 'on',
      synchronous_commit: 'on',
      full_page_writes: 'on',
      data_checksums: 'on',
    });
    await db.query('CREATE TABLE kept (note text)');
    await db.query("INSERT INTO kept VALUES ('still here')");
    await db.close();
    await server.stop();

    const again = await startEmbedded({ dataDir, accordVersion: 'test' });
    const db2 = createDatabase(again.target);
    expect(await db2.query('SELECT note FROM kept')).toEqual([{ note: 'still here' }]);
    await db2.close();
    await again.stop();
  });

  it('refuses a data directory written by a newer Accord, and changes nothing in it', async () => {
    const dataDir = scratch();
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'accord.json'), JSON.stringify({ format: 99, createdBy: '9.0.0' }));
    const message = await problemOf(startEmbedded({ dataDir, accordVersion: 'test' }));
    expect(message).toMatch(/written by a newer Accord \(9\.0\.0, layout 99\).*Upgrade Accord/);
    expect(readdirSync(dataDir)).toEqual(['accord.json']);
  });

  it('refuses a damaged data directory with a message naming the fix', async () => {
    const dataDir = scratch();
    const server = await startEmbedded({ dataDir, accordVersion: 'test' });
    await server.stop();
    rmSync(join(dataDir, 'pg', 'PG_VERSION'));
    expect(await problemOf(startEmbedded({ dataDir, accordVersion: 'test' }))).toMatch(
      /damaged: pg\/PG_VERSION is missing.*ACCORD_DATA_DIR/,
    );
    rmSync(join(dataDir, 'pg'), { recursive: true });
    expect(await problemOf(startEmbedded({ dataDir, accordVersion: 'test' }))).toMatch(
      /damaged: its database folder/,
    );
    writeFileSync(join(dataDir, 'accord.json'), '{not json');
    expect(await problemOf(startEmbedded({ dataDir, accordVersion: 'test' }))).toMatch(
      /damaged: accord\.json/,
    );
  });

  it('refuses a cluster of a newer PostgreSQL major version', async () => {
    const dataDir = scratch();
    mkdirSync(join(dataDir, 'pg'), { recursive: true });
    writeFileSync(join(dataDir, 'pg', 'PG_VERSION'), '99\n');
    expect(await problemOf(startEmbedded({ dataDir, accordVersion: 'test' }))).toMatch(
      /PostgreSQL 99 database, newer/,
    );
  });

  it('refuses to share its data directory with another running Accord', async () => {
    const dataDir = scratch();
    mkdirSync(dataDir, { recursive: true });
    // PID 1 is always alive: stands in for another Accord process holding the directory.
    writeFileSync(join(dataDir, 'accord.pid'), '1\n');
    expect(await problemOf(startEmbedded({ dataDir, accordVersion: 'test' }))).toMatch(
      /Another Accord \(pid 1\)/,
    );
  });
});

describe('short commands beside a running Accord', () => {
  it('share the running server when asked, and leave it running when they finish', async () => {
    const dataDir = scratch();
    const server = await startEmbedded({ dataDir, accordVersion: 'test' });
    const db = createDatabase(server.target);
    await db.query('CREATE TABLE shared (n int)');
    // The test process stands in for the serving Accord; a short command comes from another process.
    writeFileSync(join(dataDir, 'accord.pid'), '1\n');
    const attached = await startEmbedded({ dataDir, accordVersion: 'test', attachIfRunning: true });
    const other = createDatabase(attached.target);
    await other.query('INSERT INTO shared VALUES (1)');
    await other.close();
    await attached.stop();
    expect(await db.query('SELECT n FROM shared')).toEqual([{ n: 1 }]);
    await db.close();
    await server.stop();
  });
});

describe('the socket folder', () => {
  it('is refused when someone else could reach it', async () => {
    const dataDir = scratch();
    const first = await startEmbedded({ dataDir, accordVersion: 'test' });
    const socketDir = String(first.target.config.host);
    await first.stop();
    // Another local user makes the folder first, open to all.
    mkdirSync(socketDir, { mode: 0o777 });
    chmodSync(socketDir, 0o777);
    expect(await problemOf(startEmbedded({ dataDir, accordVersion: 'test' }))).toMatch(
      /not private to Accord/,
    );
    rmSync(socketDir, { recursive: true, force: true });
  });
});
