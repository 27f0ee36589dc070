/**
 * @module record/bundle
 * FHIR batch and transaction Bundles: many interactions in one request. A batch runs each entry on its own, and one
 * entry's failure is that entry's answer. A transaction is all-or-nothing: its entries run in one database
 * transaction, in FHIR's order (DELETE, POST, PUT, then GET), new resources get their ids first so that references
 * between entries (`urn:uuid:…` full URLs) are rewritten to them, and the first failure rolls everything back and is
 * the whole answer, naming the entry at fault.
 *
 * Reads in a Bundle see only what the caller's organisation sent, as everywhere in the API for partner systems.
 */
import { randomUUID } from 'node:crypto';
import { err, ok, type Result } from '../core/result.js';
import { withinTransaction, type Database } from '../store/index.js';
import { recordError, type RecordError } from './errors.js';
import { recordInteractions, type RecordInteractions } from './interactions.js';
import { isUrnReference } from './references.js';
import { isResourceId, recordRepository, type StoredResource, type Writer } from './repository.js';
import type { ParameterTable } from './search/parameters.js';
import { planSearch } from './search/query.js';

/** More entries than this are refused: send them as several Bundles, or as a feed. */
export const MAX_BUNDLE_ENTRIES = 1_000;

export type BundleMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface BundleEntryRequest {
  /** Position in the Bundle, for the answer and for errors (`Bundle.entry[3]`). */
  readonly index: number;
  readonly method: BundleMethod;
  readonly type: string;
  readonly id: string | undefined;
  /** The query of a GET search or of a conditional create's `ifNoneExist`. */
  readonly query: string | undefined;
  readonly fullUrl: string | undefined;
  readonly resource: unknown;
  readonly ifMatch: number | undefined;
}

export interface ParsedBundle {
  readonly type: 'batch' | 'transaction';
  readonly entries: readonly BundleEntryRequest[];
}

/** One entry's answer. */
export type EntryOutcome =
  | {
      readonly kind: 'written';
      readonly action: 'create' | 'update';
      readonly status: 200 | 201;
      readonly stored: StoredResource;
      /** False for a conditional create that matched, or an update that changed nothing. */
      readonly changed: boolean;
    }
  | { readonly kind: 'deleted'; readonly version: number | undefined; readonly patientId: string | undefined }
  | { readonly kind: 'read'; readonly stored: StoredResource }
  | {
      readonly kind: 'searched';
      readonly matches: readonly StoredResource[];
      readonly total: number | undefined;
    }
  | { readonly kind: 'failed'; readonly error: RecordError };

export interface BundleOutcome {
  readonly type: 'batch' | 'transaction';
  readonly entries: readonly { readonly request: BundleEntryRequest; readonly outcome: EntryOutcome }[];
}

const METHODS = new Set<string>(['GET', 'POST', 'PUT', 'DELETE']);
const ORDER: Readonly<Record<BundleMethod, number>> = { DELETE: 0, POST: 1, PUT: 2, GET: 3 };

const at = (index: number, message: string, path = ''): RecordError =>
  recordError('invalid', message, `Bundle.entry[${String(index)}]${path}`);

