/**
 * @module record/repository
 * The shared care record's resources in PostgreSQL (migration 0007): create, read, versioned update and delete,
 * each version kept, and the search index rewritten in the same transaction as the resource, so a search never sees
 * a resource its index disagrees with. The resource given is assumed valid (the caller validates: `validation/`);
 * this module owns ids, versions, meta, ownership and the index.
 *
 * Ownership: a resource belongs to the organisation that sent it; only that organisation may change or delete it. A
 * partner's feed keeps the partner's own id for each resource (`sourceId`), and the record's id for it is derived
 * from the organisation, type and that id, so the same resource sent twice is the same resource: a re-sent feed
 * finds every resource unchanged and writes nothing.
 */
import { createHash, randomUUID } from 'node:crypto';
import { err, ok, type Result } from '../core/result.js';
import { inTransaction, prepared, type Database, type Queryable } from '../store/index.js';
import { recordError, type RecordError } from './errors.js';
import { indexRows } from './search/extract.js';
import { contentKey, patientOf, type Resource } from './resource.js';
import { searchParameters, type ParameterTable } from './search/parameters.js';
import { conditionSql, orderSql, type SearchPlan, SqlBuilder } from './search/query.js';

export type { Resource };

/** Who writes: a partner system's token or a person, and the organisation they act for. */
export interface Writer {
  readonly id: string;
  readonly organisation: string;
}

export interface StoredResource {
  readonly resource: Resource & { readonly id: string };
  readonly version: number;
  readonly lastUpdated: string;
  readonly sourceOrganisation: string;
  readonly patientId: string | undefined;
}

export interface WriteOutcome {
  readonly stored: StoredResource;
  /** 'created' for a new resource, 'updated' for a new version, 'unchanged' when the content was the same. */
  readonly change: 'created' | 'updated' | 'unchanged';
}

interface ResourceRow {
  resource_type: string;
  id: string;
  version: number;
  last_updated: Date;
  content: Resource | null;
  deleted: boolean;
  source_organisation: string;
  source_id: string | null;
  patient_id: string | null;
}

/** ResourceRow's columns, named: a prepared statement must not select `*` (store/prepared.ts). */
const RESOURCE_COLUMNS =
  'resource_type, id, version, last_updated, content, deleted, source_organisation, source_id, patient_id';

/** Read by id, as a partner system reads its own: on every read request. */
const READ_FOR = prepared(
  `SELECT ${RESOURCE_COLUMNS} FROM record_resource
    WHERE resource_type = $1 AND id = $2 AND lower(source_organisation) = lower($3::text)`,
);

/** The persons of Patients, before any merge: asked by every audited request. */
const PERSONS_OF_PATIENTS = prepared(
  `SELECT p.id AS patient_id, r.person_id::text AS person_id, person.merged_into IS NOT NULL AS merged
     FROM record_resource p
     JOIN identity_record r ON r.organisation = p.source_organisation AND r.local_id = p.source_id
     JOIN identity_person person ON person.id = r.person_id
    WHERE p.resource_type = 'Patient' AND p.id = ANY($1::text[])`,
);

/** Organisations compare ignoring case: users' and tokens' ids are lower case, a practice's ODS code in its feed upper. */
const sameOrganisation = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

const ID = /^[A-Za-z0-9.-]{1,64}$/;

/** The most resources `$everything` returns at once (a person's record is tens to hundreds). */
export const EVERYTHING_LIMIT = 10_000;
export const isResourceId = (id: string): boolean => ID.test(id);

