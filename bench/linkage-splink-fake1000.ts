/**
 * Benchmark: Splink's fake_1000 deduplicated (1,000 records of 251 people with typing errors, missing values and
 * corrupted emails; the file's `cluster` column says who is who, 2,031 true pairs) by the identity module's linkage
 * with its default settings and only a column mapping, read as `accord link` reads it: first_name → forename,
 * surname, dob → date of birth, city → address, email. The data have no postcode, sex or NHS number.
 *
 *   node --import tsx bench/linkage-splink-fake1000.ts [--dir /work/shared/data/linkage-benchmarks/splink] [--map <m>]
 *
 * Prints blocking recall, then pairwise precision, recall and F1 against every true pair (of the pairs auto-linked,
 * at or above review, with probability ≥ 0.5, and within the clusters the auto-links make), then the same decisions
 * against fake_1000_labels.csv: Splink's clerically labelled pairs (clerical_match_score 1 a match, 0 not), where a
 * labelled pair that blocking never compared counts as not linked.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Decision } from '../src/identity/linkage/decide.js';
import { linkRecords } from '../src/identity/linkage/train.js';
import { parseCsv } from '../src/synthetic/csv.js';
import {
  decidedPairs,
  pairKey,
  pairsWithinGroups,
  readBenchmark,
  report,
  score,
  show,
} from './linkage-scoring.js';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: '/work/shared/data/linkage-benchmarks/splink' },
    map: {
      type: 'string',
      default: 'id=unique_id,forename=first_name,surname=surname,dateOfBirth=dob,address=city,email=email',
    },
  },
});

function readTable(file: string): Record<string, string>[] {
  const parsed = parseCsv(readFileSync(join(values.dir, file), 'utf8'), file);
  if (!parsed.ok) throw new Error(`${file} is not CSV`);
  const [header, ...rows] = parsed.value;
  return rows.map((row) =>
    Object.fromEntries((header?.fields ?? []).map((name, i) => [name, row.fields[i] ?? ''])),
  );
}

const reading = process.hrtime.bigint();
const { records, problems } = readBenchmark(join(values.dir, 'fake_1000.csv'), values.map);
const readSeconds = Number(process.hrtime.bigint() - reading) / 1e9;

const groups = new Map<string, string[]>();
for (const { unique_id: id = '', cluster = '' } of readTable('fake_1000.csv'))
  groups.set(cluster, [...(groups.get(cluster) ?? []), id]);
const truth = pairsWithinGroups(groups);
const labels = readTable('fake_1000_labels.csv').map((row) => ({
  key: pairKey(row.unique_id_l ?? '', row.unique_id_r ?? ''),
  match: Number(row.clerical_match_score) >= 0.5,
}));

const started = process.hrtime.bigint();
const run = linkRecords(records);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;

console.log(
  `fake_1000: ${records.length} records of ${groups.size} people, ${truth.size} true pairs; mapping ${values.map}`,
);
console.log(`rows with a problem accord link reports (bad value counted as missing): ${problems}`);
report(run, truth);

const labelledTruth = new Set(labels.filter((label) => label.match).map((label) => label.key));
const labelled = new Set(labels.map((label) => label.key));
const onLabelled = (accept: (decision: Decision) => boolean) =>
  [...decidedPairs(run, accept)].filter((key) => labelled.has(key));
console.log(`clerical labels: ${labels.length} pairs, ${labelledTruth.size} matches`);
show(
  '  auto-link, on the labelled pairs',
  score(
    onLabelled((d) => d.outcome === 'auto-link'),
    labelledTruth,
  ),
);
show(
  '  auto-link + review, on the labelled pairs',
  score(
    onLabelled((d) => d.outcome !== 'no-link'),
    labelledTruth,
  ),
);
console.log(
  `time: ${seconds.toFixed(2)} s (estimation, blocking, scoring, decisions); reading and checking the file ${readSeconds.toFixed(2)} s`,
);
