/**
 * @module record/import/feeds
 * Partners' FHIR Bulk Data feeds into the shared care record (the `$import` of issue 5): a folder with a
 * `manifest.json` listing NDJSON files, each in a folder named for the organisation that sent it. Every line is
 * checked — JSON, a valid FHIR R4 resource (`validation/`), of the type the manifest says, with the partner's own id
 * — and a bad line is reported with its file and line number and skipped; the rest go in. References between one
 * partner's resources (`Patient/00076865`) are rewritten to the record's ids for them, which are derived from the
 * organisation and the partner's id (`sourcedId`), so they resolve without a lookup and a re-sent feed changes
 * nothing. Batches of a thousand (across files and organisations) are written in one transaction each
 * (`bulk-write.ts`), each while the next is read and checked; the Patients written are handed to the caller, who
 * links them in the identity index.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { Issue } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import type { Database } from '../../store/index.js';
import { sourcedId } from '../repository.js';
import type { Resource } from '../resource.js';
import type { ParameterTable } from '../search/parameters.js';
import { validateResource } from '../validation/index.js';
import {
  type BatchCounts,
  type FeedItem,
  prepareBatch,
  type PreparedBatch,
  writePreparedBatch,
  type WrittenPatient,
} from './bulk-write.js';

const Manifest = z.object({
  output: z.array(z.object({ type: z.string(), url: z.string() })),
});

export const BATCH_SIZE = 1_000;
/** Problems kept in the report; beyond this they are only counted (a feed of a million bad lines stays readable). */
export const MAX_ISSUES_KEPT = 1_000;

export interface ImportReport {
  readonly counts: BatchCounts;
  readonly read: number;
  readonly skipped: number;
  /** Lines left out by the `patients` option. */
  readonly leftOut: number;
  /** The first MAX_ISSUES_KEPT problems, each with its file and line. */
  readonly issues: readonly Issue[];
  readonly organisations: readonly string[];
}

export interface ImportOptions {
  /** Only these organisations' files. */
  readonly organisations?: ReadonlySet<string>;
  /**
   * Only the resources about these Patients (by organisation and the partner's own Patient id; resources about no
   * Patient are kept): to load a sample of people, as the demo does. Lines left out this way are counted, not
   * reported.
   */
  readonly patients?: (organisation: string, patientId: string) => boolean;
  /** Who is importing (recorded on every version written). */
  readonly writerId: string;
  /** Called after each batch commits with the Patients it created or changed. */
  readonly onPatients?: (organisation: string, patients: readonly WrittenPatient[]) => Promise<void>;
  readonly now?: () => Date;
}

const ORGANISATION = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9.-]{1,64})$/;

/** A copy of the resource with its relative references rewritten to the record's ids for `organisation`'s resources. */
export function rewriteReferences<T>(value: T, organisation: string): T {
  if (Array.isArray(value)) return value.map((item: unknown) => rewriteReferences(item, organisation)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const match = key === 'reference' && typeof inner === 'string' ? RELATIVE.exec(inner) : null;
    out[key] =
      match?.[1] !== undefined && match[2] !== undefined
        ? `${match[1]}/${sourcedId(organisation, match[1], match[2])}`
        : rewriteReferences(inner, organisation);
  }
  return out as T;
}

/** One line of a feed as an item to write, or why it is skipped (never quoting its values: they are identifiable). */
export function feedItem(text: string, expectedType: string, organisation: string): Result<FeedItem, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return err('is not JSON');
  }
  return feedItemOf(parsed, expectedType, organisation);
}

