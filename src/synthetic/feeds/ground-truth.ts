/**
 * @module synthetic/feeds/ground-truth
 * The answer key of record linkage: for every Patient in every feed, the person of the ground truth it is, whether it
 * is a person's second record at that organisation, and the faults planted in it. Written beside the feeds as
 * `ground-truth.csv`, for tests and benchmarks only — a linkage run must never read it.
 *
 * The deaths register (deaths-register.ts) also has a row for each cause of death Observation, after its Patient's:
 * there the Observation is what a test scores (whose death it codes), and a register has no faults to record.
 *
 * Rows are in the order of the Patient lines: by organisation, then as each organisation's feed lists them. Each
 * organisation's rows are first appended to a part file of its own (whichever worker writes that organisation's
 * feed), then the parts are joined in organisation order, so the file is the same however the work was shared out.
 */
import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { formatCsv, formatCsvField } from '../csv.js';
import { FAULT_LABELS, type Fault } from './faults.js';
import { FeedFiles } from './feed-files.js';

export const GROUND_TRUTH_FILE = 'ground-truth.csv';
export const GROUND_TRUTH_COLUMNS = [
  'organisation',
  'resource_type',
  'id',
  'person_id',
  'duplicate',
  'faults',
] as const;

export interface GroundTruthRow {
  readonly organisation: string;
  /** The resource the row is about: a Patient unless said (the deaths register lists its Observations too). */
  readonly resourceType?: string;
  readonly id: string;
  readonly personId: string;
  readonly duplicate: boolean;
  readonly faults: readonly Fault[];
}

/** The ground truth's part files: `<dir>/<organisation>/rows.csv`, written through FeedFiles. */
export const groundTruthParts = (dir: string): FeedFiles => new FeedFiles(dir, ['rows'], '.csv');
const partFile = (dir: string, organisation: string) => join(dir, organisation, 'rows.csv');

/** Appends a row to the current organisation's part (`parts.organisation(key)` first). */
export function appendGroundTruth(parts: FeedFiles, row: GroundTruthRow): void {
  parts.line(
    0,
    [
      row.organisation,
      row.resourceType ?? 'Patient',
      row.id,
      row.personId,
      String(row.duplicate),
      row.faults.map((fault) => FAULT_LABELS[fault]).join(' '),
    ]
      .map(formatCsvField)
      .join(','),
  );
}

/** Joins the part files of `organisations` (in that order) into `file` under a header, and removes `dir`. */
export function joinGroundTruth(dir: string, organisations: readonly string[], file: string): void {
  writeFileSync(file, formatCsv([GROUND_TRUTH_COLUMNS]));
  const fd = openSync(file, 'a');
  try {
    for (const organisation of organisations) {
      let part: Buffer;
      try {
        part = readFileSync(partFile(dir, organisation));
      } catch {
        continue; // an organisation with no records has no part
      }
      let done = 0;
      while (done < part.length) done += writeSync(fd, part, done, part.length - done);
    }
  } finally {
    closeSync(fd);
  }
  rmSync(dir, { recursive: true, force: true });
}
