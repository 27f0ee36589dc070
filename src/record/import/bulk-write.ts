/**
 * @module record/import/bulk-write
 * Writes a batch of partners' resources from their feeds in one transaction and a fixed number of statements,
 * whatever the batch's size: the existing versions are read (and locked) together; the resources already there are
 * compared with what is sent in PostgreSQL (their content never crosses the wire); and only the new or changed ones
 * are written — resources, versions and search index rows in one statement, the content sent once, as one JSON
 * array, and parsed once. A batch may hold several organisations' resources (a feed's small files share one), so an
 * import commits once per thousand resources rather than once per file; `prepareBatch` does the work that needs no
 * database (ids, and for a first import each resource's first version and index rows) before the transaction, so
 * that it can overlap the writing of the batch before. A feed sent again finds every resource unchanged and writes
 * nothing. The same ids, meta, content comparison and index as `repository.ts` gives one at a time.
 */
import type { Queryable } from '../../store/index.js';
import { sourcedId } from '../repository.js';
import { patientOf, type Resource } from '../resource.js';
import { indexRows, type IndexRows } from '../search/extract.js';
import type { ParameterTable } from '../search/parameters.js';

export interface FeedItem {
  readonly resource: Resource;
  /** The organisation that sent it. */
  readonly organisation: string;
  /** The partner's own id for the resource. */
  readonly sourceId: string;
}

export interface BatchCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface WrittenPatient {
  readonly sourceId: string;
  readonly resource: Resource;
}

interface Existing {
  resource_type: string;
  id: string;
  version: number;
  deleted: boolean;
}

export interface WrittenBatch {
  readonly counts: BatchCounts;
  /** The Patients created or changed, by the organisation that sent them, in the order of the batch. */
  readonly patients: ReadonlyMap<string, WrittenPatient[]>;
}

/** A resource as it would be written at a version: its content with meta, as JSON, and its index rows. */
interface Version {
  readonly content: Resource;
  readonly json: string;
  readonly rows: IndexRows;
}

type Keyed = FeedItem & { readonly id: string; readonly key: string };

/** A batch made ready to write: ids worked out, and (when asked) each resource's first version built already. */
export interface PreparedBatch {
  readonly at: Date;
  readonly items: readonly (Keyed & { readonly first?: Version })[];
}

/**
 * Readies a batch outside any transaction, so that an import can do it while PostgreSQL writes the batch before.
 * With `firstVersions`, each resource's version 1 (content, JSON, index rows) is built now: what a first import
 * writes, and work thrown away for a resource already there (a re-import), which is why it is asked for.
 * Within a batch the last of two items with the same id wins.
 */
export function prepareBatch(
  table: ParameterTable,
  items: readonly FeedItem[],
  at: Date,
  firstVersions: boolean,
): PreparedBatch {
  const byKey = new Map<string, Keyed>();
  for (const item of items) {
    const id = sourcedId(item.organisation, item.resource.resourceType, item.sourceId);
    const key = `${item.resource.resourceType}/${id}`;
    byKey.set(key, { ...item, id, key });
  }
  const unique = [...byKey.values()];
  return {
    at,
    items: firstVersions ? unique.map((item) => ({ ...item, first: versionOf(table, item, 1, at) })) : unique,
  };
}

function versionOf(table: ParameterTable, item: Keyed, version: number, at: Date): Version {
  const meta = {
    ...((item.resource.meta ?? {}) as Record<string, unknown>),
    versionId: String(version),
    lastUpdated: at.toISOString(),
  };
  const content: Resource = { ...item.resource, id: item.id, meta };
  return { content, json: JSON.stringify(content), rows: indexRows(table, content) };
}

/**
 * Writes the batch (the caller's transaction) and returns what changed, with the Patients created or changed (for
 * the identity index). Within a batch the last of two items with the same id wins.
 */
export async function writeBatch(
  tx: Queryable,
  table: ParameterTable,
  writerId: string,
  items: readonly FeedItem[],
  at: Date,
): Promise<WrittenBatch> {
  return writePreparedBatch(tx, table, writerId, prepareBatch(table, items, at, false));
}

