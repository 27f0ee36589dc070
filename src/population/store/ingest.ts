/**
 * @module population/store/ingest
 * Partners' Bulk Data feeds (a folder with `manifest.json` and one folder of NDJSON files per organisation, as
 * `accord generate --feeds` writes them and the shared care record imports them) into the analytic store's source
 * tables. DuckDB reads the files itself, many threads at once, only the elements the store keeps
 * (`feed-resources.ts`), and keys each row by its record key, computed in the same query
 * (`identity/pseudonym.ts` `recordKeySql`): no identifier passes through JavaScript or reaches a table.
 *
 * Incremental and idempotent, file by file: a file whose size and modification time are as last read is skipped; a
 * changed one has its rows replaced in one transaction; a file gone from the manifest has its rows removed (the
 * folder is the whole of what the partners send now, each organisation's feed a full extract). A resource that cannot be used is reported with its file and
 * line and left out; the rest of the file goes in.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { z } from 'zod';
import type { Issue } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { recordKeySql, type PseudonymKey } from '../../identity/pseudonym.js';
import { sqlText, type AnalyticStore } from './analytic-store.js';
import { CURRENT_POSTCODE, FEED_RESOURCES, PATIENT, type FeedResource } from './feed-resources.js';

const Manifest = z.object({ output: z.array(z.object({ type: z.string(), url: z.string() })) });
const ORGANISATION = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
/** Problems kept in the report per file; beyond this they are only counted. */
export const MAX_ISSUES_PER_FILE = 20;

export interface FeedFile {
  /** As the manifest names it, relative to the feeds folder: `<organisation>/<Type>.ndjson`. */
  readonly url: string;
  readonly organisation: string;
  readonly resourceType: string;
  readonly path: string;
  readonly size?: number;
  readonly modifiedMs?: number;
}

export interface IngestReport {
  readonly filesRead: number;
  readonly filesUnchanged: number;
  readonly filesRemoved: number;
  readonly resourcesRead: number;
  readonly resourcesKept: number;
  /** Resources recorded as not having happened (entered in error, refuted, cancelled, not done). */
  readonly resourcesVoid: number;
  readonly skipped: number;
  readonly issues: readonly Issue[];
}

/** The manifest's files of the types the store reads, checked: in a folder named for the organisation, inside. */
export function feedFiles(
  feedsDir: string,
): Result<{ files: FeedFile[]; issues: Issue[]; listed: Set<string> }, string> {
  const listed = new Set<string>();
  const manifestFile = join(feedsDir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    return err(`${manifestFile} does not exist: give the folder of the feeds (it holds manifest.json)`);
  }
  let manifest: z.infer<typeof Manifest>;
  try {
    manifest = Manifest.parse(JSON.parse(readFileSync(manifestFile, 'utf8')));
  } catch {
    return err(`${manifestFile} is not a Bulk Data manifest (JSON with an output list of type and url)`);
  }
  const root = resolve(feedsDir);
  const files: FeedFile[] = [];
  const issues: Issue[] = [];
  const seen = new Set<string>();
  for (const entry of manifest.output) {
    if (!FEED_RESOURCES.has(entry.type)) continue;
    listed.add(entry.url);
    const [organisation] = entry.url.split('/');
    const path = resolve(root, entry.url);
    // The same file listed twice (or by two spellings of its path) would be read twice and double every row.
    if (seen.has(path)) {
      issues.push({ file: entry.url, message: 'is listed in the manifest more than once; read once' });
      continue;
    }
    seen.add(path);
    if (organisation === undefined || !ORGANISATION.test(organisation) || !path.startsWith(root + sep)) {
      issues.push({ file: entry.url, message: 'is not in a folder named for its organisation; skipped' });
      continue;
    }
    if (!existsSync(path)) {
      issues.push({ file: entry.url, message: 'is in the manifest but not in the folder; skipped' });
      continue;
    }
    files.push({ url: entry.url, organisation, resourceType: entry.type, path });
  }
  return ok({ files, issues, listed });
}

/**
 * The line numbers of the given resources (1-based counts of non-blank lines: DuckDB numbers resources, not lines),
 * read in chunks and only as far as the last one asked for, so a file of any size is never one string in memory.
 */
function lineNumbersOf(path: string, ordinals: readonly number[]): Map<number, number> {
  const wanted = new Set(ordinals);
  const last = Math.max(0, ...ordinals);
  const found = new Map<number, number>();
  const chunk = Buffer.alloc(1 << 20);
  const fd = openSync(path, 'r');
  try {
    let line = 1;
    let blank = true;
    let resources = 0;
    const endLine = () => {
      if (!blank) {
        resources++;
        if (wanted.has(resources)) found.set(resources, line);
      }
      line++;
      blank = true;
    };
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      for (let i = 0; i < read && resources < last; i++) {
        const byte = chunk[i];
        if (byte === 0x0a) endLine();
        else if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) blank = false;
      }
      if (resources >= last) break;
    }
    if (resources < last) endLine();
  } finally {
    closeSync(fd);
  }
  return found;
}

