/**
 * @module identity/index/bulk-load
 * The first load of an empty index: every partner's records linked together in one batch run — the model estimated
 * from them (EM needs the whole population's pairs, which one record at a time never sees), the auto-links clustered
 * into persons, uncertain pairs between persons put in review — and written in one transaction with the model, so
 * the index is either loaded whole or left empty. From then on records arrive one at a time (service.ts).
 */
import { randomUUID } from 'node:crypto';
import { problem, type Problem } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import type { Database, Queryable } from '../../store/database.js';
import { clusterAutoLinks } from '../linkage/cluster.js';
import { REVIEW } from '../linkage/pair-scoring.js';
import { DEFAULT_SETTINGS, linkRecords, type LinkSettings } from '../linkage/train.js';
import type { IncomingRecord } from './incoming.js';
import { MAX_REVIEWS_PER_RECORD, reviewReasonOf } from './match.js';
import { saveModel } from './model-store.js';
import { lockIndex } from './repository.js';
import { blockingKeys } from './service.js';

export interface BulkReport {
  readonly records: number;
  readonly persons: number;
  readonly reviews: number;
  readonly candidatePairs: number;
  readonly modelId: number;
  readonly seconds: { readonly linkage: number; readonly writing: number };
}

/** Rows per INSERT: large enough to amortise the round trip, small enough to keep each statement's arrays modest. */
const BATCH = 5_000;

async function inBatches<T>(
  items: readonly T[],
  write: (batch: readonly T[]) => Promise<unknown>,
): Promise<void> {
  for (let start = 0; start < items.length; start += BATCH) await write(items.slice(start, start + BATCH));
}

