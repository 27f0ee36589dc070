/**
 * Benchmark: the identity module deduplicating every Patient of the synthetic partner feeds at once — practices,
 * trusts, community and mental health services, the ambulance service, councils — with its default settings, scored
 * against the feeds' ground truth (issue 4: at the auto-link threshold, precision ≥ 0.995 and recall ≥ 0.98; the
 * review queue per 100,000 records).
 *
 *   node --import tsx bench/linkage-synthetic.ts [--scale 0.0025] [--seed 1] [--out <dir>]
 *   node --import tsx bench/linkage-synthetic.ts --feeds <dir>/feeds
 *
 * Without --feeds it generates a population and its feeds (default: scale 0.0025, about 38,000 Patients, into a new
 * folder under the system's temporary folder, left there so a later run can reuse it with --feeds). Every Patient is
 * mapped by fhir-patient.ts and the lot passed to `linkRecords`; the ground truth is read only to score.
 *
 * True pairs are all pairs of Patient records of the same person (within and across organisations). Prints blocking
 * recall; pairwise precision, recall and F1 of the auto-links and of auto-link + review, and of the clusters the
 * auto-links make (their transitive closure, which is what a master patient index keeps); the review queue; the time;
 * then which planted faults the missed true pairs and the false links carry, the fields' levels among them, and the
 * weights the model learnt, so a reader can see what costs recall and precision.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultPartnershipDir, referenceDir } from '../src/core/paths.js';
import { patientToLinkRecord } from '../src/identity/fhir-patient.js';
import { decide, type Decision, type Outcome } from '../src/identity/linkage/decide.js';
import { levelWeight } from '../src/identity/linkage/model.js';
import { withinOneEdit } from '../src/identity/linkage/edit-distance.js';
import { type LinkRecord, prepareRecord } from '../src/identity/linkage/record.js';
import { DEFAULT_SETTINGS, linkRecords } from '../src/identity/linkage/train.js';
import { loadPartnership } from '../src/partnership/load.js';
import { parseCsv } from '../src/synthetic/csv.js';
import { writeFeeds } from '../src/synthetic/feeds/index.js';
import { generatePopulation } from '../src/synthetic/generate.js';

const { values } = parseArgs({
  options: {
    feeds: { type: 'string' },
    scale: { type: 'string', default: '0.0025' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(`linkage-synthetic: ${message}`);
  process.exit(1);
}

async function generate(scale: number, seed: number, out: string): Promise<string> {
  const partnership = loadPartnership(defaultPartnershipDir);
  if (!partnership.ok)
    fail(`the partnership has problems: ${partnership.error.map((i) => i.message).join('; ')}`);
  // One worker each: the machine is shared, and at this scale the work is seconds.
  const population = await generatePopulation({
    partnershipDir: defaultPartnershipDir,
    partnershipId: partnership.value.partnership.info.id,
    scale,
    seed,
    outDir: out,
    workers: 1,
  });
  if (!population.ok) fail(population.error.title);
  const feeds = await writeFeeds({ truthDir: out, outDir: out, seed, workers: 1 });
  if (!feeds.ok) fail(feeds.error.title);
  return feeds.value.dir;
}

let feedsDir = values.feeds;
if (feedsDir === undefined) {
  const scale = Number(values.scale);
  const seed = Number(values.seed);
  const out = values.out ?? mkdtempSync(join(tmpdir(), 'accord-linkage-synthetic-'));
  const started = process.hrtime.bigint();
  feedsDir = await generate(scale, seed, out);
  console.log(
    `generated scale ${scale}, seed ${seed} in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s: ${feedsDir}`,
  );
}

// --- Reading the feeds ------------------------------------------------------------------------------------------------

interface BulkManifest {
  readonly output: readonly { readonly type: string; readonly url: string }[];
}
const manifest = JSON.parse(readFileSync(join(feedsDir, 'manifest.json'), 'utf8')) as BulkManifest;
const records: LinkRecord[] = [];
let unreadable = 0;
const readStarted = process.hrtime.bigint();
for (const file of manifest.output.filter((f) => f.type === 'Patient')) {
  // The feed's folder is its organisation: the key the ground truth uses.
  const organisation = dirname(file.url).split('/').pop() ?? '';
  for (const line of readFileSync(join(feedsDir, file.url), 'utf8').split('\n')) {
    if (line === '') continue;
    const mapped = patientToLinkRecord(JSON.parse(line), organisation);
    if (mapped.ok) records.push(mapped.value);
    else if (unreadable++ < 5) console.error(mapped.error.title);
  }
}
const readSeconds = Number(process.hrtime.bigint() - readStarted) / 1e9;

// Scale 0.0025 with seed 2026 gave half the people one surname (Barnes), which made 5 million candidate pairs and
// ran out of memory: a population like that measures the generator, not linkage, so it is named before linking.
const surnames = new Map<string, number>();
for (const record of records) {
  if (record.surname !== undefined) surnames.set(record.surname, (surnames.get(record.surname) ?? 0) + 1);
}
const [commonest, commonestCount] = [...surnames].reduce((x, y) => (y[1] > x[1] ? y : x), ['', 0]);
if (commonestCount > 0.2 * records.length) {
  console.warn(
    `warning: ${((100 * commonestCount) / records.length).toFixed(1)}% of the records have the surname ${commonest} (the name tables make Smith about 5%): the synthetic names look broken`,
  );
}

interface Truth {
  readonly person: string;
  readonly duplicate: boolean;
  readonly faults: readonly string[];
}
const csv = parseCsv(readFileSync(join(feedsDir, 'ground-truth.csv'), 'utf8'), 'ground-truth.csv');
if (!csv.ok) fail(csv.error.map((issue) => issue.message).join('; '));
const [header, ...rows] = csv.value.map((record) => record.fields);
const column = (name: string) => {
  const index = header?.indexOf(name) ?? -1;
  if (index < 0) fail(`ground-truth.csv has no ${name} column`);
  return index;
};
const [cOrg, cType, cId, cPerson, cDuplicate, cFaults] = [
  'organisation',
  'resource_type',
  'id',
  'person_id',
  'duplicate',
  'faults',
].map(column) as [number, number, number, number, number, number];
const truthById = new Map<string, Truth>();
for (const row of rows) {
  if (row[cType] !== 'Patient') continue;
  truthById.set(`${row[cOrg]}/${row[cId]}`, {
    person: row[cPerson] ?? '',
    duplicate: row[cDuplicate] === 'true',
    faults: (row[cFaults] ?? '').split(' ').filter((fault) => fault !== ''),
  });
}

// --- Linking --------------------------------------------------------------------------------------------------------

const linkStarted = process.hrtime.bigint();
const run = linkRecords(records);
const linkSeconds = Number(process.hrtime.bigint() - linkStarted) / 1e9;
const n = run.left.length;

const truths = run.left.map((record) => {
  const truth = truthById.get(record.id);
  if (truth === undefined) fail(`${record.id} is not in the ground truth`);
  return truth;
});
const personIndex = new Map<string, number>();
const personOf = Int32Array.from(truths, (t) => {
  let index = personIndex.get(t.person);
  if (index === undefined) personIndex.set(t.person, (index = personIndex.size));
  return index;
});
const members: number[][] = Array.from({ length: personIndex.size }, () => []);
personOf.forEach((person, i) => members[person]?.push(i));
const choose2 = (k: number) => (k * (k - 1)) / 2;
const truePairs = members.reduce((sum, list) => sum + choose2(list.length), 0);
const key = (i: number, j: number) => (i < j ? i * n + j : j * n + i);

// --- Scoring --------------------------------------------------------------------------------------------------------

const outcomeOfTrue = new Map<number, Decision>();
const falseLinks: { i: number; j: number; decision: Decision }[] = [];
let candidatesTrue = 0;
const tally = { auto: 0, autoCorrect: 0, review: 0, reviewCorrect: 0 };
const inReview = new Set<number>();
run.pairs.forEach(([i, j], k) => {
  const decision = run.decisions[k];
  if (decision === undefined) return;
  const same = personOf[i] === personOf[j];
  if (same) {
    candidatesTrue++;
    outcomeOfTrue.set(key(i, j), decision);
  }
  if (decision.outcome === 'auto-link') {
    tally.auto++;
    if (same) tally.autoCorrect++;
    else falseLinks.push({ i, j, decision });
  } else if (decision.outcome === 'review') {
    tally.review++;
    if (same) tally.reviewCorrect++;
    inReview.add(i).add(j);
  }
});

const metrics = (predicted: number, correct: number) => {
  const precision = predicted === 0 ? 0 : correct / predicted;
  const recall = truePairs === 0 ? 0 : correct / truePairs;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return `${predicted} pairs, precision ${precision.toFixed(4)}, recall ${recall.toFixed(4)}, F1 ${f1.toFixed(4)}`;
};

// The clusters the auto-links make: a pair missed directly can still be joined through a third record.
const parent = Int32Array.from({ length: n }, (_, i) => i);
const root = (i: number): number => {
  let r = i;
  while (parent[r] !== r) r = parent[r] ?? r;
  while (parent[i] !== r) {
    const next = parent[i] ?? r;
    parent[i] = r;
    i = next;
  }
  return r;
};
run.pairs.forEach(([i, j], k) => {
  if (run.decisions[k]?.outcome === 'auto-link') parent[root(i)] = root(j);
});
const clusterSize = new Map<number, number>();
const clusterPerson = new Map<string, number>();
for (let i = 0; i < n; i++) {
  const r = root(i);
  clusterSize.set(r, (clusterSize.get(r) ?? 0) + 1);
  const cp = `${r}|${personOf[i]}`;
  clusterPerson.set(cp, (clusterPerson.get(cp) ?? 0) + 1);
}
const clusterPairs = [...clusterSize.values()].reduce((sum, size) => sum + choose2(size), 0);
const clusterCorrect = [...clusterPerson.values()].reduce((sum, size) => sum + choose2(size), 0);

const organisations = new Set(run.left.map((r) => r.id.slice(0, r.id.indexOf('/'))));
const per100k = (count: number) => ((100_000 * count) / n).toFixed(0);
console.log(
  `synthetic feeds ${feedsDir}: ${n} Patient records from ${organisations.size} organisations, ${personIndex.size} people, ${truePairs} true pairs` +
    (unreadable > 0 ? ` (${unreadable} resources unreadable, left out)` : ''),
);
console.log(
  `blocking: ${run.pairs.length} candidate pairs (${((100 * run.pairs.length) / choose2(n)).toFixed(3)}% of all pairs), recall ${(candidatesTrue / truePairs).toFixed(4)}`,
);
console.log(
  `EM: ${run.emIterations} iterations, converged ${run.emConverged}; λ (random pair) ${run.model.lambda.toExponential(3)}`,
);
console.log(`auto-link: ${metrics(tally.auto, tally.autoCorrect)}`);
console.log(
  `auto-link + review: ${metrics(tally.auto + tally.review, tally.autoCorrect + tally.reviewCorrect)}`,
);
console.log(`clusters of auto-links (transitive closure): ${metrics(clusterPairs, clusterCorrect)}`);
console.log(
  `review queue: ${tally.review} pairs (${tally.reviewCorrect} true), ${per100k(tally.review)} pairs per 100,000 records; ${inReview.size} records in it (${per100k(inReview.size)} per 100,000)`,
);
console.log(
  `time: linkage ${linkSeconds.toFixed(2)} s (estimation, blocking, scoring, decisions); reading and mapping the feeds ${readSeconds.toFixed(2)} s`,
);

// --- What the misses and false links carry ---------------------------------------------------------------------------

/** The planted faults of a pair, each once, with a second record at the same organisation marked as such. */
const faultsOf = (i: number, j: number): string[] => {
  const set = new Set<string>();
  for (const t of [truths[i], truths[j]]) {
    for (const fault of t?.faults ?? []) set.add(fault);
    if (t?.duplicate === true) set.add('(second record)');
  }
  return set.size === 0 ? ['(no fault)'] : [...set].sort();
};
const sameOrganisation = (i: number, j: number) => {
  const a = run.left[i]?.id ?? '';
  const b = run.left[j]?.id ?? '';
  return a.slice(0, a.indexOf('/')) === b.slice(0, b.indexOf('/'));
};

