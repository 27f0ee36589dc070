/**
 * @module record/import/jobs
 * The FHIR Bulk Data `$import` as jobs: a partner's request to load NDJSON files it has put in its own import folder
 * (`<import root>/<organisation id>/…`) becomes a row of `record_import_job`, run in the background of this process
 * one job at a time (`importFiles`, its new Patients linked in the identity index as the CLI's are), its progress
 * and result kept in the row for the status address to show.
 *
 * Files are only ever read from the organisation's folder: a URL is a relative path or a file:// URL, resolved and
 * checked to lie inside that folder both as written and after symbolic links are followed — never fetched from the
 * network. A job queued or running when the server stopped is run again by `recover` at the next start: an import
 * is idempotent, so running one twice is safe. The job's counts then describe the last run (resources written by
 * the run before count as unchanged). One server process per database works the queue, as `accord serve` is run;
 * a second one starting would queue again a job the first is running — wasted work, not wrong data.
 */
import { randomUUID } from 'node:crypto';
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Issue } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import type { Database } from '../../store/index.js';
import type { ParameterTable } from '../search/parameters.js';
import { type FileReport, type ImportFile, importFiles } from './feeds.js';
import { patientLinker } from './patient-linker.js';

/** The one input format `$import` reads. */
export const NDJSON_FORMAT = 'application/fhir+ndjson';

export const IMPORT_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export interface ImportInput {
  /** The resource type every line of the file holds. */
  readonly type: string;
  /** As the client gave it: a path relative to its organisation's import folder, or a file:// URL. */
  readonly url: string;
}

/** What a kick-off asked for, kept with the job. */
export interface ImportRequest {
  /** The kick-off's address, for the status answer's `request`. */
  readonly requestUrl: string;
  readonly inputFormat: string;
  readonly inputSource: string;
  readonly inputs: readonly ImportInput[];
}

export interface ImportCounts {
  readonly read: number;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly skipped: number;
  /** New Patients joined to persons in the identity index. */
  readonly linked: number;
}

/** What happened to one input file (its `label` is the URL the client gave). */
export type ImportFileOutput = FileReport;

export interface ImportJob {
  readonly id: string;
  readonly organisation: string;
  /** The token (or user) that asked. */
  readonly requestedBy: string;
  readonly request: ImportRequest;
  readonly status: ImportStatus;
  readonly cancelRequested: boolean;
  readonly counts: ImportCounts;
  readonly output: readonly ImportFileOutput[];
  /** The first problems, each with its file (the input's URL) and line. */
  readonly issues: readonly Issue[];
  readonly failure: string | undefined;
  readonly requestedAt: Date;
  readonly startedAt: Date | undefined;
  readonly finishedAt: Date | undefined;
}

/** What asking to cancel did. */
export type CancelOutcome = 'cancelled' | 'stopping' | 'finished' | 'not-found';

export interface ImportJobsOptions {
  /** The import root: each organisation's files are in `<root>/<organisation id>/`. */
  readonly root: string;
  readonly table: ParameterTable;
  readonly now?: () => Date;
  /** Where the jobs say what went wrong (never with data from a file). */
  readonly log?: (message: string) => void;
  /** Awaited before each job runs, after it is marked running (tests hold a job there). */
  readonly beforeRun?: (job: ImportJob) => Promise<void>;
}

export interface ImportJobs {
  readonly root: string;
  /** The organisation's import folder. */
  folderOf(organisation: string): string;
  /** Checks every input (inside the folder, present) and queues the job; the first problem otherwise. */
  submit(
    organisation: string,
    requestedBy: string,
    request: ImportRequest,
  ): Promise<Result<ImportJob, { index: number; message: string }>>;
  get(id: string): Promise<ImportJob | undefined>;
  /** A queued job is cancelled at once; a running one stops after the batch it is writing. */
  cancel(id: string): Promise<CancelOutcome>;
  /** At start: jobs left running by a stopped server are queued again, and the queue is worked. */
  recover(): Promise<number>;
  /** Resolves when no job is queued or running in this process (tests; shutdown). */
  idle(): Promise<void>;
  /** Stops taking jobs; a running one stops after its batch and is queued again for the next start. */
  stop(): Promise<void>;
  /** Called when a job this process ran ends (completed, failed or cancelled); returns the unsubscribe. */
  onFinished(listener: (job: ImportJob) => Promise<void>): () => void;
}

const ORGANISATION = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** Whether `path` is strictly inside `folder` (both absolute and normalised). */
function inside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * The file an input's URL names, checked to lie inside the organisation's import folder as written and after
 * symbolic links are followed, and to be a file; otherwise why not, saying what to do. Never reads the network.
 */