/** The record's id for a partner's resource: the same organisation, type and partner id always give the same id. */
export function sourcedId(organisation: string, resourceType: string, sourceId: string): string {
  const hash = createHash('sha256')
    .update(`${organisation}\u0000${resourceType}\u0000${sourceId}`)
    .digest('hex');
  // Shaped as a UUID (version 8, "custom"), so it looks like every other id the record hands out.
  return `${hash.slice(0, 8)}-${hash.slice(8, 12)}-8${hash.slice(13, 16)}-${((parseInt(hash.slice(16, 17), 16) & 3) | 8).toString(16)}${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
}

function stored(row: ResourceRow): StoredResource {
  if (row.content === null) throw new Error('stored() called on a deleted resource');
  return {
    resource: row.content as Resource & { id: string },
    version: row.version,
    lastUpdated: row.last_updated.toISOString(),
    sourceOrganisation: row.source_organisation,
    patientId: row.patient_id ?? undefined,
  };
}

export interface RecordRepository {
  create(
    writer: Writer,
    resource: Resource,
    options?: { readonly sourceId?: string },
  ): Promise<Result<WriteOutcome, RecordError>>;
  /** Update, or create with the client's id when none exists (FHIR's update-as-create). */
  update(
    writer: Writer,
    resource: Resource & { readonly id: string },
    options?: { readonly ifMatch?: number },
  ): Promise<Result<WriteOutcome, RecordError>>;
  delete(
    writer: Writer,
    resourceType: string,
    id: string,
  ): Promise<
    Result<{ readonly version: number | undefined; readonly patientId: string | undefined }, RecordError>
  >;
  read(resourceType: string, id: string): Promise<Result<StoredResource, RecordError>>;
  /**
   * A resource as one organisation may read it, in one query: its own resources only (organisations compared
   * ignoring case, as everywhere in the record: users' and tokens' ids are lower case, ODS codes upper). Another
   * organisation's resource and a missing one get the same answer, so its existence is not disclosed; the
   * organisation's own deleted resource is gone.
   */
  readFor(
    resourceType: string,
    id: string,
    organisation: string,
  ): Promise<Result<StoredResource, RecordError>>;
  readVersion(
    resourceType: string,
    id: string,
    version: number,
  ): Promise<Result<StoredResource, RecordError>>;
  history(resourceType: string, id: string): Promise<Result<readonly HistoryEntry[], RecordError>>;
  /** The resources matching a search plan that the scope lets the caller see, a page of them. */
  search(plan: SearchPlan, scope: SearchScope): Promise<SearchResult>;
  /**
   * Every current resource about these Patients (the Patients included), optionally only those one organisation
   * sent: the content of `$everything`.
   */
  aboutPatients(patientIds: readonly string[], organisation?: string): Promise<StoredResource[]>;
  /** The current Patient resources of these ids (deleted ones left out): demographics for a list of people. */
  patients(patientIds: readonly string[]): Promise<StoredResource[]>;
  /**
   * The person (in the identity index, merges followed) each of these Patient resources is a record of; Patients the
   * index does not hold yet are left out.
   */
  personsOfPatients(patientIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** The source organisation of each resource asked for that exists (deleted or not): for access decisions. */
  owners(resourceType: string, ids: readonly string[]): Promise<ReadonlyMap<string, string>>;
}

/**
 * Which resources a search may return: every one, or only those an organisation sent (compared ignoring case, as
 * `readFor` does: a token's organisation id is lower case, a practice's ODS code in its feed upper).
 */
export type SearchScope = { readonly all: true } | { readonly organisation: string };

export interface SearchResult {
  readonly matches: readonly StoredResource[];
  /** Whether there is at least one more match after this page. */
  readonly more: boolean;
  /** How many match in all, when the plan asked (`_total=accurate`). */
  readonly total: number | undefined;
  /** The targets of `_include`, once each, within the same scope. */
  readonly included: readonly StoredResource[];
}

export interface HistoryEntry {
  readonly version: number;
  readonly lastUpdated: string;
  readonly deleted: boolean;
  readonly resource: (Resource & { readonly id: string }) | undefined;
}

export function recordRepository(db: Database, table: ParameterTable = searchParameters()): RecordRepository {
  async function current(q: Queryable, resourceType: string, id: string, lock: boolean) {
    const rows = await q.query<ResourceRow>(
      `SELECT * FROM record_resource WHERE resource_type = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
      [resourceType, id],
    );
    return rows[0];
  }

  /** Writes version `version` of a resource: the current row, the version row and the search index, together. */
  async function write(
    q: Queryable,
    writer: Writer,
    input: Resource,
    id: string,
    version: number,
    sourceId: string | undefined,
    exists: boolean,
  ): Promise<StoredResource> {
    const lastUpdated = new Date();
    const meta = { ...((input.meta ?? {}) as Record<string, unknown>) };
    const content: Resource & { id: string } = {
      ...input,
      id,
      meta: { ...meta, versionId: String(version), lastUpdated: lastUpdated.toISOString() },
    };
    const patientId = patientOf(content, id);
    const text = JSON.stringify(content);
    if (exists) {
      await q.query(
        `UPDATE record_resource SET version = $3, last_updated = $4, content = $5, deleted = false, patient_id = $6
          WHERE resource_type = $1 AND id = $2`,
        [content.resourceType, id, version, lastUpdated, text, patientId],
      );
    } else {
      await q.query(
        `INSERT INTO record_resource
           (resource_type, id, version, last_updated, content, deleted, source_organisation, source_id, patient_id)
         VALUES ($1, $2, $3, $4, $5, false, $6, $7, $8)`,
        [
          content.resourceType,
          id,
          version,
          lastUpdated,
          text,
          writer.organisation,
          sourceId ?? null,
          patientId,
        ],
      );
    }
    await q.query(
      `INSERT INTO record_version (resource_type, id, version, last_updated, content, deleted, written_by, written_for)
       VALUES ($1, $2, $3, $4, $5, false, $6, $7)`,
      [content.resourceType, id, version, lastUpdated, text, writer.id, writer.organisation],
    );
    await reindex(q, content, id);
    return {
      resource: content,
      version,
      lastUpdated: lastUpdated.toISOString(),
      sourceOrganisation: writer.organisation,
      patientId: patientId ?? undefined,
    };
  }

  async function clearIndex(q: Queryable, resourceType: string, id: string): Promise<void> {
    for (const kind of ['token', 'string', 'date', 'reference']) {
      await q.query(`DELETE FROM record_search_${kind} WHERE resource_type = $1 AND id = $2`, [
        resourceType,
        id,
      ]);
    }
  }

  async function reindex(q: Queryable, resource: Resource, id: string): Promise<void> {
    await clearIndex(q, resource.resourceType, id);
    const rows = indexRows(table, resource);
    const type = resource.resourceType;
    // One statement per kind, the values as arrays: a resource has tens of index rows, not worth a round trip each.
    if (rows.tokens.length > 0) {
      await q.query(
        `INSERT INTO record_search_token (resource_type, id, param, system, code)
         SELECT $1, $2, * FROM unnest($3::text[], $4::text[], $5::text[])`,
        [type, id, rows.tokens.map((r) => r[0]), rows.tokens.map((r) => r[1]), rows.tokens.map((r) => r[2])],
      );
    }
    if (rows.strings.length > 0) {
      await q.query(
        `INSERT INTO record_search_string (resource_type, id, param, value)
         SELECT $1, $2, * FROM unnest($3::text[], $4::text[])`,
        [type, id, rows.strings.map((r) => r[0]), rows.strings.map((r) => r[1])],
      );
    }
    if (rows.dates.length > 0) {
      await q.query(
        `INSERT INTO record_search_date (resource_type, id, param, low, high)
         SELECT $1, $2, * FROM unnest($3::text[], $4::timestamptz[], $5::timestamptz[])`,
        [type, id, rows.dates.map((r) => r[0]), rows.dates.map((r) => r[1]), rows.dates.map((r) => r[2])],
      );
    }
    if (rows.references.length > 0) {
      await q.query(
        `INSERT INTO record_search_reference (resource_type, id, param, target_type, target_id)
         SELECT $1, $2, * FROM unnest($3::text[], $4::text[], $5::text[])`,
        [
          type,
          id,
          rows.references.map((r) => r[0]),
          rows.references.map((r) => r[1]),
          rows.references.map((r) => r[2]),
        ],
      );
    }
  }

  const notYours = (row: ResourceRow) =>
    recordError(
      'forbidden',
      `${row.resource_type}/${row.id} belongs to the organisation that sent it; only that organisation may change or delete it.`,
    );

  return {
    create: (writer, resource, options = {}) =>
      inTransaction<WriteOutcome, RecordError>(db, async (q) => {
        const sourceId = options.sourceId;
        if (sourceId === undefined) {
          const id = randomUUID();
          // Created through the API, the record's id is the organisation's id for it too.
          return ok({ stored: await write(q, writer, resource, id, 1, id, false), change: 'created' });
        }
        const id = sourcedId(writer.organisation, resource.resourceType, sourceId);
        const existing = await current(q, resource.resourceType, id, true);
        if (existing === undefined) {
          return ok({ stored: await write(q, writer, resource, id, 1, sourceId, false), change: 'created' });
        }
        if (
          !existing.deleted &&
          existing.content !== null &&
          contentKey(existing.content) === contentKey({ ...resource, id })
        ) {
          return ok({ stored: stored(existing), change: 'unchanged' });
        }
        const next = existing.version + 1;
        return ok({ stored: await write(q, writer, resource, id, next, sourceId, true), change: 'updated' });
      }),

    update: (writer, resource, options = {}) =>
      inTransaction<WriteOutcome, RecordError>(db, async (q) => {
        const existing = await current(q, resource.resourceType, resource.id, true);
        if (existing === undefined) {
          if (options.ifMatch !== undefined) {
            return err(
              recordError(
                'precondition-failed',
                `${resource.resourceType}/${resource.id} does not exist, so it has no version ${options.ifMatch} to match.`,
              ),
            );
          }
          return ok({
            stored: await write(q, writer, resource, resource.id, 1, resource.id, false),
            change: 'created',
          });
        }
        if (!sameOrganisation(existing.source_organisation, writer.organisation))
          return err(notYours(existing));
        if (options.ifMatch !== undefined && options.ifMatch !== existing.version) {
          return err(
            recordError(
              'precondition-failed',
              `${resource.resourceType}/${resource.id} is at version ${existing.version}, not ${options.ifMatch}: read it again and apply your change to the current version.`,
            ),
          );
        }
        if (
          !existing.deleted &&
          existing.content !== null &&
          contentKey(existing.content) === contentKey(resource)
        ) {
          return ok({ stored: stored(existing), change: 'unchanged' });
        }
        const sourceId = existing.source_id ?? undefined;
        return ok({
          stored: await write(q, writer, resource, resource.id, existing.version + 1, sourceId, true),
          change: 'updated',
        });
      }),

    delete: (writer, resourceType, id) =>
      inTransaction<{ version: number | undefined; patientId: string | undefined }, RecordError>(
        db,
        async (q) => {
          const existing = await current(q, resourceType, id, true);
          // Deleting what is not there, or is deleted already, succeeds and changes nothing (FHIR: idempotent delete).
          if (existing === undefined || existing.deleted) {
            return ok({ version: existing?.version, patientId: existing?.patient_id ?? undefined });
          }
          if (!sameOrganisation(existing.source_organisation, writer.organisation))
            return err(notYours(existing));
          const version = existing.version + 1;
          const at = new Date();
          await q.query(
            `UPDATE record_resource SET version = $3, last_updated = $4, content = NULL, deleted = true
            WHERE resource_type = $1 AND id = $2`,
            [resourceType, id, version, at],
          );
          await q.query(
            `INSERT INTO record_version (resource_type, id, version, last_updated, content, deleted, written_by, written_for)
           VALUES ($1, $2, $3, $4, NULL, true, $5, $6)`,
            [resourceType, id, version, at, writer.id, writer.organisation],
          );
          await clearIndex(q, resourceType, id);
          return ok({ version, patientId: existing.patient_id ?? undefined });
        },
      ),

    async read(resourceType, id) {
      const row = await current(db, resourceType, id, false);
      if (row === undefined) return err(recordError('not-found', `There is no ${resourceType}/${id}.`));
      if (row.deleted) return err(recordError('gone', `${resourceType}/${id} was deleted.`));
      return ok(stored(row));
    },

    async readFor(resourceType, id, organisation) {
      const [row] = await db.query<ResourceRow>(READ_FOR, [resourceType, id, organisation]);
      if (row === undefined) {
        return err(
          recordError('not-found', `There is no ${resourceType}/${id} that your organisation may read.`),
        );
      }
      if (row.deleted) return err(recordError('gone', `${resourceType}/${id} was deleted.`));
      return ok(stored(row));
    },

    async readVersion(resourceType, id, version) {
      const rows = await db.query<{
        version: number;
        last_updated: Date;
        content: Resource | null;
        deleted: boolean;
        source_organisation: string;
        patient_id: string | null;
      }>(
        `SELECT v.version, v.last_updated, v.content, v.deleted, r.source_organisation, r.patient_id
           FROM record_version v JOIN record_resource r USING (resource_type, id)
          WHERE v.resource_type = $1 AND v.id = $2 AND v.version = $3`,
        [resourceType, id, version],
      );
      const row = rows[0];
      if (row === undefined) {
        return err(recordError('not-found', `There is no version ${version} of ${resourceType}/${id}.`));
      }
      if (row.deleted || row.content === null) {
        return err(recordError('gone', `Version ${version} of ${resourceType}/${id} is its deletion.`));
      }
      return ok({
        resource: row.content as Resource & { id: string },
        version: row.version,
        lastUpdated: row.last_updated.toISOString(),
        sourceOrganisation: row.source_organisation,
        patientId: row.patient_id ?? undefined,
      });
    },

    async history(resourceType, id) {
      const rows = await db.query<{
        version: number;
        last_updated: Date;
        content: Resource | null;
        deleted: boolean;
      }>(
        `SELECT version, last_updated, content, deleted FROM record_version
          WHERE resource_type = $1 AND id = $2 ORDER BY version DESC`,
        [resourceType, id],
      );
      if (rows.length === 0) return err(recordError('not-found', `There is no ${resourceType}/${id}.`));
      return ok(
        rows.map((row) => ({
          version: row.version,
          lastUpdated: row.last_updated.toISOString(),
          deleted: row.deleted,
          resource: (row.content ?? undefined) as (Resource & { id: string }) | undefined,
        })),
      );
    },

    async search(plan, scope) {
      const sql = new SqlBuilder();
      const where = [
        `r.resource_type = ${sql.bind(plan.resourceType)}`,
        'NOT r.deleted',
        ...('organisation' in scope
          ? [`lower(r.source_organisation) = lower(${sql.bind(scope.organisation)}::text)`]
          : []),
        ...plan.conditions.map((condition) => conditionSql(sql, condition)),
      ].join(' AND ');
      const order = orderSql(sql, plan);
      // One more than the page, to know whether there is a next page without counting every match.
      const rows = await db.query<ResourceRow>(
        `SELECT r.* FROM record_resource r WHERE ${where} ORDER BY ${order}
          LIMIT ${sql.bind(plan.count + 1)} OFFSET ${sql.bind(plan.offset)}`,
        sql.params,
      );
      const page = rows.slice(0, plan.count);
      let total: number | undefined;
      if (plan.total) {
        const counted = new SqlBuilder();
        const countWhere = [
          `r.resource_type = ${counted.bind(plan.resourceType)}`,
          'NOT r.deleted',
          ...('organisation' in scope
            ? [`lower(r.source_organisation) = lower(${counted.bind(scope.organisation)}::text)`]
            : []),
          ...plan.conditions.map((condition) => conditionSql(counted, condition)),
        ].join(' AND ');
        const [row] = await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM record_resource r WHERE ${countWhere}`,
          counted.params,
        );
        total = Number(row?.n ?? 0);
      }
      let included: StoredResource[] = [];
      if (plan.include.length > 0 && page.length > 0) {
        const includedRows = await db.query<ResourceRow>(
          `SELECT DISTINCT t.* FROM record_search_reference s
             JOIN record_resource t ON t.resource_type = s.target_type AND t.id = s.target_id
            WHERE s.resource_type = $1 AND s.id = ANY($2::text[]) AND s.param = ANY($3::text[]) AND NOT t.deleted
              ${'organisation' in scope ? 'AND lower(t.source_organisation) = lower($4::text)' : ''}`,
          [
            plan.resourceType,
            page.map((row) => row.id),
            plan.include,
            ...('organisation' in scope ? [scope.organisation] : []),
          ],
        );
        included = includedRows.map(stored);
      }
      return { matches: page.map(stored), more: rows.length > plan.count, total, included };
    },

    async aboutPatients(patientIds, organisation) {
      if (patientIds.length === 0) return [];
      const rows = await db.query<ResourceRow>(
        `SELECT * FROM record_resource
          WHERE patient_id = ANY($1::text[]) AND NOT deleted
            AND ($2::text IS NULL OR lower(source_organisation) = lower($2::text))
          ORDER BY resource_type <> 'Patient', resource_type, last_updated DESC, id
          LIMIT ${EVERYTHING_LIMIT}`,
        [patientIds, organisation ?? null],
      );
      return rows.map(stored);
    },

    async patients(patientIds) {
      if (patientIds.length === 0) return [];
      const rows = await db.query<ResourceRow>(
        `SELECT * FROM record_resource WHERE resource_type = 'Patient' AND id = ANY($1::text[]) AND NOT deleted`,
        [patientIds],
      );
      return rows.map(stored);
    },

    async personsOfPatients(patientIds) {
      if (patientIds.length === 0) return new Map();
      // A Patient's record in the index is (its organisation, its partner id). Every audited request asks this, so
      // the common case is one plain join (planned in a tenth of the time of a recursive walk); only persons since
      // merged into another are walked, along merged_into, to the current person.
      const rows = await db.query<{ patient_id: string; person_id: string; merged: boolean }>(
        PERSONS_OF_PATIENTS,
        [patientIds],
      );
      const persons = new Map(rows.map((row) => [row.patient_id, row.person_id]));
      const merged = [...new Set(rows.filter((row) => row.merged).map((row) => row.person_id))];
      if (merged.length === 0) return persons;
      const walked = await db.query<{ start: string; person_id: string }>(
        `WITH RECURSIVE walk (start, person_id, hops) AS (
           SELECT id, merged_into, 1 FROM identity_person WHERE id = ANY($1::uuid[]) AND merged_into IS NOT NULL
           UNION ALL
           SELECT w.start, person.merged_into, w.hops + 1
             FROM walk w JOIN identity_person person ON person.id = w.person_id
            WHERE person.merged_into IS NOT NULL AND w.hops < 100
         )
         SELECT DISTINCT ON (start) start::text, person_id::text FROM walk ORDER BY start, hops DESC`,
        [merged],
      );
      const current = new Map(walked.map((row) => [row.start, row.person_id]));
      for (const [patientId, personId] of persons) {
        const now = current.get(personId);
        if (now !== undefined) persons.set(patientId, now);
      }
      return persons;
    },

    async owners(resourceType, ids) {
      if (ids.length === 0) return new Map();
      const rows = await db.query<{ id: string; source_organisation: string }>(
        `SELECT id, source_organisation FROM record_resource WHERE resource_type = $1 AND id = ANY($2::text[])`,
        [resourceType, ids],
      );
      return new Map(rows.map((row) => [row.id, row.source_organisation]));
    },
  };
}