type Fate = Outcome | 'not blocked';
interface Row {
  pairs: number;
  missed: number;
  fates: Record<Fate, number>;
}
const byFault = new Map<string, Row>();
const missedCombos = new Map<string, number>();
const missedLevels = new Map<string, number>();
const unblockedWouldBe: Record<Outcome, number> = { 'auto-link': 0, review: 0, 'no-link': 0 };
const missedExamples: string[] = [];
const examplesShown = new Map<string, number>();
const missedReasons = new Map<string, number>();
/** Forename pairs that met no similarity level, in order, as normalised. */
const unlikeForenames = new Map<string, number>();
let unlikeForenamesOneEdit = 0;
const describeLevels = (decision: Decision) =>
  decision.evidence
    .filter((e, c) => e.level !== 'missing' && e.level !== run.model.comparisons[c]?.levels[1]?.label)
    .map((e) => `${e.field}: ${e.level}`);
for (const list of members) {
  for (let a = 0; a < list.length; a++) {
    for (let b = a + 1; b < list.length; b++) {
      const i = list[a] ?? 0;
      const j = list[b] ?? 0;
      const decided = outcomeOfTrue.get(key(i, j));
      const fate: Fate = decided?.outcome ?? 'not blocked';
      const faults = faultsOf(i, j);
      for (const fault of faults) {
        const row = byFault.get(fault) ?? {
          pairs: 0,
          missed: 0,
          fates: { 'auto-link': 0, review: 0, 'no-link': 0, 'not blocked': 0 },
        };
        row.pairs++;
        row.fates[fate]++;
        if (fate !== 'auto-link') row.missed++;
        byFault.set(fault, row);
      }
      if (fate === 'auto-link') continue;
      const combo = faults.join(' + ');
      missedCombos.set(combo, (missedCombos.get(combo) ?? 0) + 1);
      const left = run.left[i];
      const right = run.left[j];
      if (left === undefined || right === undefined) continue;
      const decision = decided ?? decide(run.model, left, right, DEFAULT_SETTINGS.thresholds);
      if (decided === undefined) unblockedWouldBe[decision.outcome]++;
      const reason = `${fate}, ${decision.reason}`;
      missedReasons.set(reason, (missedReasons.get(reason) ?? 0) + 1);
      if (decision.evidence.find((e) => e.field === 'forename')?.level === 'else') {
        const names = [left.forename ?? '', right.forename ?? ''].sort();
        const pair = names.join(' ~ ');
        unlikeForenames.set(pair, (unlikeForenames.get(pair) ?? 0) + 1);
        if (withinOneEdit(names[0] ?? '', names[1] ?? '')) unlikeForenamesOneEdit++;
      }
      for (const level of describeLevels(decision))
        missedLevels.set(level, (missedLevels.get(level) ?? 0) + 1);
      // A few of each kind of miss, so the rarer kinds are seen beside the commonest.
      const shown = examplesShown.get(reason) ?? 0;
      if (shown < 3) {
        examplesShown.set(reason, shown + 1);
        missedExamples.push(
          `  [${reason}] ${combo}: ${left.forename ?? '-'} ${left.surname ?? '-'} / ${right.forename ?? '-'} ${right.surname ?? '-'}, p=${decision.probability.toFixed(3)} w=${decision.weight.toFixed(1)}; ${decision.evidence
            .filter((e) => e.level !== 'missing')
            .map((e) => `${e.field} ${e.level} ${e.weight.toFixed(1)}`)
            .join(', ')}`,
        );
      }
    }
  }
}