/** Reads the Bundle's type and its entries' requests; any malformed entry refuses the whole Bundle. */
export function parseBundle(
  body: unknown,
  knownType: (type: string) => boolean,
): Result<ParsedBundle, RecordError> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return err(recordError('invalid', 'Send a Bundle as a JSON object.'));
  }
  const bundle = body as Record<string, unknown>;
  if (bundle['resourceType'] !== 'Bundle') {
    return err(recordError('invalid', 'POST to the base address takes a Bundle.', 'resourceType'));
  }
  const type = bundle['type'];
  if (type !== 'batch' && type !== 'transaction') {
    return err(recordError('invalid', 'The Bundle must be of type batch or transaction.', 'Bundle.type'));
  }
  const rawEntries = bundle['entry'] ?? [];
  if (!Array.isArray(rawEntries))
    return err(recordError('invalid', 'Bundle.entry must be a list.', 'Bundle.entry'));
  if (rawEntries.length > MAX_BUNDLE_ENTRIES) {
    return err(
      recordError(
        'invalid',
        `A Bundle may hold at most ${String(MAX_BUNDLE_ENTRIES)} entries; this one has ${String(rawEntries.length)}. Split it, or send the resources as a feed.`,
        'Bundle.entry',
      ),
    );
  }
  const entries: BundleEntryRequest[] = [];
  const fullUrls = new Set<string>();
  for (const [index, raw] of rawEntries.entries()) {
    const entry = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const request = entry['request'] as Record<string, unknown> | undefined;
    const method = request?.['method'];
    const url = request?.['url'];
    if (typeof method !== 'string' || !METHODS.has(method) || typeof url !== 'string') {
      return err(
        at(index, 'Each entry needs request.method (GET, POST, PUT or DELETE) and request.url.', '.request'),
      );
    }
    const [path = '', query] = url.replace(/^\//, '').split('?', 2);
    const [entryType = '', id, ...rest] = path.split('/');
    if (!knownType(entryType) || rest.length > 0) {
      return err(
        at(
          index,
          `"${url}" is not Type, Type/id or Type?query of a resource type the record holds.`,
          '.request.url',
        ),
      );
    }
    if (id !== undefined && !isResourceId(id)) {
      return err(at(index, 'A resource id is 1 to 64 letters, digits, hyphens and dots.', '.request.url'));
    }
    const needsId = method === 'PUT' || method === 'DELETE';
    if (needsId !== (id !== undefined) && method !== 'GET') {
      return err(
        at(
          index,
          needsId
            ? `${method} needs Type/id in request.url.`
            : 'POST takes Type in request.url, without an id.',
          '.request.url',
        ),
      );
    }
    const resource = entry['resource'];
    if ((method === 'POST' || method === 'PUT') && resource === undefined) {
      return err(at(index, `A ${method} entry carries the resource.`, '.resource'));
    }
    const fullUrl = typeof entry['fullUrl'] === 'string' ? entry['fullUrl'] : undefined;
    if (fullUrl !== undefined && isUrnReference(fullUrl)) {
      if (fullUrls.has(fullUrl)) return err(at(index, 'Two entries have the same fullUrl.', '.fullUrl'));
      fullUrls.add(fullUrl);
    }
    const ifNoneExist = request?.['ifNoneExist'];
    const ifMatchText = request?.['ifMatch'];
    let ifMatch: number | undefined;
    if (typeof ifMatchText === 'string') {
      const version = /^(?:W\/)?"([1-9][0-9]{0,8})"$/.exec(ifMatchText.trim())?.[1];
      if (version === undefined) {
        return err(at(index, 'ifMatch is the ETag of the version read, such as W/"3".', '.request.ifMatch'));
      }
      ifMatch = Number(version);
    }
    entries.push({
      index,
      method: method as BundleMethod,
      type: entryType,
      id,
      query: method === 'POST' ? (typeof ifNoneExist === 'string' ? ifNoneExist : undefined) : query,
      fullUrl,
      resource,
      ifMatch,
    });
  }
  return ok({ type, entries });
}

/** Replaces every reference to a urn in `ids` with the Type/id it was given. */
function rewriteUrns(value: unknown, ids: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteUrns(item, ids));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [
      key,
      key === 'reference' && typeof child === 'string' ? (ids.get(child) ?? child) : rewriteUrns(child, ids),
    ]),
  );
}

/** Thrown inside the transaction to roll it back, carrying the entry that failed. */
class EntryFailed extends Error {
  constructor(
    readonly entry: BundleEntryRequest,
    readonly error: RecordError,
  ) {
    super('a transaction entry failed');
  }
}

export interface TransactionFailure {
  readonly index: number;
  readonly error: RecordError;
}

