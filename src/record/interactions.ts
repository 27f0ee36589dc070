/**
 * @module record/interactions
 * FHIR's write interactions on the record, as values: create (and conditional create, so a feed sent twice writes
 * nothing twice), update (versioned, with If-Match) and delete — each checking the body (valid FHIR R4 of the type
 * the address names) and its references (`references.ts`) before the repository writes. The FHIR API sends one at a
 * time (`web/routes/fhir.ts`); a Bundle sends several (`bundle.ts`), in one database transaction when it is a
 * transaction, which is why the interactions are built over any `Database` — the pool, or one transaction.
 */
import { err, ok, type Result } from '../core/result.js';
import type { Database } from '../store/index.js';
import { recordError, type RecordError } from './errors.js';
import { danglingError, danglingReferences, literalReferences } from './references.js';
import { recordRepository, type StoredResource, type WriteOutcome, type Writer } from './repository.js';
import type { Resource } from './resource.js';
import type { ParameterTable } from './search/parameters.js';
import { planSearch } from './search/query.js';
import { validateResource } from './validation/index.js';

export interface Written {
  readonly stored: StoredResource;
  /** 201 when the resource is new, 200 when it was updated, or matched (conditional create), or unchanged. */
  readonly status: 200 | 201;
  readonly change: WriteOutcome['change'] | 'matched';
}

export interface Deleted {
  readonly version: number | undefined;
  readonly patientId: string | undefined;
}

export interface CreateOptions {
  /** The `If-None-Exist` query: when one resource of the organisation's matches it, that one is the answer. */
  readonly ifNoneExist?: string;
  /** The id to give a new resource (a transaction assigns them first, so its urn references can be rewritten). */
  readonly id?: string;
  /** `Type/id` of resources written in the same transaction, which references may name. */
  readonly written?: ReadonlySet<string>;
}

export interface UpdateOptions {
  /** The version the writer read (If-Match). */
  readonly ifMatch?: number;
  readonly written?: ReadonlySet<string>;
}

export interface RecordInteractions {
  create(
    writer: Writer,
    type: string,
    body: unknown,
    options?: CreateOptions,
  ): Promise<Result<Written, RecordError>>;
  update(
    writer: Writer,
    type: string,
    id: string,
    body: unknown,
    options?: UpdateOptions,
  ): Promise<Result<Written, RecordError>>;
  delete(writer: Writer, type: string, id: string): Promise<Result<Deleted, RecordError>>;
  /** The one resource of the organisation's matching a conditional create's query, none, or a refusal. */
  matchCondition(
    organisation: string,
    type: string,
    query: string,
  ): Promise<Result<StoredResource | undefined, RecordError>>;
}

/** The body as a valid resource of the address's type, or why not. */
export function checkBody(type: string, body: unknown): Result<Resource, RecordError> {
  const validated = validateResource(body);
  if (!validated.ok) {
    return err({
      kind: 'invalid',
      message: 'The resource is not valid FHIR R4.',
      issues: validated.error.issue,
    });
  }
  const resource = validated.value as Resource;
  if (resource.resourceType !== type) {
    return err(
      recordError(
        'invalid',
        `The body is a ${resource.resourceType}, but the address is for ${type}: send it to the ${resource.resourceType} endpoint.`,
        'resourceType',
      ),
    );
  }
  return ok(resource);
}

export function recordInteractions(db: Database, table: ParameterTable): RecordInteractions {
  const repository = recordRepository(db, table);

  /** A dangling reference refuses the write: the record never holds a pointer to nothing. */
  async function refuseReferences(
    organisation: string,
    resource: Resource,
    written: ReadonlySet<string> | undefined,
  ): Promise<RecordError | undefined> {
    const references = literalReferences(resource);
    if (!references.ok) return references.error;
    const own = new Set(written);
    if (resource.id !== undefined) own.add(`${resource.resourceType}/${resource.id}`);
    const [dangling] = await danglingReferences(db, organisation, references.value, own);
    return dangling === undefined ? undefined : danglingError(dangling);
  }

  const interactions: RecordInteractions = {
    async matchCondition(organisation, type, query) {
      const plan = planSearch(table, type, [...new URLSearchParams(query)]);
      if (!plan.ok) return err(plan.error);
      const found = await repository.search({ ...plan.value, count: 2, offset: 0 }, { organisation });
      if (found.matches.length > 1) {
        return err(
          recordError(
            'precondition-failed',
            'If-None-Exist matches more than one resource: make the condition specific enough to name one.',
          ),
        );
      }
      return ok(found.matches[0]);
    },

    async create(writer, type, body, options = {}) {
      const checked = checkBody(type, body);
      if (!checked.ok) return checked;
      if (options.ifNoneExist !== undefined) {
        const existing = await interactions.matchCondition(writer.organisation, type, options.ifNoneExist);
        if (!existing.ok) return existing;
        if (existing.value !== undefined)
          return ok({ stored: existing.value, status: 200, change: 'matched' });
      }
      // The server gives a created resource its id; any id in the body is not the caller's to choose.
      const { id: _ignored, ...resource } = checked.value;
      const refused = await refuseReferences(
        writer.organisation,
        options.id === undefined ? resource : { ...resource, id: options.id },
        options.written,
      );
      if (refused !== undefined) return err(refused);
      const created =
        options.id === undefined
          ? await repository.create(writer, resource)
          : await repository.update(writer, { ...resource, id: options.id });
      if (!created.ok) return created;
      return ok({ stored: created.value.stored, status: 201, change: created.value.change });
    },

    async update(writer, type, id, body, options = {}) {
      const checked = checkBody(type, body);
      if (!checked.ok) return checked;
      if (checked.value.id !== id) {
        return err(
          recordError('invalid', `The body's id must be the id in the address (${id}).`, `${type}.id`),
        );
      }
      const refused = await refuseReferences(writer.organisation, checked.value, options.written);
      if (refused !== undefined) return err(refused);
      const updated = await repository.update(
        writer,
        { ...checked.value, id },
        options.ifMatch === undefined ? {} : { ifMatch: options.ifMatch },
      );
      if (!updated.ok) return updated;
      const { stored, change } = updated.value;
      return ok({ stored, status: change === 'created' ? 201 : 200, change });
    },

    delete: (writer, type, id) => repository.delete(writer, type, id),
  };
  return interactions;
}