/** Formal name ~ variant pairs of the table the feeds plant nicknames from, normalised and in order. */
function feedNicknamePairs(): Set<string> {
  const pairs = new Set<string>();
  let table: string;
  try {
    table = readFileSync(join(referenceDir, 'names', 'nicknames.csv'), 'utf8');
  } catch {
    return pairs;
  }
  const parsed = parseCsv(table);
  if (!parsed.ok) return pairs;
  for (const { fields } of parsed.value.slice(1)) {
    const names = [
      prepareRecord({ id: '', forename: fields[0] }).forename ?? '',
      prepareRecord({ id: '', forename: fields[1] }).forename ?? '',
    ];
    pairs.add(names.sort().join(' ~ '));
  }
  return pairs;
}

const top = (map: Map<string, number>, count: number) =>
  [...map.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, count);
const missedTotal = truePairs - tally.autoCorrect;
console.log(
  `\nmissed true pairs (not auto-linked): ${missedTotal}, of which not blocked ${truePairs - candidatesTrue}, review ${tally.reviewCorrect}, no-link ${candidatesTrue - tally.autoCorrect - tally.reviewCorrect}`,
);
console.log(
  `  the unblocked ones, if they had been compared: auto-link ${unblockedWouldBe['auto-link']}, review ${unblockedWouldBe.review}, no-link ${unblockedWouldBe['no-link']}`,
);
console.log(
  `  by outcome and reason: ${top(missedReasons, 6)
    .map(([reason, count]) => `${reason} ${count}`)
    .join('; ')}`,
);
console.log(
  '\nby planted fault (a pair counts under every fault either record carries):\n' +
    '  fault                      true pairs    missed  miss rate   not blocked    review   no-link  share of misses',
);
for (const [fault, row] of [...byFault.entries()].sort((x, y) => y[1].missed - x[1].missed)) {
  console.log(
    `  ${fault.padEnd(24)} ${String(row.pairs).padStart(12)} ${String(row.missed).padStart(9)} ${(row.missed / row.pairs).toFixed(4).padStart(10)} ${String(row.fates['not blocked']).padStart(13)} ${String(row.fates.review).padStart(9)} ${String(row.fates['no-link']).padStart(9)} ${(missedTotal === 0 ? 0 : row.missed / missedTotal).toFixed(3).padStart(16)}`,
  );
}
console.log('\nmissed true pairs by exact combination of faults (top 12):');
for (const [combo, count] of top(missedCombos, 12)) console.log(`  ${String(count).padStart(7)}  ${combo}`);
console.log('\nfield levels other than exact among missed true pairs (top 15):');
for (const [level, count] of top(missedLevels, 15)) console.log(`  ${String(count).padStart(7)}  ${level}`);
const unlikeTotal = [...unlikeForenames.values()].reduce((sum, count) => sum + count, 0);
const feedNicknames = feedNicknamePairs();
const inFeedTable = [...unlikeForenames].reduce(
  (sum, [pair, count]) => sum + (feedNicknames.has(pair) ? count : 0),
  0,
);
console.log(
  `\nmissed true pairs whose forenames met no level ('else'): ${unlikeTotal}; within one edit (typo) ${unlikeForenamesOneEdit}; a pair in the feeds' nickname table (reference/names/nicknames.csv) ${inFeedTable}. Commonest (top 15):`,
);
for (const [pair, count] of top(unlikeForenames, 15)) console.log(`  ${String(count).padStart(7)}  ${pair}`);
console.log('\nexamples of missed true pairs:');
for (const line of missedExamples) console.log(line);

