/**
 * @module cli/commands/link
 * `accord link`: probabilistic linkage of two CSV files, or deduplication of one, from the command line. Reads the
 * files through a column mapping, reports every bad row with its line, links with the default settings, and writes
 * the clusters (who is the same person) and the scored pairs (the evidence) as CSV. Exit codes as in cli/main.
 *
 * Bad rows: `stop` (the default) reports them all and writes nothing, so a bad feed is fixed before anything is
 * built on it; `skip` reports them and links the rest; `missing` keeps a row whose only fault is a value (a bad NHS
 * number, date of birth, sex or email), counting that value as missing, as the linkage itself would.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { formatIssue } from '../../core/problem.js';
import { clusterAutoLinks } from '../../identity/linkage/cluster.js';
import { NO_LINK, OUTCOMES } from '../../identity/linkage/pair-scoring.js';
import {
  type BadValuePolicy,
  type ColumnMapping,
  LINK_FIELDS,
  type LinkCsv,
  type LinkField,
  parseColumnMapping,
  readLinkCsv,
} from '../../identity/linkage/csv-input.js';
import { linkRecords, type LinkRun } from '../../identity/linkage/train.js';
import { formatCsv } from '../../synthetic/csv.js';

export interface Output {
  readonly out: (line: string) => void;
  readonly fail: (line: string) => void;
}

export const LINK_OPTIONS = {
  map: { type: 'string', multiple: true },
  out: { type: 'string' },
  'on-error': { type: 'string', default: 'stop' },
  'all-pairs': { type: 'boolean', default: false },
} as const;

const ON_ERROR: Readonly<Record<string, BadValuePolicy | 'stop'>> = {
  stop: 'stop',
  skip: 'reject-row',
  missing: 'treat-as-missing',
};

const count = (n: number) => n.toLocaleString('en-GB');

/** Runs `accord link <left.csv> [right.csv]`; returns the exit code. */
export async function runLink(
  values: Record<string, unknown>,
  positionals: readonly string[],
  io: Output,
): Promise<number> {
  const started = process.hrtime.bigint();
  const [leftFile, rightFile] = positionals;
  const mapText = Array.isArray(values.map) ? values.map.filter((v) => typeof v === 'string').join(',') : '';
  const outDir = values.out;
  const onError = ON_ERROR[typeof values['on-error'] === 'string' ? values['on-error'] : ''];
  if (leftFile === undefined || mapText === '' || typeof outDir !== 'string') {
    io.fail(
      'accord link: a file, --map and --out are required (e.g. --map id=rec_id,forename=given_name --out ./linked)',
    );
    return 2;
  }
  if (onError === undefined) {
    io.fail('accord link: --on-error must be stop, skip or missing');
    return 2;
  }
  const mapping = parseColumnMapping(mapText);
  if (!mapping.ok) {
    io.fail('accord link: the --map is wrong:');
    for (const problem of mapping.error) io.fail(`  ${problem}`);
    return 2;
  }

  const sides = rightFile === undefined ? [leftFile] : [leftFile, rightFile];
  const read: LinkCsv[] = [];
  let problems = 0;
  for (const file of sides) {
    const csv = readSide(file, mapping.value, onError === 'stop' ? 'reject-row' : onError, io);
    if (csv === undefined) return 1;
    for (const issue of csv.issues) io.fail(formatIssue(issue));
    problems += csv.issues.length;
    read.push(csv);
  }
  const [left, right] = read;
  if (left === undefined) return 1;
  const rejected = read.reduce((sum, csv) => sum + csv.rejected, 0);
  if (problems > 0 && onError === 'stop') {
    io.fail(
      `accord link: ${count(problems)} problem(s) in ${count(rejected)} row(s); nothing written. Fix the rows, or run ` +
        'again with --on-error skip (link the good rows) or --on-error missing (count a bad value as missing).',
    );
    return 1;
  }
  if (read.some((csv) => csv.records.length === 0)) {
    io.fail('accord link: no rows left to link');
    return 1;
  }
  const readSeconds = seconds(started);

  const linking = process.hrtime.bigint();
  const run = linkRecords(left.records, right?.records);
  const clusters = clusterAutoLinks(left.records.length, right?.records.length, run.candidates, run.outcomes);
  const linkSeconds = seconds(linking);

  const labels = right === undefined ? ['left'] : ['left', 'right'];
  const clusterRows = [['record_id', 'source', 'cluster_id']];
  read.forEach((csv, side) => {
    const of = side === 0 ? clusters.left : clusters.right;
    csv.records.forEach((record, i) => {
      clusterRows.push([record.id, labels[side] ?? '', String((of[i] ?? 0) + 1)]);
    });
  });
  const pairRows = pairTable(run, mapping.value, values['all-pairs'] === true);
  const writing = process.hrtime.bigint();
  try {
    writeAtomically(outDir, [
      ['clusters.csv', formatCsv(clusterRows)],
      ['pairs.csv', formatCsv(pairRows)],
    ]);
  } catch (error) {
    io.fail(`accord link: cannot write to ${outDir}: ${(error as Error).message}`);
    return 1;
  }

  // Counted from the outcome column: a Decision per pair would not fit in memory at a million records.
  const outcomes = { 'auto-link': 0, review: 0, 'no-link': 0 };
  for (const code of run.outcomes) outcomes[OUTCOMES[code] ?? 'no-link']++;
  const records = read.map((csv) => csv.records.length);
  io.out(
    [
      `accord link: ${right === undefined ? 'deduplicated' : 'linked'} ${sides.map((file, side) => `${basename(file)} (${count(records[side] ?? 0)} records)`).join(' and ')}` +
        (problems > 0 ? `; ${count(problems)} problem(s) reported, ${count(rejected)} row(s) left out` : ''),
      `  candidate pairs  ${count(run.candidates.count)}`,
      `  auto-links       ${count(outcomes['auto-link'])}`,
      `  reviews          ${count(outcomes.review)}`,
      `  clusters         ${count(clusters.count)} (${count(clusters.linked)} of more than one record)`,
      `  wrote            ${join(outDir, 'clusters.csv')}, ${join(outDir, 'pairs.csv')} (${count(pairRows.length - 1)} pairs)`,
      `  time             ${seconds(started).toFixed(2)} s (reading ${readSeconds.toFixed(2)} s, linking ${linkSeconds.toFixed(2)} s, writing ${seconds(writing).toFixed(2)} s)`,
    ].join('\n'),
  );
  return 0;
}