export async function loadInitialRecords(
  db: Database,
  incoming: readonly IncomingRecord[],
  now: Date,
  settings: LinkSettings = DEFAULT_SETTINGS,
): Promise<Result<BulkReport, Problem>> {
  const seen = new Set<string>();
  for (const record of incoming) {
    const key = `${record.organisation}\u0000${record.localId}`;
    if (seen.has(key)) {
      return err(
        problem(
          'bad-input',
          `Two records of ${record.organisation} have the id ${record.localId}.`,
          "Each organisation's record ids must be unique; correct the feed and load again.",
        ),
      );
    }
    seen.add(key);
  }
  const [existing] = await db.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM identity_record) AS any');
  if (existing?.any === true) {
    return err(
      problem(
        'conflict',
        'The index already holds records: a bulk load is only for the first load.',
        'Send further records one at a time (POST /api/identity/records), where each is matched against the index.',
      ),
    );
  }
  if (incoming.length < 2) {
    return err(
      problem('bad-input', 'A first load needs at least two records to estimate the linkage model from.'),
    );
  }

  const linkStarted = performance.now();
  const run = linkRecords(
    incoming.map((record, i) => ({ ...record.demographics, id: String(i) })),
    undefined,
    settings,
  );
  const { left: pairLeft, right: pairRight, count: pairCount } = run.candidates;
  const clusters = clusterAutoLinks(incoming.length, undefined, run.candidates, run.outcomes);
  const component = clusters.left;
  const components = clusters.count;
  const personIds = Array.from({ length: components }, () => randomUUID());
  // Review: uncertain pairs whose records ended in different persons, the strongest per pair of persons and at most
  // MAX_REVIEWS_PER_RECORD per record, as the incremental path does.
  const bestPerPersons = new Map<string, number>();
  for (let k = 0; k < pairCount; k++) {
    if (run.outcomes[k] !== REVIEW) continue;
    const a = component[pairLeft[k] ?? 0] ?? 0;
    const b = component[pairRight[k] ?? 0] ?? 0;
    if (a === b) continue;
    const key = a < b ? `${a},${b}` : `${b},${a}`;
    const held = bestPerPersons.get(key);
    if (held === undefined || (run.weights[k] ?? 0) > (run.weights[held] ?? 0)) bestPerPersons.set(key, k);
  }
  const perRecord = new Map<number, number>();
  const reviewPairs = [...bestPerPersons.values()]
    .sort((x, y) => (run.weights[y] ?? 0) - (run.weights[x] ?? 0))
    .filter((k) => {
      const i = pairLeft[k] ?? 0;
      const n = perRecord.get(i) ?? 0;
      if (n >= MAX_REVIEWS_PER_RECORD) return false;
      perRecord.set(i, n + 1);
      return true;
    });
  const linkage = (performance.now() - linkStarted) / 1000;

  const writeStarted = performance.now();
  const modelId = await db.transaction(async (tx) => {
    await lockIndex(tx);
    await inBatches(personIds, (batch) =>
      tx.query('INSERT INTO identity_person (id, created_at) SELECT unnest($1::uuid[]), $2', [batch, now]),
    );
    const recordIds = new Array<number>(incoming.length);
    const indexes = incoming.map((_, i) => i);
    await inBatches(indexes, async (batch) => {
      const rows = await tx.query<{ id: string; organisation: string; local_id: string }>(
        `INSERT INTO identity_record (organisation, local_id, demographics, person_id, received_at, updated_at)
         SELECT organisation, local_id, demographics::jsonb, person_id, $5, $5
           FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[]) AS t(organisation, local_id, demographics, person_id)
         RETURNING id, organisation, local_id`,
        [
          batch.map((i) => incoming[i]?.organisation),
          batch.map((i) => incoming[i]?.localId),
          batch.map((i) => JSON.stringify(incoming[i]?.demographics)),
          batch.map((i) => personIds[component[i] ?? 0]),
          now,
        ],
      );
      // Matched back by (organisation, local id), unique in the input, rather than trusting RETURNING's order.
      const position = new Map(
        batch.map((i) => [`${incoming[i]?.organisation}\u0000${incoming[i]?.localId}`, i]),
      );
      for (const row of rows)
        recordIds[position.get(`${row.organisation}\u0000${row.local_id}`) ?? -1] = Number(row.id);
    });
    await inBatches(indexes, async (batch) => {
      const keys: string[] = [];
      const ids: number[] = [];
      for (const i of batch) {
        const prepared = run.left[i];
        if (prepared === undefined) continue;
        for (const key of blockingKeys(settings.blockingRules, prepared)) {
          keys.push(key);
          ids.push(recordIds[i] ?? 0);
        }
      }
      await tx.query(
        'INSERT INTO identity_block_key (key, record_id) SELECT DISTINCT * FROM unnest($1::text[], $2::bigint[])',
        [keys, ids],
      );
    });
    await events(tx, now, personIds, incoming, component, recordIds);
    await inBatches(reviewPairs, async (batch) => {
      const decisions = batch.map((k) => run.decision(k));
      await tx.query(
        `WITH opened AS (
           INSERT INTO identity_review (record_id, candidate_record_id, reason, probability, weight, evidence, opened_at)
           SELECT r, c, reason, p, w, e::jsonb, $7
             FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::float8[], $5::float8[], $6::text[])
               AS t(r, c, reason, p, w, e)
           RETURNING id, record_id, reason)
         INSERT INTO identity_event (at, kind, person_id, record_id, review_id, reason)
         SELECT $7, 'review-opened', r.person_id, o.record_id, o.id, o.reason
           FROM opened o JOIN identity_record r ON r.id = o.record_id`,
        [
          batch.map((k) => recordIds[pairLeft[k] ?? 0]),
          batch.map((k) => recordIds[pairRight[k] ?? 0]),
          decisions.map(reviewReasonOf),
          decisions.map((d) => d.probability),
          decisions.map((d) => d.weight),
          decisions.map((d) => JSON.stringify(d.evidence)),
          now,
        ],
      );
    });
    return saveModel(tx, run.model, incoming.length, now);
  });
  return ok({
    records: incoming.length,
    persons: components,
    reviews: reviewPairs.length,
    candidatePairs: pairCount,
    modelId,
    seconds: { linkage, writing: (performance.now() - writeStarted) / 1000 },
  });
}

/** The history the incremental path would have written: each person started, each record linked. */
async function events(
  tx: Queryable,
  at: Date,
  personIds: readonly string[],
  incoming: readonly IncomingRecord[],
  component: Int32Array,
  recordIds: readonly number[],
): Promise<void> {
  await inBatches(personIds, (batch) =>
    tx.query(
      `INSERT INTO identity_event (at, kind, person_id, detail)
       SELECT $2, 'person-created', unnest($1::uuid[]), '{"bulk": true}'`,
      [batch, at],
    ),
  );
  await inBatches(
    incoming.map((_, i) => i),
    (batch) =>
      tx.query(
        `INSERT INTO identity_event (at, kind, person_id, record_id, detail)
         SELECT $4, 'record-linked', p, r, jsonb_build_object('organisation', o, 'bulk', true)
           FROM unnest($1::uuid[], $2::bigint[], $3::text[]) AS t(p, r, o)`,
        [
          batch.map((i) => personIds[component[i] ?? 0]),
          batch.map((i) => recordIds[i]),
          batch.map((i) => incoming[i]?.organisation),
          at,
        ],
      ),
  );
}