const falseCombos = new Map<string, number>();
const falseLevels = new Map<string, number>();
const falseReasons = new Map<string, number>();
let falseSameOrganisation = 0;
for (const { i, j, decision } of falseLinks) {
  const combo = faultsOf(i, j).join(' + ');
  falseCombos.set(combo, (falseCombos.get(combo) ?? 0) + 1);
  falseReasons.set(decision.reason, (falseReasons.get(decision.reason) ?? 0) + 1);
  const pattern = decision.evidence.map((e) => `${e.field}=${e.level}`).join(', ');
  falseLevels.set(pattern, (falseLevels.get(pattern) ?? 0) + 1);
  if (sameOrganisation(i, j)) falseSameOrganisation++;
}
console.log(
  `\nfalse auto-links: ${falseLinks.length} (${falseSameOrganisation} within one organisation); by reason: ${top(
    falseReasons,
    5,
  )
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ')}`,
);
console.log('by the faults the two records carry (top 8):');
for (const [combo, count] of top(falseCombos, 8)) console.log(`  ${String(count).padStart(7)}  ${combo}`);
console.log('by comparison levels (top 10):');
for (const [pattern, count] of top(falseLevels, 10))
  console.log(`  ${String(count).padStart(7)}  ${pattern}`);
console.log('examples:');
for (const { i, j, decision } of falseLinks.slice(0, 8)) {
  const show = (index: number) => {
    const r = records.find((record) => record.id === run.left[index]?.id);
    return `${r?.forename ?? '-'} ${r?.surname ?? '-'} ${r?.dateOfBirth ?? '-'} ${r?.sex ?? '-'} ${r?.postcode ?? '-'} ${r?.address ?? '-'} (${truths[index]?.person ?? ''})`;
  };
  console.log(
    `  p=${decision.probability.toFixed(4)} w=${decision.weight.toFixed(1)}: ${show(i)} ≈ ${show(j)}`,
  );
}

