/**
 * @module record/references
 * The references a resource makes, and which of them lead nowhere. A resource written to the record may refer only
 * to resources its own organisation has sent (`Patient/123`), or outside the record (an absolute URL), or into
 * itself (`#contained`): a partner's resources join up with other partners' through the master patient index, never
 * by pointing at them — which would also let a partner learn, by probing, what another partner holds.
 */
import type { Queryable } from '../store/index.js';
import { recordError, type RecordError } from './errors.js';
import type { Resource } from './resource.js';

export interface LiteralReference {
  /** Where, as FHIRPath: `Observation.subject.reference`. */
  readonly path: string;
  readonly type: string;
  readonly id: string;
}

const LITERAL = /^([A-Z][A-Za-z]{1,63})\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[1-9][0-9]{0,8})?$/;

/** A urn reference (`urn:uuid:…`) names a resource within the same transaction Bundle. */
export const isUrnReference = (reference: string): boolean => /^urn:(uuid|oid):/.test(reference);

/**
 * Every relative reference in the resource (at any depth), or the first that cannot be a reference to a resource of
 * the record: a conditional reference (`Patient?identifier=…`), a urn outside a transaction, or a malformed one.
 */
export function literalReferences(resource: Resource):
  | { ok: true; value: LiteralReference[] }
  | {
      ok: false;
      error: RecordError;
    } {
  const found: LiteralReference[] = [];
  let problem: RecordError | undefined;
  const walk = (value: unknown, path: string): void => {
    if (problem !== undefined) return;
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        walk(item, `${path}[${index}]`);
      });
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      const at = `${path}.${key}`;
      if (key === 'reference' && typeof child === 'string') {
        const reference = child.trim();
        const literal = LITERAL.exec(reference);
        if (literal !== null) {
          found.push({ path: at, type: literal[1] ?? '', id: literal[2] ?? '' });
        } else if (reference.startsWith('#') || /^https?:\/\//.test(reference)) {
          // Into the resource itself, or outside the record: nothing here to resolve.
        } else if (isUrnReference(reference)) {
          problem = recordError(
            'unprocessable',
            'A urn reference names a resource in the same transaction Bundle: send the two together as one transaction, or refer to Type/id.',
            at,
          );
        } else if (reference.includes('?')) {
          problem = recordError(
            'unprocessable',
            'Conditional references are not supported: find the resource first, then refer to it as Type/id.',
            at,
          );
        } else {
          problem = recordError(
            'invalid',
            'A reference is Type/id (Patient/123), an absolute URL, or #id of a contained resource.',
            at,
          );
        }
      } else {
        walk(child, at);
      }
    }
  };
  walk(resource, resource.resourceType);
  return problem === undefined ? { ok: true, value: found } : { ok: false, error: problem };
}

/**
 * The references among `references` that lead to no current resource the organisation has sent (organisations
 * compared ignoring case: a feed's ODS codes are upper case, a token's organisation id lower). `written` are
 * resources written in the same transaction (`Type/id`), which resolve whatever the database yet shows.
 */
export async function danglingReferences(
  q: Queryable,
  organisation: string,
  references: readonly LiteralReference[],
  written: ReadonlySet<string> = new Set(),
): Promise<LiteralReference[]> {
  const asked = references.filter((r) => !written.has(`${r.type}/${r.id}`));
  if (asked.length === 0) return [];
  const rows = await q.query<{ resource_type: string; id: string }>(
    `SELECT r.resource_type, r.id FROM record_resource r
       JOIN unnest($1::text[], $2::text[]) AS asked (resource_type, id) USING (resource_type, id)
      WHERE NOT r.deleted AND lower(r.source_organisation) = lower($3::text)`,
    [asked.map((r) => r.type), asked.map((r) => r.id), organisation],
  );
  const present = new Set(rows.map((row) => `${row.resource_type}/${row.id}`));
  return asked.filter((r) => !present.has(`${r.type}/${r.id}`));
}

/** The refusal for the first dangling reference. */
export const danglingError = (reference: LiteralReference): RecordError =>
  recordError(
    'unprocessable',
    `${reference.type}/${reference.id} is not a resource your organisation has sent to the record: send it first, or in the same transaction Bundle.`,
    reference.path,
  );