/** Writes a prepared batch (the caller's transaction): as `writeBatch`. */
export async function writePreparedBatch(
  tx: Queryable,
  table: ParameterTable,
  writerId: string,
  batch: PreparedBatch,
): Promise<WrittenBatch> {
  const { at, items: unique } = batch;
  const existing = await tx.query<Existing>(
    `SELECT r.resource_type, r.id, r.version, r.content IS NULL AS deleted FROM record_resource r
       JOIN unnest($1::text[], $2::text[]) AS k (resource_type, id) USING (resource_type, id)
     FOR UPDATE OF r`,
    [unique.map((item) => item.resource.resourceType), unique.map((item) => item.id)],
  );
  const current = new Map(existing.map((row) => [`${row.resource_type}/${row.id}`, row]));
  const unchanged = await unchangedKeys(
    tx,
    unique.filter((item) => current.get(item.key)?.deleted === false),
  );
  const counts: BatchCounts = { created: 0, updated: 0, unchanged: 0 };
  const patients = new Map<string, WrittenPatient[]>();
  const columns = {
    type: [] as string[],
    id: [] as string[],
    version: [] as number[],
    json: [] as string[],
    organisation: [] as string[],
    sourceId: [] as string[],
    patientId: [] as (string | null)[],
  };
  const index = {
    token: [[], [], [], [], []] as (string | null)[][],
    string: [[], [], [], []] as string[][],
    date: [[], [], [], [], []] as string[][],
    reference: [[], [], [], [], []] as string[][],
  };
  const reindexed = { type: [] as string[], id: [] as string[] };
  for (const item of unique) {
    const before = current.get(item.key);
    if (unchanged.has(item.key)) {
      counts.unchanged++;
      continue;
    }
    const version = before === undefined ? 1 : before.version + 1;
    if (before === undefined) counts.created++;
    else {
      counts.updated++;
      reindexed.type.push(item.resource.resourceType);
      reindexed.id.push(item.id);
    }
    const { content, json, rows } =
      version === 1 && item.first !== undefined ? item.first : versionOf(table, item, version, at);
    columns.type.push(content.resourceType);
    columns.id.push(item.id);
    columns.version.push(version);
    columns.json.push(json);
    columns.organisation.push(item.organisation);
    columns.sourceId.push(item.sourceId);
    columns.patientId.push(patientOf(content, item.id));
    if (content.resourceType === 'Patient') {
      const sent = patients.get(item.organisation) ?? [];
      sent.push({ sourceId: item.sourceId, resource: content });
      patients.set(item.organisation, sent);
    }
    for (const [param, system, code] of rows.tokens)
      pushRow(index.token, content.resourceType, item.id, param, system, code);
    for (const [param, value] of rows.strings)
      pushRow(index.string, content.resourceType, item.id, param, value);
    for (const [param, low, high] of rows.dates)
      pushRow(index.date, content.resourceType, item.id, param, low, high);
    for (const [param, type, target] of rows.references) {
      pushRow(index.reference, content.resourceType, item.id, param, type, target);
    }
  }
  if (columns.id.length === 0) return { counts, patients };

  if (reindexed.id.length > 0) {
    for (const kind of ['token', 'string', 'date', 'reference']) {
      await tx.query(
        `DELETE FROM record_search_${kind} s USING unnest($1::text[], $2::text[]) AS k (resource_type, id)
          WHERE s.resource_type = k.resource_type AND s.id = k.id`,
        [reindexed.type, reindexed.id],
      );
    }
  }
  // Everything in one statement, one round trip: the resources, their versions and their index rows. The content
  // crosses the wire once, as one JSON array (no per-element array escaping in the driver), and is parsed into
  // jsonb once, the version taking the row written.
  const params: unknown[] = [
    columns.type,
    columns.id,
    columns.version,
    columns.organisation,
    columns.sourceId,
    columns.patientId,
    `[${columns.json.join(',')}]`,
    at,
    writerId,
  ];
  const indexInserts = [
    indexInsert('token', ['param', 'system', 'code'], index.token, params),
    indexInsert('string', ['param', 'value'], index.string, params),
    indexInsert('date', ['param', 'low', 'high'], index.date, params, ['text', 'timestamptz', 'timestamptz']),
    indexInsert('reference', ['param', 'target_type', 'target_id'], index.reference, params),
  ].flatMap((insert, n) => (insert === undefined ? [] : [`, index_${n} AS (${insert})`]));
  await tx.query(
    `WITH x AS (
       SELECT t, i, v, o, s, p, c
         FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[])
                WITH ORDINALITY AS x (t, i, v, o, s, p, n)
         JOIN jsonb_array_elements($7::jsonb) WITH ORDINALITY AS j (c, n) USING (n)
     ), written AS (
       INSERT INTO record_resource
         (resource_type, id, version, last_updated, content, deleted, source_organisation, source_id, patient_id)
       SELECT t, i, v, $8, c, false, o, s, p FROM x
       ON CONFLICT (resource_type, id) DO UPDATE SET
         version = EXCLUDED.version, last_updated = EXCLUDED.last_updated, content = EXCLUDED.content,
         deleted = false, patient_id = EXCLUDED.patient_id
       RETURNING resource_type, id, version, content
     )${indexInserts.join('')}
     INSERT INTO record_version (resource_type, id, version, last_updated, content, deleted, written_by, written_for)
     SELECT w.resource_type, w.id, w.version, $8, w.content, false, $9, x.o
       FROM written w JOIN x ON x.t = w.resource_type AND x.i = w.id`,
    params,
  );
  return { counts, patients };
}