const reviewFalse = new Map<string, number>();
run.pairs.forEach(([i, j], k) => {
  const decision = run.decisions[k];
  if (decision?.outcome !== 'review' || personOf[i] === personOf[j]) return;
  const pattern = `${decision.reason}: ${decision.evidence.map((e) => `${e.field}=${e.level}`).join(', ')}`;
  reviewFalse.set(pattern, (reviewFalse.get(pattern) ?? 0) + 1);
});
console.log(
  `\nreview queue: ${tally.reviewCorrect} true pairs, ${tally.review - tally.reviewCorrect} false; the false by levels (top 6):`,
);
for (const [pattern, count] of top(reviewFalse, 6)) console.log(`  ${String(count).padStart(7)}  ${pattern}`);

// Which rules earn their candidate pairs: the true pairs each finds, and those no other rule finds.
const rules = DEFAULT_SETTINGS.blockingRules;
const ruleTally = rules.map(() => ({ pairs: 0, truePairs: 0, only: 0 }));
const shares = (i: number, j: number) =>
  rules.map((rule) => {
    const a = run.left[i];
    const b = run.left[j];
    if (a === undefined || b === undefined) return false;
    const x = rule.key(a);
    return x !== undefined && x === rule.key(b);
  });
run.pairs.forEach(([i, j]) => {
  const shared = shares(i, j);
  const same = personOf[i] === personOf[j];
  const count = shared.filter(Boolean).length;
  shared.forEach((hit, r) => {
    const t = ruleTally[r];
    if (!hit || t === undefined) return;
    t.pairs++;
    if (same) t.truePairs++;
    if (same && count === 1) t.only++;
  });
});
console.log('\nblocking rules: candidate pairs, true pairs found, true pairs no other rule finds');
rules.forEach((rule, r) => {
  const t = ruleTally[r];
  if (t === undefined) return;
  console.log(
    `  ${rule.name.padEnd(52)} ${String(t.pairs).padStart(9)} ${String(t.truePairs).padStart(9)} ${String(t.only).padStart(7)}`,
  );
});

console.log('\nweights learnt (log2 m/u) by field and level:');
run.model.comparisons.forEach((comparison, c) => {
  const levels = comparison.levels.map(
    (level, l) => `${level.label} ${levelWeight(run.model, c, l).toFixed(2)}`,
  );
  console.log(`  ${comparison.field}: ${levels.join(' · ')}`);
});