const readSql = (resource: FeedResource, paths: readonly string[]) =>
  `read_ndjson([${paths.map(sqlText).join(', ')}], columns=${resource.columns}, ignore_errors=true, ` +
  `filename=true, maximum_object_size=16777216)`;

/**
 * The staged rows of a set of files of one type: the store's columns, the record key, and `problem`/`void` to
 * filter on. `feed_file` (path → url, organisation) names each row's file and sender.
 */
function stagedSql(resource: FeedResource, paths: readonly string[], key: PseudonymKey): string {
  const read = readSql(resource, paths);
  const patient = resource === PATIENT;
  // The keyed hash is computed once per record, not once per resource (a person has many events in a file).
  return `WITH s AS (
      SELECT ${resource.select}${patient ? ', p.lsoa11 AS lsoa11' : ''}, r.filename
      FROM ${read} r${patient ? ` LEFT JOIN postcode_lsoa p ON p.postcode = ${CURRENT_POSTCODE}` : ''}),
    named AS (SELECT f.organisation, f.url AS file, s.* FROM s JOIN feed_file f ON f.path = s.filename),
    keys AS (
      SELECT organisation, local_id, ${recordKeySql(key, 'organisation', 'local_id')} AS record_key
      FROM (SELECT DISTINCT organisation, local_id FROM named WHERE local_id IS NOT NULL))
    SELECT named.organisation, named.file, keys.record_key, named.* EXCLUDE (organisation, file, local_id, filename)
    FROM named LEFT JOIN keys ON keys.organisation = named.organisation AND keys.local_id = named.local_id`;
}

const PATIENT_COLUMNS =
  'record_key, organisation, file, sex, birth_year, birth_month, death_date, deceased, ethnic_category, lsoa11, ' +
  'practice, active';
const EVENT_COLUMNS =
  'record_key, organisation, file, kind, date, end_date, code_system, code, value, value_code, reason_code, setting';

/** The first problems of one file, with line numbers: read again, in order, only for a file that has any. */
async function fileProblems(
  store: AnalyticStore,
  resource: FeedResource,
  file: FeedFile,
): Promise<{ issues: Issue[]; count: number }> {
  const patient = resource === PATIENT;
  const rows = await store.rows<{ n: number; problem: string; total: number }>(
    `SELECT n, problem, count(*) OVER () AS total FROM (
       SELECT row_number() OVER () AS n, ${resource.select}
       FROM ${readSql(resource, [file.path])} r${patient ? ` LEFT JOIN postcode_lsoa p ON p.postcode = ${CURRENT_POSTCODE}` : ''})
     WHERE problem IS NOT NULL ORDER BY n LIMIT ${MAX_ISSUES_PER_FILE}`,
  );
  if (rows.length === 0) return { issues: [], count: 0 };
  const lines = lineNumbersOf(
    file.path,
    rows.map((row) => row.n),
  );
  return {
    issues: rows.map((row) => ({
      file: file.url,
      line: lines.get(row.n) ?? row.n,
      message: `${row.problem}; skipped`,
    })),
    count: rows[0]?.total ?? 0,
  };
}