export function resolveImportPath(root: string, organisation: string, url: string): Result<string, string> {
  if (!ORGANISATION.test(organisation)) {
    return err(`your organisation id "${organisation}" cannot name an import folder`);
  }
  const folder = join(resolve(root), organisation);
  const where = `your organisation's import folder (${folder}${sep})`;
  let candidate: string;
  if (url.startsWith('file:')) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return err('is not a well-formed file:// URL');
    }
    if (parsed.host !== '' && parsed.host !== 'localhost') {
      return err(`names another host: give a path in ${where}, relative to it or as file:///…`);
    }
    try {
      candidate = fileURLToPath(parsed);
    } catch {
      return err('is not a file:// URL of a path on this server');
    }
  } else if (SCHEME.test(url)) {
    return err(
      `is not a file: Accord never fetches from the network. Put the file in ${where} and give its path ` +
        'relative to that folder, or a file:// URL',
    );
  } else if (isAbsolute(url) || url === '') {
    return err(`is not a relative path: give the file's path relative to ${where}, or a file:// URL`);
  } else {
    candidate = resolve(folder, url);
  }
  if (!inside(folder, candidate)) {
    return err(`is outside ${where}: a partner may import only files in its own folder`);
  }
  let realFolder: string;
  try {
    realFolder = realpathSync(folder);
  } catch {
    return err(
      `cannot be read: ${where} does not exist; ask the operator to create it and put your files there`,
    );
  }
  let realFile: string;
  try {
    realFile = realpathSync(candidate);
  } catch {
    return err(`does not exist in ${where}: put the file there first, then ask again`);
  }
  if (!inside(realFolder, realFile)) {
    return err(`leads through a symbolic link outside ${where}: put the file itself in the folder`);
  }
  if (!statSync(realFile).isFile()) return err('is not a file');
  return ok(realFile);
}