/**
 * The keys of the items whose content equals what is stored, compared in PostgreSQL so that the stored content
 * never crosses the wire: the same comparison as `contentKey` (resource.ts), which ignores the server's meta
 * (versionId, lastUpdated; a meta left empty without them is as none) and the order of keys. Both sides are JSON
 * written by JSON.stringify, so jsonb equality (keys unordered, numbers by value, strings exact) is canonical JSON
 * equality; feeds.test.ts checks the two agree.
 */
async function unchangedKeys(tx: Queryable, items: readonly Keyed[]): Promise<ReadonlySet<string>> {
  if (items.length === 0) return new Set();
  const serverMetaOut = (meta: string) =>
    `CASE WHEN jsonb_typeof(${meta}) = 'object' THEN ${meta} - 'versionId' - 'lastUpdated' ELSE ${meta} END`;
  const rows = await tx.query<{ resource_type: string; id: string }>(
    `SELECT r.resource_type, r.id FROM record_resource r
       JOIN unnest($1::text[], $2::text[]) WITH ORDINALITY AS k (resource_type, id, n) USING (resource_type, id)
       JOIN jsonb_array_elements($3::jsonb) WITH ORDINALITY AS j (c, n) USING (n)
      WHERE r.content - 'meta' = j.c - 'meta'
        AND ${serverMetaOut(`coalesce(r.content -> 'meta', '{}')`)} = ${serverMetaOut(`coalesce(j.c -> 'meta', '{}')`)}`,
    [
      items.map((item) => item.resource.resourceType),
      items.map((item) => item.id),
      JSON.stringify(items.map((item) => ({ ...item.resource, id: item.id }))),
    ],
  );
  return new Set(rows.map((row) => `${row.resource_type}/${row.id}`));
}

function pushRow<T>(columns: T[][], ...values: T[]): void {
  values.forEach((value, c) => columns[c]?.push(value));
}

/** The INSERT of one search index table's rows, its arrays added to `params`; undefined when there are none. */
function indexInsert(
  kind: string,
  names: readonly string[],
  columns: readonly unknown[][],
  params: unknown[],
  types: readonly string[] = names.map(() => 'text'),
): string | undefined {
  if ((columns[0]?.length ?? 0) === 0) return undefined;
  const casts = ['text', 'text', ...types]
    .map((type, c) => `$${params.length + c + 1}::${type}[]`)
    .join(', ');
  params.push(...columns);
  return `INSERT INTO record_search_${kind} (resource_type, id, ${names.join(', ')}) SELECT * FROM unnest(${casts})`;
}
