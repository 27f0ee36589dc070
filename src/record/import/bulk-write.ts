/**
 * @module record/import/bulk-write
 * Writes a batch of one organisation's resources from its feed in one transaction and a fixed number of
 * statements, whatever the batch's size: the existing versions are read (and locked) together, each resource is
 * compared with its current version, and only the new or changed ones are written — the resources, their versions
 * and their search index rows each as one statement over arrays. This is what lets an import reach thousands of
 * resources a second where one transaction per resource manages a few hundred; and a feed sent again finds every
 * resource unchanged and writes nothing. The same ids, meta and index as `repository.ts` gives one at a time.
 */
import type { Queryable } from '../../store/index.js';
import { sourcedId } from '../repository.js';
import { contentKey, patientOf, type Resource } from '../resource.js';
import { indexRows } from '../search/extract.js';
import type { ParameterTable } from '../search/parameters.js';

export interface FeedItem {
  readonly resource: Resource;
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
  content: Resource | null;
}

/**
 * Writes the batch (the caller's transaction) and returns what changed, with the Patients created or changed (for
 * the identity index). Within a batch the last of two items with the same id wins.
 */
export async function writeBatch(
  tx: Queryable,
  table: ParameterTable,
  organisation: string,
  writerId: string,
  items: readonly FeedItem[],
  at: Date,
): Promise<{ counts: BatchCounts; patients: WrittenPatient[] }> {
  const byKey = new Map<string, FeedItem & { id: string }>();
  for (const item of items) {
    const id = sourcedId(organisation, item.resource.resourceType, item.sourceId);
    byKey.set(`${item.resource.resourceType}/${id}`, { ...item, id });
  }
  const unique = [...byKey.values()];
  const existing = await tx.query<Existing>(
    `SELECT r.resource_type, r.id, r.version, r.content FROM record_resource r
       JOIN unnest($1::text[], $2::text[]) AS k (resource_type, id) USING (resource_type, id)
     FOR UPDATE OF r`,
    [unique.map((item) => item.resource.resourceType), unique.map((item) => item.id)],
  );
  const current = new Map(existing.map((row) => [`${row.resource_type}/${row.id}`, row]));
  const counts: BatchCounts = { created: 0, updated: 0, unchanged: 0 };
  const patients: WrittenPatient[] = [];
  const columns = {
    type: [] as string[],
    id: [] as string[],
    version: [] as number[],
    content: [] as string[],
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
  const lastUpdated = at.toISOString();
  for (const item of unique) {
    const key = `${item.resource.resourceType}/${item.id}`;
    const before = current.get(key);
    const candidate: Resource = { ...item.resource, id: item.id };
    if (before?.content !== null && before !== undefined) {
      if (contentKey(before.content) === contentKey(candidate)) {
        counts.unchanged++;
        continue;
      }
    }
    const version = before === undefined ? 1 : before.version + 1;
    if (before === undefined) counts.created++;
    else {
      counts.updated++;
      reindexed.type.push(candidate.resourceType);
      reindexed.id.push(item.id);
    }
    const meta = {
      ...((candidate.meta ?? {}) as Record<string, unknown>),
      versionId: String(version),
      lastUpdated,
    };
    const content: Resource = { ...candidate, meta };
    columns.type.push(content.resourceType);
    columns.id.push(item.id);
    columns.version.push(version);
    columns.content.push(JSON.stringify(content));
    columns.sourceId.push(item.sourceId);
    columns.patientId.push(patientOf(content, item.id));
    if (content.resourceType === 'Patient') patients.push({ sourceId: item.sourceId, resource: content });
    const rows = indexRows(table, content);
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

  await tx.query(
    `INSERT INTO record_resource
       (resource_type, id, version, last_updated, content, deleted, source_organisation, source_id, patient_id)
     SELECT t, i, v, $4, c::jsonb, false, $5, s, p
       FROM unnest($1::text[], $2::text[], $3::int[], $6::text[], $7::text[], $8::text[]) AS x (t, i, v, c, s, p)
     ON CONFLICT (resource_type, id) DO UPDATE SET
       version = EXCLUDED.version, last_updated = EXCLUDED.last_updated, content = EXCLUDED.content,
       deleted = false, patient_id = EXCLUDED.patient_id`,
    [
      columns.type,
      columns.id,
      columns.version,
      at,
      organisation,
      columns.content,
      columns.sourceId,
      columns.patientId,
    ],
  );
  await tx.query(
    `INSERT INTO record_version (resource_type, id, version, last_updated, content, deleted, written_by, written_for)
     SELECT t, i, v, $4, c::jsonb, false, $5, $6
       FROM unnest($1::text[], $2::text[], $3::int[], $7::text[]) AS x (t, i, v, c)`,
    [columns.type, columns.id, columns.version, at, writerId, organisation, columns.content],
  );
  if (reindexed.id.length > 0) {
    for (const kind of ['token', 'string', 'date', 'reference']) {
      await tx.query(
        `DELETE FROM record_search_${kind} s USING unnest($1::text[], $2::text[]) AS k (resource_type, id)
          WHERE s.resource_type = k.resource_type AND s.id = k.id`,
        [reindexed.type, reindexed.id],
      );
    }
  }
  await insertIndex(tx, 'token', ['param', 'system', 'code'], index.token);
  await insertIndex(tx, 'string', ['param', 'value'], index.string);
  await insertIndex(tx, 'date', ['param', 'low', 'high'], index.date, ['text', 'timestamptz', 'timestamptz']);
  await insertIndex(tx, 'reference', ['param', 'target_type', 'target_id'], index.reference);
  return { counts, patients };
}

function pushRow<T>(columns: T[][], ...values: T[]): void {
  values.forEach((value, c) => columns[c]?.push(value));
}

async function insertIndex(
  tx: Queryable,
  kind: string,
  names: readonly string[],
  columns: readonly unknown[][],
  types: readonly string[] = names.map(() => 'text'),
): Promise<void> {
  if ((columns[0]?.length ?? 0) === 0) return;
  const casts = ['text', 'text', ...types].map((type, c) => `$${c + 1}::${type}[]`).join(', ');
  await tx.query(
    `INSERT INTO record_search_${kind} (resource_type, id, ${names.join(', ')}) SELECT * FROM unnest(${casts})`,
    columns,
  );
}
