/**
 * @module cli/commands/identity
 * `accord identity load` (the first load of the master patient index from partners' FHIR feeds) and
 * `accord identity key` (a new pseudonymisation key file). Thin: the work is in src/identity.
 */
import { formatIssue } from '../../core/problem.js';
import { readFeedPatients } from '../../identity/feed-patients.js';
import { loadInitialRecords } from '../../identity/index/bulk-load.js';
import { createPseudonymKeyFile } from '../../identity/pseudonym.js';
import type { Database } from '../../store/database.js';

export interface Output {
  readonly out: (line: string) => void;
  readonly fail: (line: string) => void;
}

/** At most this many line problems are printed; the rest are counted. */
const SHOWN_ISSUES = 20;
const count = (n: number) => n.toLocaleString('en-GB');

/** `--organisations a,b,c` as a set; undefined when the option was not given (every organisation). */
export function organisationList(text: string | undefined): Set<string> | undefined {
  if (text === undefined) return undefined;
  return new Set(
    text
      .split(',')
      .map((o) => o.trim())
      .filter((o) => o !== ''),
  );
}

export async function identityLoad(
  db: Database,
  feedsDir: string,
  organisationsText: string | undefined,
  io: Output,
  now: Date = new Date(),
): Promise<number> {
  const organisations = organisationList(organisationsText);
  const read = await readFeedPatients(feedsDir, now, organisations);
  if (!read.ok) {
    io.fail(`accord identity load: ${read.error}`);
    return 1;
  }
  const { records, issues } = read.value;
  for (const issue of issues.slice(0, SHOWN_ISSUES)) io.fail(formatIssue(issue));
  if (issues.length > SHOWN_ISSUES) io.fail(`… and ${count(issues.length - SHOWN_ISSUES)} more`);
  const missing = [...(organisations ?? [])].filter((o) => !read.value.organisations.includes(o));
  if (missing.length > 0) {
    io.fail(`accord identity load: no Patient feed for ${missing.join(', ')} in ${feedsDir}`);
    return 1;
  }
  io.out(
    `read ${count(records.length)} Patients from ${count(read.value.organisations.length)} organisations` +
      (issues.length > 0 ? ` (${count(issues.length)} problems reported above)` : ''),
  );
  const loaded = await loadInitialRecords(db, records, now);
  if (!loaded.ok) {
    io.fail(
      `accord identity load: ${loaded.error.title}${loaded.error.fix === undefined ? '' : ` ${loaded.error.fix}`}`,
    );
    return 1;
  }
  const r = loaded.value;
  io.out(
    `linked ${count(r.records)} records into ${count(r.persons)} persons (${count(r.candidatePairs)} candidate pairs, ` +
      `${count(r.reviews)} for review) in ${r.seconds.linkage.toFixed(1)} s; written in ${r.seconds.writing.toFixed(1)} s; model ${r.modelId}`,
  );
  return 0;
}

export function identityKey(file: string, io: Output): number {
  const created = createPseudonymKeyFile(file);
  if (!created.ok) {
    io.fail(`accord identity key: ${created.error}`);
    return 1;
  }
  io.out(`wrote a new pseudonymisation key to ${file} (readable only by you); key id ${created.value.id}`);
  io.out(
    'Keep it outside the analytic store and back it up: pseudonyms made with it cannot be remade without it.',
  );
  return 0;
}
