/**
 * @module store/data-dir
 * The embedded store's data directory as a thing on disk: what is in it, who holds it, whether it may be used.
 *
 *   <dataDir>/pg/            the PostgreSQL cluster
 *   <dataDir>/accord.json    the layout version and the Accord that created it
 *   <dataDir>/accord.pid     the Accord using it now (a lock, taken atomically)
 *   <dataDir>/postgres.log   the server's own log
 *
 * A directory of a newer layout or a newer PostgreSQL, a damaged one, or one held by another Accord is refused with a
 * message naming the fix, and nothing in it is changed.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { platform, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { problem, ProblemError, type Problem } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';

/** Layout version of the data directory itself (not the schema): bump when the folder's shape changes. */
export const DATA_DIR_FORMAT = 1;

/** What Accord itself puts in a data directory: all that `reset` may delete. */
// `synthetic` holds the demo's generated population (cli/demo-population.ts).
const OWN_ENTRIES = ['pg', 'pg.initialising', 'accord.json', 'accord.pid', 'postgres.log', 'synthetic'];

interface Marker {
  readonly format: number;
  readonly createdBy: string;
}

export interface ServerUser {
  readonly uid: number;
  readonly gid: number;
}

const restoreOrMove =
  'Restore the directory from a backup, or point ACCORD_DATA_DIR at a new folder to start afresh.';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readMarker(dataDir: string): Marker | undefined {
  const file = join(dataDir, 'accord.json');
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Marker>;
    if (typeof parsed.format !== 'number') throw new Error('no format');
    return { format: parsed.format, createdBy: String(parsed.createdBy) };
  } catch {
    throw new ProblemError(
      problem(
        'configuration',
        `The data directory ${dataDir} is damaged: accord.json cannot be read.`,
        restoreOrMove,
      ),
    );
  }
}

export function writeMarkerIfMissing(dataDir: string, accordVersion: string): void {
  if (readMarker(dataDir) !== undefined) return;
  writeFileSync(
    join(dataDir, 'accord.json'),
    JSON.stringify({ format: DATA_DIR_FORMAT, createdBy: accordVersion }, null, 2) + '\n',
  );
}

/** Checks the data directory before anything is written to it. Throws a ProblemError naming the fix. */
export function inspectDataDir(dataDir: string, serverMajor: number): 'new' | 'existing' {
  const marker = readMarker(dataDir);
  const pgdata = join(dataDir, 'pg');
  if (marker !== undefined && marker.format > DATA_DIR_FORMAT) {
    throw new ProblemError(
      problem(
        'configuration',
        `The data directory ${dataDir} was written by a newer Accord (${marker.createdBy}, layout ${marker.format}); this one understands layout ${DATA_DIR_FORMAT}.`,
        'Upgrade Accord, or point ACCORD_DATA_DIR at another folder.',
      ),
    );
  }
  if (!existsSync(pgdata)) {
    if (marker !== undefined) {
      throw new ProblemError(
        problem(
          'configuration',
          `The data directory ${dataDir} is damaged: its database folder (pg/) is missing.`,
          restoreOrMove,
        ),
      );
    }
    return 'new';
  }
  const versionFile = join(pgdata, 'PG_VERSION');
  if (!existsSync(versionFile)) {
    throw new ProblemError(
      problem(
        'configuration',
        `The data directory ${dataDir} is damaged: pg/PG_VERSION is missing, so this is not a PostgreSQL cluster.`,
        restoreOrMove,
      ),
    );
  }
  const clusterMajor = Number(readFileSync(versionFile, 'utf8').trim());
  if (clusterMajor > serverMajor) {
    throw new ProblemError(
      problem(
        'configuration',
        `The data directory ${dataDir} holds a PostgreSQL ${clusterMajor} database, newer than the embedded PostgreSQL ${serverMajor}.`,
        'Upgrade Accord, or point ACCORD_DATA_DIR at another folder.',
      ),
    );
  }
  if (clusterMajor !== serverMajor) {
    throw new ProblemError(
      problem(
        'configuration',
        `The data directory ${dataDir} holds a PostgreSQL ${clusterMajor} database; the embedded server is PostgreSQL ${serverMajor}.`,
        'Export it with the matching Accord (pg_dump) and import it here, or point ACCORD_DATA_DIR at a new folder.',
      ),
    );
  }
  return 'existing';
}