interface JobRow {
  id: string;
  organisation: string;
  requested_by: string;
  request: ImportRequest;
  status: ImportStatus;
  cancel_requested: boolean;
  read_count: number;
  created_count: number;
  updated_count: number;
  unchanged_count: number;
  skipped_count: number;
  linked_count: number;
  output: ImportFileOutput[];
  issues: Issue[];
  failure: string | null;
  requested_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

const jobOf = (row: JobRow): ImportJob => ({
  id: row.id,
  organisation: row.organisation,
  requestedBy: row.requested_by,
  request: row.request,
  status: row.status,
  cancelRequested: row.cancel_requested,
  counts: {
    read: row.read_count,
    created: row.created_count,
    updated: row.updated_count,
    unchanged: row.unchanged_count,
    skipped: row.skipped_count,
    linked: row.linked_count,
  },
  output: row.output,
  issues: row.issues,
  failure: row.failure ?? undefined,
  requestedAt: row.requested_at,
  startedAt: row.started_at ?? undefined,
  finishedAt: row.finished_at ?? undefined,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function importJobs(db: Database, options: ImportJobsOptions): ImportJobs {
  const root = resolve(options.root);
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => undefined);
  const listeners = new Set<(job: ImportJob) => Promise<void>>();
  /** The queue being worked, if it is; `again` asks it to look once more before it ends. */
  let pumping: Promise<void> | undefined;
  let again = false;
  let stopping = false;

  const get = async (id: string): Promise<ImportJob | undefined> => {
    if (!UUID.test(id)) return undefined;
    const rows = await db.query<JobRow>('SELECT * FROM record_import_job WHERE id = $1', [id]);
    return rows[0] === undefined ? undefined : jobOf(rows[0]);
  };

  const claimNext = async (): Promise<ImportJob | undefined> => {
    const rows = await db.query<JobRow>(
      `UPDATE record_import_job SET status = 'running', started_at = $1
         WHERE id = (SELECT id FROM record_import_job WHERE status = 'queued'
                     ORDER BY requested_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [now()],
    );
    return rows[0] === undefined ? undefined : jobOf(rows[0]);
  };

  const finish = async (id: string, status: 'completed' | 'cancelled' | 'failed', failure?: string) => {
    await db.query(`UPDATE record_import_job SET status = $2, finished_at = $3, failure = $4 WHERE id = $1`, [
      id,
      status,
      now(),
      failure ?? null,
    ]);
    const job = await get(id);
    if (job === undefined) return;
    for (const listener of listeners) {
      await listener(job).catch((error: unknown) => {
        log(`import job ${id}: a listener failed (${(error as Error).name})`);
      });
    }
  };

  const run = async (claimed: ImportJob): Promise<void> => {
    await options.beforeRun?.(claimed);
    const job = await get(claimed.id);
    if (job === undefined) return;
    if (job.cancelRequested) return finish(job.id, 'cancelled');
    if (stopping) {
      // The server is stopping: the job waits, queued, for the next start.
      await db.query(`UPDATE record_import_job SET status = 'queued', started_at = NULL WHERE id = $1`, [
        job.id,
      ]);
      return;
    }
    const files: ImportFile[] = job.request.inputs.map((input) => {
      // Checked again now: the folder may have changed since the kick-off.
      const path = resolveImportPath(root, job.organisation, input.url);
      return path.ok
        ? { type: input.type, label: input.url, path: path.value }
        : { type: input.type, label: input.url, path: '', refused: `${path.error}; skipped` };
    });
    const linker = patientLinker(db, now, (message) => {
      log(`import job ${job.id}: ${message}`);
    });
    let cancel = false;
    try {
      const report = await importFiles(db, options.table, job.organisation, files, {
        writerId: job.requestedBy,
        onPatients: linker.link,
        now,
        onProgress: async (read) => {
          const rows = await db.query<{ cancel_requested: boolean }>(
            'UPDATE record_import_job SET read_count = $2 WHERE id = $1 RETURNING cancel_requested',
            [job.id, read],
          );
          if (rows[0]?.cancel_requested === true) cancel = true;
        },
        shouldStop: () => cancel || stopping,
      });
      const { created, updated, unchanged } = report.counts;
      const requeue = report.stopped && !cancel;
      await db.query(
        `UPDATE record_import_job SET read_count = $2, created_count = $3, updated_count = $4,
           unchanged_count = $5, skipped_count = $6, linked_count = $7, output = $8, issues = $9,
           status = CASE WHEN $10 THEN 'queued' ELSE status END,
           started_at = CASE WHEN $10 THEN NULL ELSE started_at END
         WHERE id = $1`,
        [
          job.id,
          report.read,
          created,
          updated,
          unchanged,
          report.skipped,
          linker.linked(),
          JSON.stringify(report.files),
          JSON.stringify(report.issues),
          requeue,
        ],
      );
      // Stopped by the server shutting down: queued again, for the next start.
      if (requeue) return;
      await finish(job.id, report.stopped ? 'cancelled' : 'completed');
    } catch (error) {
      // The message may quote a value from the data (a database error does): only its kind is kept.
      const kind = `${(error as Error).name}${(error as { code?: string }).code === undefined ? '' : ` ${String((error as { code?: string }).code)}`}`;
      log(`import job ${job.id} failed (${kind})`);
      await finish(job.id, 'failed', `The import stopped on an error on the server's side (${kind}).`);
    }
  };

  const pump = async (): Promise<void> => {
    for (;;) {
      again = false;
      if (stopping) return;
      const job = await claimNext();
      if (job !== undefined) {
        await run(job);
        continue;
      }
      // A job submitted while the queue was being looked at asked for another look.
      if (!askedAgain()) return;
    }
  };
  const askedAgain = () => again;

  const kick = (): Promise<void> => {
    again = true;
    pumping ??= pump()
      .catch((error: unknown) => {
        log(
          `import jobs: the queue stopped (${(error as Error).name}); it resumes at the next request or start`,
        );
      })
      .finally(() => {
        pumping = undefined;
        if (again && !stopping) void kick();
      });
    return pumping;
  };

  return {
    root,
    folderOf: (organisation) => join(root, organisation),
    async submit(organisation, requestedBy, request) {
      for (const [index, input] of request.inputs.entries()) {
        const path = resolveImportPath(root, organisation, input.url);
        if (!path.ok) return err({ index, message: path.error });
      }
      const rows = await db.query<JobRow>(
        `INSERT INTO record_import_job (id, organisation, requested_by, request, status, requested_at)
         VALUES ($1, $2, $3, $4, 'queued', $5) RETURNING *`,
        [randomUUID(), organisation, requestedBy, JSON.stringify(request), now()],
      );
      const row = rows[0];
      if (row === undefined) throw new Error('the import job was not stored');
      void kick();
      return ok(jobOf(row));
    },
    get,
    async cancel(id) {
      if (!UUID.test(id)) return 'not-found';
      const outcome = await db.transaction(async (tx): Promise<CancelOutcome> => {
        const rows = await tx.query<{ status: ImportStatus }>(
          'SELECT status FROM record_import_job WHERE id = $1 FOR UPDATE',
          [id],
        );
        const status = rows[0]?.status;
        switch (status) {
          case undefined:
            return 'not-found';
          case 'queued':
            await tx.query(
              `UPDATE record_import_job SET status = 'cancelled', cancel_requested = true, finished_at = $2
               WHERE id = $1`,
              [id, now()],
            );
            return 'cancelled';
          case 'running':
            await tx.query('UPDATE record_import_job SET cancel_requested = true WHERE id = $1', [id]);
            return 'stopping';
          case 'completed':
          case 'failed':
          case 'cancelled':
            return 'finished';
        }
      });
      return outcome;
    },
    async recover() {
      const rows = await db.query<{ id: string }>(
        `UPDATE record_import_job
           SET status = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'queued' END,
               started_at = NULL,
               finished_at = CASE WHEN cancel_requested THEN $1::timestamptz END
         WHERE status = 'running' RETURNING id`,
        [now()],
      );
      void kick();
      return rows.length;
    },
    async idle() {
      while (pumping !== undefined) await pumping;
    },
    async stop() {
      stopping = true;
      while (pumping !== undefined) await pumping;
    },
    onFinished(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
