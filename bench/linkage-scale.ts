/**
 * Benchmark: deduplicating a million records end to end — estimation, blocking, scoring, clustering — against the
 * issue's budget (≤ 60 s on 2 cores, ≤ 4 GB; Splink takes about a minute on a laptop).
 *
 *   node --import tsx bench/linkage-scale.ts [--records 1000000] [--seed 1] [--threads 2]
 *
 * The records come from `linkage-scale-population.ts` (people in households, some with two or three records, name
 * frequencies from the reference tables, the feeds' faults), seeded. Generating them is not timed. Prints each
 * stage's wall time, the CPU time of all threads, the candidate pairs and the blocking keys skipped for size, peak
 * memory (maximum resident set of the whole process, worker threads included), and pairwise precision and recall of
 * the auto-links and of the clusters they make, against the generated truth.
 */
import { parseArgs } from 'node:util';
import { connectedComponents } from '../src/identity/linkage/cluster.js';
import { AUTO_LINK, NO_LINK, REVIEW } from '../src/identity/linkage/pair-scoring.js';
import { linkRecordsInParallel } from '../src/identity/linkage/parallel-compare.js';
import { scalePopulation } from './linkage-scale-population.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
    threads: { type: 'string', default: '2' },
  },
});
const wanted = Number(values.records);
const threads = Number(values.threads);

const generated = performance.now();
const { records, person, people } = scalePopulation(wanted, Number(values.seed));
console.log(
  `records: ${records.length.toLocaleString('en-GB')} of ${people.toLocaleString('en-GB')} people (generated in ${((performance.now() - generated) / 1000).toFixed(1)} s, not timed)`,
);

const started = performance.now();
const cpuStarted = process.cpuUsage();
const run = await linkRecordsInParallel(records, undefined, undefined, { threads });
const clusteringStarted = performance.now();
const { count, left, right } = run.candidates;
const edges = function* (): Generator<readonly [number, number]> {
  for (let k = 0; k < count; k++) if (run.outcomes[k] === AUTO_LINK) yield [left[k] ?? 0, right[k] ?? 0];
};
const { component } = connectedComponents(records.length, edges());
const clusteringSeconds = (performance.now() - clusteringStarted) / 1000;
const totalSeconds = (performance.now() - started) / 1000;
// CPU time of every thread together: on a shared machine the wall time depends on what else runs, this much less.
const cpu = process.cpuUsage(cpuStarted);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;

for (const stage of run.stages)
  console.log(`  ${stage.name.padEnd(22)} ${stage.seconds.toFixed(2).padStart(7)} s`);
console.log(`  ${'clustering'.padEnd(22)} ${clusteringSeconds.toFixed(2).padStart(7)} s`);
console.log(`  ${'total'.padEnd(22)} ${totalSeconds.toFixed(2).padStart(7)} s (${threads} thread(s))`);
console.log(`  ${'CPU, all threads'.padEnd(22)} ${cpuSeconds.toFixed(2).padStart(7)} s`);

const outcomes = [0, 0, 0];
for (const outcome of run.outcomes) outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
console.log(
  `candidate pairs: ${count.toLocaleString('en-GB')} (auto-link ${outcomes[AUTO_LINK]?.toLocaleString('en-GB')}, review ${outcomes[REVIEW]?.toLocaleString('en-GB')}, no-link ${outcomes[NO_LINK]?.toLocaleString('en-GB')})`,
);
const skipped = run.skippedKeys.filter((s) => s.keys > 0);
console.log(
  `blocking keys skipped for size: ${skipped.length === 0 ? 'none' : skipped.map((s) => `${s.rule}: ${s.keys} keys (${s.pairs.toLocaleString('en-GB')} pairs)`).join('; ')}`,
);
console.log(`EM: ${run.emIterations} iterations, converged ${run.emConverged}`);
console.log(`peak memory (max RSS): ${(process.resourceUsage().maxRSS / 1024 / 1024).toFixed(2)} GiB`);

// Truth: pairs of records of one person.
const recordsOf = new Int32Array(people);
for (const p of person) recordsOf[p] = (recordsOf[p] ?? 0) + 1;
let truePairs = 0;
for (const n of recordsOf) truePairs += (n * (n - 1)) / 2;
let blocked = 0;
let linked = 0;
let linkedCorrect = 0;
for (let k = 0; k < count; k++) {
  const same = person[left[k] ?? 0] === person[right[k] ?? 0];
  if (same) blocked++;
  if (run.outcomes[k] !== AUTO_LINK) continue;
  linked++;
  if (same) linkedCorrect++;
}
// Cluster pairs: all pairs within a cluster, and those of one person.
const clusterSize = new Map<number, number>();
const clusterPerson = new Map<string, number>();
component.forEach((c, i) => {
  clusterSize.set(c, (clusterSize.get(c) ?? 0) + 1);
  const key = `${c}|${person[i] ?? -1}`;
  clusterPerson.set(key, (clusterPerson.get(key) ?? 0) + 1);
});
let clusterPairs = 0;
for (const n of clusterSize.values()) clusterPairs += (n * (n - 1)) / 2;
let clusterCorrect = 0;
for (const n of clusterPerson.values()) clusterCorrect += (n * (n - 1)) / 2;
const f1 = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
const show = (name: string, predicted: number, correct: number) => {
  const precision = predicted === 0 ? 0 : correct / predicted;
  const recall = correct / truePairs;
  console.log(
    `${name}: ${predicted.toLocaleString('en-GB')} pairs, precision ${precision.toFixed(4)}, recall ${recall.toFixed(4)}, F1 ${f1(precision, recall).toFixed(4)}`,
  );
};
console.log(
  `true pairs: ${truePairs.toLocaleString('en-GB')}; blocking recall ${(blocked / truePairs).toFixed(4)}`,
);
show('auto-link pairs', linked, linkedCorrect);
show('clusters of auto-links', clusterPairs, clusterCorrect);
