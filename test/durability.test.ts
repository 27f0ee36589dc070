/**
 * Killing Accord with SIGKILL in the middle of writes loses no committed transaction: neither when only Accord dies
 * (its PostgreSQL is orphaned and must be shut down cleanly at the next start) nor when the database server is killed
 * too (PostgreSQL must replay its write-ahead log). The test waits on counts, never on time.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../src/core/paths.js';
import { openStore } from '../src/store/index.js';
import { scratchFolders } from './support/scratch.js';

const newScratch = scratchFolders('accord-crash-');
interface Run {
  readonly committed: Set<number>;
  readonly writerPid: number;
}

/** Starts the writer, waits until `atLeast` rows are reported committed, then kills it with SIGKILL. */
async function writeThenKill(dataDir: string, atLeast: number, alsoKillPostgres: boolean): Promise<Run> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(packageRoot, 'test', 'fixtures', 'crash-writer.ts'), dataDir],
    {
      cwd: packageRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const committed = new Set<number>();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`writer exited early with code ${String(code)}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^committed (\d+)$/.exec(line);
      if (match?.[1] === undefined) return;
      committed.add(Number(match[1]));
      if (committed.size === atLeast) resolve();
    });
  });
  const postgresPid = Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  child.kill('SIGKILL');
  if (alsoKillPostgres) process.kill(postgresPid, 'SIGKILL');
  await exited;
  // Lines already in the pipe when the writer died still count: they were printed after their COMMIT.
  return { committed, writerPid: child.pid ?? 0 };
}

async function storedIds(dataDir: string): Promise<Set<number>> {
  const store = await openStore({ dataDir, databaseUrl: undefined });
  try {
    const rows = await store.db.query<{ id: string }>('SELECT id FROM durability_probe');
    return new Set(rows.map((row) => Number(row.id)));
  } finally {
    await store.close();
  }
}

describe('durability of the embedded store', () => {
  it('keeps every committed row when Accord is killed with SIGKILL mid-write', async () => {
    const dataDir = join(newScratch(), 'data');
    const run = await writeThenKill(dataDir, 300, false);
    const stored = await storedIds(dataDir);
    const lost = [...run.committed].filter((id) => !stored.has(id));
    expect(lost).toEqual([]);
    expect(stored.size).toBeGreaterThanOrEqual(300);
  });

  it('keeps every committed row when Accord and its PostgreSQL are both killed with SIGKILL mid-write', async () => {
    const dataDir = join(newScratch(), 'data');
    const run = await writeThenKill(dataDir, 300, true);
    const stored = await storedIds(dataDir);
    const lost = [...run.committed].filter((id) => !stored.has(id));
    expect(lost).toEqual([]);
    // And the store keeps working after recovery: a second crash and recovery on the same directory.
    const second = await writeThenKill(dataDir, 300, true);
    const after = await storedIds(dataDir);
    expect([...second.committed].filter((id) => !after.has(id))).toEqual([]);
  });
});
