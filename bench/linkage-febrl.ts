/**
 * Benchmark: FEBRL4 (dataset4a × dataset4b, 5,000 records each, 5,000 true pairs) linked by the identity module's
 * probabilistic linkage with its default settings — comparisons, blocking rules, thresholds — and only a column
 * mapping: given_name → forename, surname → surname, date_of_birth → date of birth, postcode → postcode. FEBRL has
 * no sex and no NHS number (its soc_sec_id is not one), and its address columns are not among our comparisons.
 *
 *   node --import tsx bench/linkage-febrl.ts [--dir /work/shared/data/linkage-benchmarks/febrl]
 *
 * Prints blocking recall, then precision, recall and F1 of the pairs auto-linked, of those at or above the review
 * threshold, and of those with match probability ≥ 0.5 (a point Splink publishes), with the time taken. The data are read from where they are kept (never copied into the repository; see SOURCES.md).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Decision } from '../src/identity/linkage/decide.js';
import type { LinkRecord } from '../src/identity/linkage/record.js';
import { linkRecords } from '../src/identity/linkage/train.js';

const { values } = parseArgs({
  options: { dir: { type: 'string', default: '/work/shared/data/linkage-benchmarks/febrl' } },
});
const dir = values.dir;

/** FEBRL's files: comma-and-space separated, a header row, no quoting. */
function readRows(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(join(dir, file), 'utf8')
    .split(/\r?\n/)
    .filter((line) => line !== '');
  const names = (header ?? '').split(',').map((name) => name.trim());
  return lines.map((line) => {
    const cells = line.split(',').map((cell) => cell.trim());
    return Object.fromEntries(names.map((name, i) => [name, cells[i] ?? '']));
  });
}

const blankToUndefined = (text: string | undefined) => (text === undefined || text === '' ? undefined : text);
const toRecord = (row: Record<string, string>): LinkRecord => ({
  id: row.rec_id ?? '',
  forename: blankToUndefined(row.given_name),
  surname: blankToUndefined(row.surname),
  dateOfBirth: blankToUndefined(row.date_of_birth),
  postcode: blankToUndefined(row.postcode),
  address: blankToUndefined(
    [`${row.street_number ?? ''} ${row.address_1 ?? ''}`, row.address_2, row.suburb]
      .map((part) => part?.trim() ?? '')
      .filter((part) => part !== '')
      .join(', '),
  ),
  otherIdentifier: blankToUndefined(row.soc_sec_id),
});

const left = readRows('dataset4a.csv').map(toRecord);
const right = readRows('dataset4b.csv').map(toRecord);
const truth = new Set(readRows('dataset4_true_pairs.csv').map((row) => `${row.rec_id_a}|${row.rec_id_b}`));

const started = process.hrtime.bigint();
const run = linkRecords(left, right);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;

function score(accept: (decision: Decision) => boolean) {
  let predicted = 0;
  let correct = 0;
  run.pairs.forEach(([i, j], k) => {
    const decision = run.decisions[k];
    if (decision === undefined || !accept(decision)) return;
    predicted++;
    if (truth.has(`${left[i]?.id ?? ''}|${right[j]?.id ?? ''}`)) correct++;
  });
  const precision = predicted === 0 ? 0 : correct / predicted;
  const recall = correct / truth.size;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { predicted, correct, precision, recall, f1 };
}

const candidatesTrue = run.pairs.filter(([i, j]) =>
  truth.has(`${left[i]?.id ?? ''}|${right[j]?.id ?? ''}`),
).length;
const show = (name: string, s: ReturnType<typeof score>) => {
  console.log(
    `${name}: ${s.predicted} pairs, precision ${s.precision.toFixed(4)}, recall ${s.recall.toFixed(4)}, F1 ${s.f1.toFixed(4)}`,
  );
};
console.log(`FEBRL4: ${left.length} × ${right.length} records, ${truth.size} true pairs`);
console.log(
  `blocking: ${run.pairs.length} candidate pairs (${((100 * run.pairs.length) / (left.length * right.length)).toFixed(3)}% of the cross product), recall ${(candidatesTrue / truth.size).toFixed(4)}`,
);
console.log(
  `EM: ${run.emIterations} iterations, converged ${run.emConverged}; λ (random pair) ${run.model.lambda.toExponential(3)}`,
);
show(
  'auto-link',
  score((d) => d.outcome === 'auto-link'),
);
show(
  'auto-link + review',
  score((d) => d.outcome !== 'no-link'),
);
// The point Splink publishes besides its best F1.
show(
  'match probability ≥ 0.5',
  score((d) => d.probability >= 0.5),
);
console.log(
  `time: ${seconds.toFixed(2)} s (estimation, blocking, scoring, decisions; excluding reading the files)`,
);