/** Reads the feeds folder into the source tables; `postcode_lsoa` must already be loaded (build.ts). */
export async function ingestFeeds(
  store: AnalyticStore,
  key: PseudonymKey,
  feedsDir: string,
  now: () => Date = () => new Date(),
): Promise<Result<IngestReport, string>> {
  const listed = feedFiles(feedsDir);
  if (!listed.ok) return listed;
  const { files } = listed.value;
  const issues: Issue[] = [...listed.value.issues];
  let skipped = listed.value.issues.length;
  let filesRead = 0;
  let filesUnchanged = 0;
  let resourcesRead = 0;
  let resourcesKept = 0;
  let resourcesVoid = 0;

  const previous = new Map(
    (
      await store.rows<{ file: string; organisation: string; size: number; modified_ms: number }>(
        'SELECT file, organisation, size, modified_ms FROM ingested_file',
      )
    ).map((row) => [row.file, row]),
  );

  const changed: FeedFile[] = [];
  for (const file of files) {
    const stat = statSync(file.path);
    const before = previous.get(file.url);
    if (before?.size === stat.size && before.modified_ms === Math.trunc(stat.mtimeMs)) filesUnchanged++;
    else changed.push({ ...file, size: stat.size, modifiedMs: Math.trunc(stat.mtimeMs) });
  }

  // All changed files of a type are read by one query (DuckDB spreads them over its threads) and replace their old
  // rows in one transaction: per-file statements cost more than the reading at this size of file.
  const problemFiles: { resource: FeedResource; file: FeedFile; problems: number }[] = [];
  await store.transaction(async () => {
    await store.connection.run(
      'CREATE OR REPLACE TEMP TABLE feed_file (path VARCHAR, url VARCHAR, organisation VARCHAR, resource_type VARCHAR, size BIGINT, modified_ms BIGINT)',
    );
    await store.connection.run(
      'CREATE OR REPLACE TEMP TABLE file_count (file VARCHAR, read BIGINT, kept BIGINT, problems BIGINT)',
    );
    const appender = await store.connection.createAppender('feed_file', 'main', 'temp');
    for (const file of changed) {
      appender.appendVarchar(file.path);
      appender.appendVarchar(file.url);
      appender.appendVarchar(file.organisation);
      appender.appendVarchar(file.resourceType);
      appender.appendBigInt(BigInt(file.size ?? 0));
      appender.appendBigInt(BigInt(file.modifiedMs ?? 0));
      appender.endRow();
    }
    appender.closeSync();
    for (const resource of FEED_RESOURCES.values()) {
      const ofType = changed.filter((file) => file.resourceType === resource.resourceType);
      if (ofType.length === 0) continue;
      const table = resource === PATIENT ? 'source_patient' : 'source_event';
      const columns = resource === PATIENT ? PATIENT_COLUMNS : EVENT_COLUMNS;
      const keep = resource === PATIENT ? 'problem IS NULL' : 'problem IS NULL AND NOT void';
      await store.connection.run(
        `DELETE FROM ${table} WHERE file IN (SELECT url FROM feed_file WHERE resource_type = ${sqlText(resource.resourceType)})`,
      );
      await store.connection.run(
        `CREATE OR REPLACE TEMP TABLE staged AS ${stagedSql(
          resource,
          ofType.map((file) => file.path),
          key,
        )}`,
      );
      await store.connection.run(
        `INSERT INTO ${table} (${columns}) SELECT ${columns} FROM staged WHERE ${keep}`,
      );
      const counts = await store.rows<{ file: string; read: number; kept: number; problems: number }>(
        `INSERT INTO file_count SELECT file, count(*) AS read, count(*) FILTER (WHERE ${keep}) AS kept,
           count(problem) AS problems FROM staged GROUP BY file RETURNING *`,
      );
      await store.connection.run('DROP TABLE staged');
      const byUrl = new Map(counts.map((row) => [row.file, row]));
      for (const file of ofType) {
        const row = byUrl.get(file.url);
        const read = row?.read ?? 0;
        const kept = row?.kept ?? 0;
        const problems = row?.problems ?? 0;
        resourcesRead += read;
        resourcesKept += kept;
        resourcesVoid += read - kept - problems;
        if (problems > 0) problemFiles.push({ resource, file, problems });
      }
    }
    // The problems are found (reading those files again, in order) before the files are recorded as read: if that
    // fails, the whole read is undone and tried again next time, rather than the problems never being reported.
    for (const { resource, file, problems } of problemFiles) {
      const found = await fileProblems(store, resource, file);
      issues.push(...found.issues);
      if (problems > found.issues.length) {
        issues.push({ file: file.url, message: `… and ${problems - found.issues.length} more problems` });
      }
      skipped += problems;
    }
    await store.connection.run(
      `INSERT OR REPLACE INTO ingested_file
       SELECT f.url, f.organisation, f.resource_type, f.size, f.modified_ms, coalesce(c.read, 0),
              coalesce(c.kept, 0), ${sqlText(now().toISOString())}::TIMESTAMP
       FROM feed_file f LEFT JOIN file_count c ON c.file = f.url`,
    );
    await store.connection.run('DROP TABLE feed_file');
    await store.connection.run('DROP TABLE file_count');
  });
  filesRead = changed.length;

  // Files no longer in the manifest: the folder is the whole of what the partners send now (each organisation's
  // feed a full extract), so the rows of a file — or of an organisation — no longer sent go. A file still listed
  // but missing from the folder keeps its rows (it was reported above).
  const gone = [...previous.values()].filter((row) => !listed.value.listed.has(row.file));
  for (const row of gone) {
    await store.transaction(async () => {
      for (const table of ['source_patient', 'source_event', 'ingested_file']) {
        await store.connection.run(`DELETE FROM ${table} WHERE file = ${sqlText(row.file)}`);
      }
    });
  }

  return ok({
    filesRead,
    filesUnchanged,
    filesRemoved: gone.length,
    resourcesRead,
    resourcesKept,
    resourcesVoid,
    skipped,
    issues,
  });
}