/** A parsed line as an item to write, or why it is skipped. */
function feedItemOf(parsed: unknown, expectedType: string, organisation: string): Result<FeedItem, string> {
  const validated = validateResource(parsed);
  if (!validated.ok) {
    const problems = validated.error.issue.map((issue) => {
      const where = issue.expression?.[0] ?? 'the resource';
      return `${where}: ${issue.details?.text ?? issue.diagnostics ?? issue.code}`;
    });
    return err(`is not a valid FHIR R4 resource (${problems.slice(0, 5).join('; ')})`);
  }
  const resource = validated.value as Resource;
  if (resource.resourceType !== expectedType) {
    return err(`is a ${resource.resourceType}, but the manifest lists this file as ${expectedType}`);
  }
  if (typeof resource.id !== 'string' || resource.id === '') {
    return err(
      "has no id: a feed's resources carry the partner's own id, which makes a re-sent feed change nothing",
    );
  }
  const { id, ...rest } = rewriteReferences(resource, organisation);
  return ok({ resource: rest, organisation, sourceId: id ?? resource.id });
}

/** The partner's own id of the Patient a feed resource is about (the Patient's own id for a Patient). */
export function feedPatientId(resource: unknown): string | undefined {
  if (typeof resource !== 'object' || resource === null) return undefined;
  const r = resource as Record<string, unknown>;
  if (r['resourceType'] === 'Patient') return typeof r['id'] === 'string' ? r['id'] : undefined;
  for (const element of ['patient', 'subject', 'beneficiary']) {
    const reference = (r[element] as { reference?: unknown } | undefined)?.reference;
    const match = typeof reference === 'string' ? /^Patient\/(.+)$/.exec(reference) : null;
    if (match?.[1] !== undefined) return match[1];
  }
  return undefined;
}

export async function importFeeds(
  db: Database,
  table: ParameterTable,
  feedsDir: string,
  options: ImportOptions,
): Promise<Result<ImportReport, string>> {
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
  const files: ListedFile[] = [];
  for (const file of manifest.output) {
    const organisation = file.url.split('/')[0] ?? '';
    if (!ORGANISATION.test(organisation) || !file.url.includes('/')) {
      files.push({
        type: file.type,
        label: file.url,
        path: '',
        organisation,
        refused: 'is not in a folder named for its organisation; the file was skipped',
      });
      continue;
    }
    if (options.organisations !== undefined && !options.organisations.has(organisation)) continue;
    files.push({ type: file.type, label: file.url, path: join(feedsDir, file.url), organisation });
  }
  return ok(
    await importListed(db, table, files, options, 'is listed in the manifest but does not exist; skipped'),
  );
}

/** One file to import: its resource type, its name in reports, where it is, and whose it is. */
interface ListedFile {
  readonly type: string;
  readonly label: string;
  readonly path: string;
  readonly organisation: string;
  /** Why the file is not read at all (reported in its place in the list). */
  readonly refused?: string;
}

/** A file to import for `importFiles`: its resource type, where it is, and its name in reports. */
export interface ImportFile {
  readonly type: string;
  readonly path: string;
  /** The name issues give the file (e.g. the URL the client asked for), never a server path it did not send. */
  readonly label: string;
  /** Why the file is not to be read (e.g. it no longer passes a check): reported as its issue, and skipped. */
  readonly refused?: string;
}

export interface FileImportOptions extends ImportOptions {
  /** Called after each batch is handed over to be written, with the lines read so far. */
  readonly onProgress?: (read: number) => Promise<void>;
  /** Asked after each batch: true stops the import there (the batches in hand are still written). */
  readonly shouldStop?: () => boolean;
}

/** What happened to one file. */
export interface FileReport {
  readonly label: string;
  readonly type: string;
  /** Lines read (blank lines aside). */
  readonly read: number;
  /** Lines that went in (created, updated or unchanged). */
  readonly accepted: number;
  /** Lines (or, for a file not read, the file) reported and skipped. */
  readonly skipped: number;
}

export interface FileImportReport extends ImportReport {
  readonly files: readonly FileReport[];
  /** True when `shouldStop` ended the import before every file was read. */
  readonly stopped: boolean;
}

/**
 * Imports the given NDJSON files, all sent by one organisation, as `importFeeds` imports a manifest's (every line
 * checked, bad lines reported by file and line and skipped, batches across files, idempotent): for the FHIR API's
 * `$import`, whose request lists the files instead of a manifest.
 */