/** The Accord process that holds this data directory, if one is alive (not this process). */
export function lockHolder(dataDir: string): number | undefined {
  const lock = join(dataDir, 'accord.pid');
  if (!existsSync(lock)) return undefined;
  const pid = Number(readFileSync(lock, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid) ? pid : undefined;
}

/**
 * Takes the data directory for this process. The lock file is created exclusively, so of two Accords starting at the
 * same moment exactly one wins; a lock left by a process that has died is taken over.
 */
export function acquireLock(dataDir: string): { release(): void } {
  const lock = join(dataDir, 'accord.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
      return { release: () => rmSync(lock, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lock, 'utf8').trim());
      // This very process counts as a holder too: one process must not start two servers on one directory.
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new ProblemError(
          problem(
            'conflict',
            `Another Accord (pid ${holder}) is already using the data directory ${dataDir}.`,
            'Stop it first, or set ACCORD_DATA_DIR to another folder.',
          ),
        );
      }
      rmSync(lock, { force: true }); // left by a process that died
    }
  }
  throw new ProblemError(
    problem(
      'conflict',
      `Another Accord keeps taking the data directory ${dataDir}.`,
      'Stop the other Accord first.',
    ),
  );
}

/**
 * Empties an Accord data directory for `accord demo --reset`. Refuses a folder that is not one (no accord.json: it
 * might be anything, e.g. a home directory named by mistake) or that a running Accord holds; deletes only Accord's
 * own entries, never anything else a user put there.
 */
export function resetDataDir(dataDir: string): Result<void, Problem> {
  if (!existsSync(dataDir)) return ok(undefined);
  const entries = readdirSync(dataDir);
  if (entries.length > 0 && !entries.includes('accord.json')) {
    return err(
      problem(
        'configuration',
        `${dataDir} is not an Accord data directory (it has no accord.json), so --reset will not delete anything in it.`,
        'Check ACCORD_DATA_DIR.',
      ),
    );
  }
  const holder = lockHolder(dataDir);
  if (holder !== undefined) {
    return err(
      problem('conflict', `Another Accord (pid ${holder}) is using ${dataDir}.`, 'Stop it, then reset.'),
    );
  }
  for (const entry of OWN_ENTRIES) rmSync(join(dataDir, entry), { recursive: true, force: true });
  return ok(undefined);
}

/** PostgreSQL refuses to run as root; when Accord runs as root the server runs as the `postgres` system user. */
export function serverUser(): ServerUser | undefined {
  if (platform() === 'win32' || userInfo().uid !== 0) return undefined;
  const lookup = () => spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  let found = lookup();
  if (found.status !== 0) {
    spawnSync('groupadd', ['--system', 'postgres']);
    spawnSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', 'postgres']);
    found = lookup();
    if (found.status !== 0) {
      throw new ProblemError(
        problem(
          'configuration',
          'Accord is running as root and could not create the "postgres" system user that PostgreSQL must run as.',
          'Run Accord as an ordinary user, or create a "postgres" user, or set DATABASE_URL.',
        ),
      );
    }
  }
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  return { uid: Number(found.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * As root only: the server user must be able to reach its cluster inside the data directory (and its binaries inside
 * Accord's own folder), so the directory and each ancestor get the traverse (x) bit for others if they lack it — traverse only: nothing becomes listable or
 * readable. (Run Accord as an ordinary user to avoid this.)
 */
export function ensureTraversable(dir: string): void {
  let current = dir;
  for (;;) {
    const mode = statSync(current).mode;
    if ((mode & 0o001) === 0) chmodSync(current, mode | 0o001);
    const parent = dirname(current);
    if (parent === current) return;
    current = parent;
  }
}
