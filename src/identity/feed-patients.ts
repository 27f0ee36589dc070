/**
 * @module identity/feed-patients
 * The Patients of partners' FHIR Bulk Data feeds (a folder with a `manifest.json` listing NDJSON files, each in a
 * folder named for its organisation), as records for the index. Every line is checked: one that is not JSON, not a
 * Patient, or a Patient the index cannot take, is reported with its file and line and left out; the rest are read.
 * Messages never quote a value: the values are identifiable.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { Issue } from '../core/problem.js';
import { patientToLinkRecord } from './fhir-patient.js';
import { checkIncoming, type CheckedIncoming, type IncomingRecord } from './index/incoming.js';

const Manifest = z.object({
  output: z.array(z.object({ type: z.string(), url: z.string() })),
});

export interface FeedPatients {
  readonly records: readonly IncomingRecord[];
  /** Lines left out, with where and why; and values dropped from records that were read. */
  readonly issues: readonly Issue[];
  readonly organisations: readonly string[];
}

/**
 * Reads the Patients of every organisation in the feeds, or of those named. An unreadable manifest is the only
 * problem that stops the reading: without it there is nothing to read.
 */
export async function readFeedPatients(
  feedsDir: string,
  today: Date,
  organisations?: ReadonlySet<string>,
): Promise<{ ok: true; value: FeedPatients } | { ok: false; error: string }> {
  const manifestFile = join(feedsDir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    return {
      ok: false,
      error: `${manifestFile} does not exist: give the folder of the feeds (accord feeds writes one)`,
    };
  }
  let manifest: z.infer<typeof Manifest>;
  try {
    manifest = Manifest.parse(JSON.parse(readFileSync(manifestFile, 'utf8')));
  } catch {
    return {
      ok: false,
      error: `${manifestFile} is not a Bulk Data manifest (JSON with an output list of type and url)`,
    };
  }
  const records: IncomingRecord[] = [];
  const issues: Issue[] = [];
  const read = new Set<string>();
  for (const file of manifest.output.filter((entry) => entry.type === 'Patient')) {
    // The feed's folder is its organisation.
    const organisation = dirname(file.url).split('/').pop() ?? '';
    if (organisations !== undefined && !organisations.has(organisation)) continue;
    read.add(organisation);
    const path = join(feedsDir, file.url);
    let line = 0;
    const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      let resource: unknown;
      try {
        resource = JSON.parse(text);
      } catch {
        issues.push({ file: file.url, line, message: 'is not JSON; left out' });
        continue;
      }
      const checked = incomingOfPatient(resource, organisation, today);
      if (!checked.ok) {
        for (const issue of checked.error) issues.push({ file: file.url, line, ...issue });
        continue;
      }
      for (const warning of checked.value.warnings) issues.push({ file: file.url, line, ...warning });
      records.push(checked.value.record);
    }
  }
  return { ok: true, value: { records, issues, organisations: [...read].sort() } };
}

/**
 * A partner's Patient resource as a record for the index, checked; or every problem with it (each message ends by
 * saying the record was left out). Used by the feeds' first load and by the shared care record's import.
 */
export function incomingOfPatient(
  resource: unknown,
  organisation: string,
  today: Date,
): { ok: true; value: CheckedIncoming } | { ok: false; error: Issue[] } {
  const mapped = patientToLinkRecord(resource, organisation);
  if (!mapped.ok) return { ok: false, error: [{ message: `${mapped.error.title} Left out.` }] };
  const { id, ...demographics } = mapped.value;
  const checked = checkIncoming(
    {
      organisation,
      localId: id.slice(organisation.length + 1),
      demographics: withoutUndefined(demographics),
    },
    today,
  );
  if (!checked.ok) {
    const problems = checked.error.issues ?? [{ message: checked.error.title }];
    return {
      ok: false,
      error: problems.map((issue) => ({ ...issue, message: `${issue.message}; left out` })),
    };
  }
  return { ok: true, value: checked.value };
}

/** The index's check takes only the fields a record has: absent, not undefined. */
function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