function readSide(
  file: string,
  mapping: ColumnMapping,
  badValues: BadValuePolicy,
  io: Output,
): LinkCsv | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    io.fail(`accord link: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
  const csv = readLinkCsv(text, file, mapping, { badValues });
  if (!csv.ok) {
    for (const issue of csv.error) io.fail(formatIssue(issue));
    io.fail(`accord link: cannot read ${file}; nothing written`);
    return undefined;
  }
  return csv.value;
}

/**
 * One row per pair: the ids, the decision, and each field's level and weight, which is what a reviewer needs to see
 * why. Without `all`, only the pairs that are linked or need review: the no-links are most candidate pairs and say
 * little. Rows are in the order of the records, so two runs on the same files give the same file.
 */
function pairTable(run: LinkRun, mapping: ColumnMapping, all: boolean): string[][] {
  // A field no column was mapped to is missing in every pair: its columns would only be noise.
  const shown = run.model.comparisons.map(
    (comparison) =>
      !(comparison.field in LINK_FIELDS) || mapping[comparison.field as LinkField] !== undefined,
  );
  const fields = run.model.comparisons.filter((_, c) => shown[c]).map((comparison) => comparison.field);
  const rows = [
    [
      'left_id',
      'right_id',
      'outcome',
      'reason',
      'probability',
      'weight',
      ...fields.flatMap((field) => [`${field}_level`, `${field}_weight`]),
    ],
  ];
  const { left, right } = run.candidates;
  // Only the pairs written get a Decision (with its evidence), built on demand.
  const order = Array.from({ length: run.candidates.count }, (_, k) => k)
    .filter((k) => all || run.outcomes[k] !== NO_LINK)
    .sort((a, b) => (left[a] ?? 0) - (left[b] ?? 0) || (right[a] ?? 0) - (right[b] ?? 0));
  for (const k of order) {
    const pair = [left[k] ?? 0, right[k] ?? 0] as const;
    const decision = run.decision(k);
    rows.push([
      run.left[pair[0]]?.id ?? '',
      run.right[pair[1]]?.id ?? '',
      decision.outcome,
      decision.reason,
      decision.probability.toFixed(6),
      decision.weight.toFixed(3),
      ...decision.evidence
        .filter((_, c) => shown[c])
        .flatMap((evidence) => [evidence.level, evidence.weight.toFixed(3)]),
    ]);
  }
  return rows;
}

/**
 * Writes every file under a temporary name first and renames them into place only when all are written, so a
 * failure (a full disk, an interruption) never leaves a half-written file where a finished one is expected.
 */
function writeAtomically(dir: string, files: readonly (readonly [string, string])[]): void {
  mkdirSync(dir, { recursive: true });
  const temporary = files.map(([name]) => join(dir, `.${name}.${process.pid}.tmp`));
  try {
    files.forEach(([, text], i) => {
      writeFileSync(temporary[i] ?? '', text);
    });
    files.forEach(([name], i) => {
      renameSync(temporary[i] ?? '', join(dir, name));
    });
  } finally {
    for (const file of temporary) rmSync(file, { force: true });
  }
}

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;
