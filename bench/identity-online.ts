/**
 * Benchmark: one incoming record matched online by the master patient index (issue 4: "p95 ≤ 50 ms against 2.6M
 * persons"). An index of `--persons` persons (default 2,600,000, West Yorkshire and Harrogate's population), one
 * record each from the scale benchmark's synthetic population (realistic name skew, households, shared streets), is
 * written straight into a throwaway embedded PostgreSQL with its blocking keys — loading is not what is measured —
 * with a model estimated from 100,000 of the population's records (people appearing once, twice or three times). Then `--queries` records (default 2,000) arrive one at a time
 * through `addRecord`, as from the API: half are another partner's imperfect record of an indexed person, half are
 * people not in the index. Each call is the whole transaction: lock, candidate lookup, scoring, the record, its keys,
 * its events and any reviews written and committed.
 *
 *   node --max-old-space-size=12000 --import tsx bench/identity-online.ts [--persons N] [--queries N]
 *
 * Prints the load time, then latency p50 / p95 / p99 / max, and how the arrivals were decided: joined the right
 * person, started a person, or joined a wrong one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { blockingKeys, addRecord, identityIndex } from '../src/identity/index/service.js';
import { saveModel } from '../src/identity/index/model-store.js';
import { DEFAULT_BLOCKING_RULES } from '../src/identity/linkage/blocking.js';
import { prepareRecord, type LinkRecord } from '../src/identity/linkage/record.js';
import { linkRecords } from '../src/identity/linkage/train.js';
import { openStore } from '../src/store/index.js';
import { nhsNumberOfStem } from '../src/identity/nhs-number.js';
import { scalePopulation, type ScalePopulation } from './linkage-scale-population.js';

/**
 * The scale benchmark's population, made in slices of at most 1.2M records (its NHS numbers come from the test
 * range, which holds about 909,000) with a seed each, people renumbered across slices and given NHS numbers from the
 * wider synthetic range, so a population of several million has one number per person.
 */
function populationOf(records: number, seed: number): ScalePopulation {
  const SLICE = 1_200_000;
  const all: ScalePopulation = { records: [], person: new Int32Array(records), people: 0 };
  let people = 0;
  const numbers = new Map<number, string>();
  let stem = 990_000_000; // the synthetic range beyond the test range (identity/nhs-number.ts)
  const numberOf = (person: number): string => {
    let number = numbers.get(person);
    while (number === undefined) number = nhsNumberOfStem(stem++);
    numbers.set(person, number);
    return number;
  };
  for (let slice = 0; all.records.length < records; slice++) {
    const part = scalePopulation(Math.min(SLICE, records - all.records.length), seed * 1000 + slice);
    part.records.forEach((record, i) => {
      const person = people + (part.person[i] ?? 0);
      all.person[all.records.length] = person;
      all.records.push({
        ...record,
        id: `s${slice}r${i}`,
        nhsNumber: record.nhsNumber === undefined ? undefined : numberOf(person),
      });
    });
    people += part.people;
  }
  return { ...all, people };
}

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '2600000' },
    queries: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '1' },
  },
});
const persons = Number(values.persons);
const queries = Number(values.queries);

// Enough records that `persons` people have one; the first record of each indexed person goes in, a second record
// (where the person has one) is a query that should join them, and people beyond `persons` are queries that should
// start a person.
const started = performance.now();
let population = populationOf(Math.ceil(persons * 1.6), Number(values.seed));
const firstOf = new Map<number, number>();
const secondOf = new Map<number, number>();
population.person.forEach((p, i) => {
  if (!firstOf.has(p)) firstOf.set(p, i);
  else if (!secondOf.has(p)) secondOf.set(p, i);
});
const indexed = [...firstOf.keys()].sort((a, b) => a - b).slice(0, persons);
if (indexed.length < persons)
  throw new Error(`the population has only ${indexed.length} people; raise the factor`);