export async function importFiles(
  db: Database,
  table: ParameterTable,
  organisation: string,
  files: readonly ImportFile[],
  options: FileImportOptions,
): Promise<FileImportReport> {
  return importListed(
    db,
    table,
    files.map((file) => ({ ...file, organisation })),
    options,
    'does not exist (any more); skipped',
  );
}

async function importListed(
  db: Database,
  table: ParameterTable,
  files: readonly ListedFile[],
  options: FileImportOptions,
  missing: string,
): Promise<FileImportReport> {
  const now = options.now ?? (() => new Date());
  const counts: BatchCounts = { created: 0, updated: 0, unchanged: 0 };
  const issues: Issue[] = [];
  let skipped = 0;
  let leftOut = 0;
  let read = 0;
  let stopped = false;
  const organisations = new Set<string>();
  const fileReports: FileReport[] = [];
  // Batches span files and organisations (most files are small), so an import commits once per BATCH_SIZE.
  let batch: FeedItem[] = [];
  let writing: Promise<void> = Promise.resolve();
  // Whether the last batch written was mostly new resources: the next one's first versions are then built before
  // its transaction, while the batch before is being written (a first import), and not when they would be thrown
  // away (a re-import). Only when the work is done changes, never what is written.
  let mostlyNew = true;
  const writeAndHandOver = async (prepared: PreparedBatch): Promise<void> => {
    const written = await db.transaction((tx) => writePreparedBatch(tx, table, options.writerId, prepared));
    counts.created += written.counts.created;
    counts.updated += written.counts.updated;
    counts.unchanged += written.counts.unchanged;
    mostlyNew = 2 * written.counts.created >= prepared.items.length;
    for (const [organisation, patients] of written.patients)
      await options.onPatients?.(organisation, patients);
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const prepared = prepareBatch(table, batch, now(), mostlyNew);
    batch = [];
    // One batch is written while the next is read, checked and prepared: PostgreSQL and this process work at the
    // same time. Only one is written at a time, so batches commit, and Patients are handed over, in feed order.
    await writing;
    writing = writeAndHandOver(prepared);
    // Its failure is awaited (and thrown) at the next flush or at the end; this only stops Node calling it
    // unhandled in between.
    writing.catch(() => undefined);
    await options.onProgress?.(read);
  };
  const report = (issue: Issue) => {
    skipped++;
    if (issues.length < MAX_ISSUES_KEPT) issues.push(issue);
  };

  for (const file of files) {
    if (stopped) break;
    const tally = { label: file.label, type: file.type, read: 0, accepted: 0, skipped: 0 };
    fileReports.push(tally);
    if (file.refused !== undefined) {
      tally.skipped++;
      report({ file: file.label, message: file.refused });
      continue;
    }
    if (!existsSync(file.path)) {
      tally.skipped++;
      report({ file: file.label, message: missing });
      continue;
    }
    const { organisation } = file;
    organisations.add(organisation);
    let line = 0;
    const input = createReadStream(file.path, 'utf8');
    const lines = createInterface({ input, crlfDelay: Infinity });
    try {
      for await (const text of lines) {
        line++;
        if (text.trim() === '') continue;
        read++;
        tally.read++;
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          tally.skipped++;
          report({ file: file.label, line, message: 'is not JSON; skipped' });
          continue;
        }
        const patientId = options.patients === undefined ? undefined : feedPatientId(parsed);
        if (patientId !== undefined && options.patients?.(organisation, patientId) === false) {
          leftOut++;
          continue;
        }
        const item = feedItemOf(parsed, file.type, organisation);
        if (!item.ok) {
          tally.skipped++;
          report({ file: file.label, line, message: `${item.error}; skipped` });
          continue;
        }
        batch.push(item.value);
        tally.accepted++;
        if (batch.length >= BATCH_SIZE) {
          await flush();
          if (options.shouldStop?.() === true) {
            stopped = true;
            break;
          }
        }
      }
    } finally {
      lines.close();
      input.destroy();
    }
  }
  await flush();
  await writing;
  return {
    counts,
    read,
    skipped,
    leftOut,
    issues,
    organisations: [...organisations].sort(),
    files: fileReports,
    stopped,
  };
}