export function bundleProcessor(db: Database, table: ParameterTable) {
  async function run(
    interactions: RecordInteractions,
    repository: ReturnType<typeof recordRepository>,
    writer: Writer,
    entry: BundleEntryRequest,
    options: { id?: string; resource?: unknown; written?: ReadonlySet<string> } = {},
  ): Promise<EntryOutcome> {
    const failed = (error: RecordError): EntryOutcome => ({ kind: 'failed', error });
    const resource = options.resource ?? entry.resource;
    const written = options.written === undefined ? {} : { written: options.written };
    switch (entry.method) {
      case 'POST': {
        const created = await interactions.create(writer, entry.type, resource, {
          ...(entry.query === undefined ? {} : { ifNoneExist: entry.query }),
          ...(options.id === undefined ? {} : { id: options.id }),
          ...written,
        });
        if (!created.ok) return failed(created.error);
        const { stored, status, change } = created.value;
        return { kind: 'written', action: 'create', status, stored, changed: change !== 'matched' };
      }
      case 'PUT': {
        const updated = await interactions.update(writer, entry.type, entry.id ?? '', resource, {
          ...(entry.ifMatch === undefined ? {} : { ifMatch: entry.ifMatch }),
          ...written,
        });
        if (!updated.ok) return failed(updated.error);
        const { stored, status, change } = updated.value;
        return { kind: 'written', action: 'update', status, stored, changed: change !== 'unchanged' };
      }
      case 'DELETE': {
        const deleted = await interactions.delete(writer, entry.type, entry.id ?? '');
        return deleted.ok ? { kind: 'deleted', ...deleted.value } : failed(deleted.error);
      }
      case 'GET': {
        if (entry.id !== undefined) {
          // Another organisation's resource is, to the caller, not there.
          const read = await repository.readFor(entry.type, entry.id, writer.organisation);
          return read.ok ? { kind: 'read', stored: read.value } : failed(read.error);
        }
        const plan = planSearch(table, entry.type, [...new URLSearchParams(entry.query ?? '')]);
        if (!plan.ok) return failed(plan.error);
        const found = await repository.search(plan.value, { organisation: writer.organisation });
        return { kind: 'searched', matches: found.matches, total: found.total };
      }
    }
  }

  return {
    /** Each entry on its own, in the Bundle's order. */
    async batch(writer: Writer, entries: readonly BundleEntryRequest[]): Promise<BundleOutcome> {
      const interactions = recordInteractions(db, table);
      const repository = recordRepository(db, table);
      const results = [];
      // A urn reference in a batch is refused by the entry's own check: entries of a batch do not refer to each other.
      for (const entry of entries) {
        results.push({ request: entry, outcome: await run(interactions, repository, writer, entry) });
      }
      return { type: 'batch', entries: results };
    },

    /** All entries or none: the outcome of each, or the first failure. */
    async transaction(
      writer: Writer,
      entries: readonly BundleEntryRequest[],
    ): Promise<Result<BundleOutcome, TransactionFailure>> {
      try {
        const outcomes = await db.transaction(async (tx) => {
          const scoped = withinTransaction(tx, db.description);
          const interactions = recordInteractions(scoped, table);
          const repository = recordRepository(scoped, table);
          // Ids first: a conditional create that matches takes the existing id; any other create a new one.
          const ids = new Map<number, string>();
          const urns = new Map<string, string>();
          for (const entry of entries) {
            if (entry.method !== 'POST') continue;
            let id: string = randomUUID();
            if (entry.query !== undefined) {
              const existing = await interactions.matchCondition(
                writer.organisation,
                entry.type,
                entry.query,
              );
              if (!existing.ok) throw new EntryFailed(entry, existing.error);
              if (existing.value !== undefined) id = existing.value.resource.id;
            }
            ids.set(entry.index, id);
            if (entry.fullUrl !== undefined) urns.set(entry.fullUrl, `${entry.type}/${id}`);
          }
          const written = new Set<string>(
            entries.flatMap((entry) => {
              const id = ids.get(entry.index) ?? (entry.method === 'PUT' ? entry.id : undefined);
              return id === undefined ? [] : [`${entry.type}/${id}`];
            }),
          );
          const outcomes = new Map<number, EntryOutcome>();
          for (const entry of [...entries].sort(
            (a, b) => ORDER[a.method] - ORDER[b.method] || a.index - b.index,
          )) {
            const id = ids.get(entry.index);
            const outcome = await run(interactions, repository, writer, entry, {
              ...(id === undefined ? {} : { id }),
              resource: rewriteUrns(entry.resource, urns),
              written,
            });
            if (outcome.kind === 'failed') throw new EntryFailed(entry, outcome.error);
            outcomes.set(entry.index, outcome);
          }
          return outcomes;
        });
        return ok({
          type: 'transaction',
          entries: entries.map((request) => {
            const outcome = outcomes.get(request.index);
            if (outcome === undefined) throw new Error('a committed transaction left an entry unanswered');
            return { request, outcome };
          }),
        });
      } catch (error) {
        if (error instanceof EntryFailed) return err({ index: error.entry.index, error: error.error });
        throw error;
      }
    },
  };
}