const indexedSet = new Set(indexed);
const matches = indexed.filter((p) => secondOf.has(p)).slice(0, Math.floor(queries / 2));
const strangers = [...firstOf.keys()].filter((p) => !indexedSet.has(p)).slice(0, queries - matches.length);
const recordOf = (i: number): LinkRecord => population.records[i] as LinkRecord;
const indexRecords = indexed.map((p) => recordOf(firstOf.get(p) ?? -1));
const queryRecords = [
  ...matches.map((p) => ({ person: p, record: recordOf(secondOf.get(p) ?? -1) })),
  ...strangers.map((p) => ({ person: p, record: recordOf(firstOf.get(p) ?? -1) })),
];
// The model is estimated as production estimates it: from records where people appear more than once (the bulk
// load's partners' records), not from the index's one record per person, in which EM finds no duplicates to learn from.
const modelStarted = performance.now();
const model = linkRecords(population.records.slice(0, 100_000)).model;
const modelSeconds = (performance.now() - modelStarted) / 1000;
population = { records: [], person: new Int32Array(0), people: 0 }; // let the rest go
console.log(
  `population: ${indexRecords.length.toLocaleString('en-GB')} indexed persons, ${queryRecords.length} queries ` +
    `(${matches.length} of indexed persons) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);

const dataDir = mkdtempSync(join(tmpdir(), 'accord-bench-online-'));
const store = await openStore({ dataDir, databaseUrl: undefined });
try {
  const db = store.db;
  await db.transaction((tx) => saveModel(tx, model, 100_000, new Date()));
  console.log(`model from 100,000 records: ${modelSeconds.toFixed(1)} s`);

  const loadStarted = performance.now();
  const personIds = indexRecords.map(() => randomUUID());
  const BATCH = 10_000;
  for (let start = 0; start < indexRecords.length; start += BATCH) {
    const batch = indexRecords.slice(start, start + BATCH);
    const ids = personIds.slice(start, start + BATCH);
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO identity_person (id, created_at) SELECT unnest($1::uuid[]), now()', [ids]);
      const rows = await tx.query<{ id: string; local_id: string }>(
        `INSERT INTO identity_record (organisation, local_id, demographics, person_id, received_at, updated_at)
         SELECT 'bench-index', l, d::jsonb, p, now(), now() FROM unnest($1::text[], $2::text[], $3::uuid[]) AS t(l, d, p)
         RETURNING id, local_id`,
        [
          batch.map((r) => r.id),
          batch.map(({ id: _id, ...demographics }) => JSON.stringify(demographics)),
          ids,
        ],
      );
      const recordId = new Map(rows.map((row) => [row.local_id, row.id]));
      const keys: string[] = [];
      const owners: string[] = [];
      for (const record of batch) {
        for (const key of new Set(blockingKeys(DEFAULT_BLOCKING_RULES, prepareRecord(record)))) {
          keys.push(key);
          owners.push(recordId.get(record.id) ?? '0');
        }
      }
      await tx.query(
        'INSERT INTO identity_block_key (key, record_id) SELECT * FROM unnest($1::text[], $2::bigint[])',
        [keys, owners],
      );
    });
    if ((start / BATCH) % 20 === 0)
      process.stdout.write(`\rloaded ${(start + batch.length).toLocaleString('en-GB')}`);
  }
  await db.query('ANALYZE');
  console.log(
    `\rindex of ${indexRecords.length.toLocaleString('en-GB')} persons written in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`,
  );

  const index = identityIndex(db, model);
  const personOf = new Map(indexed.map((p, i) => [p, personIds[i]]));
  const latencies: number[] = [];
  const tally = {
    'joined the right person': 0,
    'started a person': 0,
    'joined a wrong person': 0,
    reviews: 0,
  };
  for (const [q, { person, record }] of queryRecords.entries()) {
    const { id: _id, ...demographics } = record;
    const t0 = performance.now();
    const outcome = await addRecord(index, {
      organisation: 'bench-arrivals',
      localId: `q${q}`,
      demographics,
    });
    latencies.push(performance.now() - t0);
    tally.reviews += outcome.reviewsOpened.length;
    if (outcome.status === 'new-person') tally['started a person']++;
    else if (outcome.personId === personOf.get(person)) tally['joined the right person']++;
    else {
      tally['joined a wrong person']++;
      if (process.env.DEBUG_WRONG !== undefined && tally['joined a wrong person'] <= 3) {
        const truth = indexRecords[indexed.indexOf(person)];
        const joined = await db.query('SELECT demographics FROM identity_record WHERE person_id = $1', [
          outcome.personId,
        ]);
        console.log(JSON.stringify({ record, truth, joined, decision: outcome.decision?.evidence }, null, 1));
      }
    }
  }
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  console.log(
    `online match, ${latencies.length} arrivals one at a time: p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, ` +
      `p99 ${at(0.99).toFixed(1)} ms, max ${(latencies.at(-1) ?? 0).toFixed(1)} ms`,
  );
  console.log(
    `arrivals: ${matches.length} of indexed persons, ${strangers.length} not; ` +
      Object.entries(tally)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
  );
} finally {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
}
