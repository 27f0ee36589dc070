/**
 * @module record/resource
 * What the record works out from a resource's content alone: the Patient it is about, and a key for its content
 * that ignores what the server sets (version and time), so that a resource sent again unchanged is known to be
 * unchanged. Shared by the one-at-a-time repository and the bulk import, which must agree on both.
 */
import { canonicalJson } from '../core/canonical-json.js';
import { parseReference } from './search/extract.js';

export type Resource = Readonly<Record<string, unknown>> & {
  readonly resourceType: string;
  readonly id?: string;
};

/** The Patient a resource is about: a Patient is about itself; others name theirs by `patient` or `subject`. */
export function patientOf(resource: Resource, id: string): string | null {
  if (resource.resourceType === 'Patient') return id;
  for (const element of ['patient', 'subject', 'beneficiary']) {
    const reference = parseReference(resource[element]);
    if (reference?.type === 'Patient') return reference.id;
  }
  return null;
}

/** The content without the server's meta (versionId, lastUpdated), as canonical JSON: equal content, equal key. */
export function contentKey(resource: Resource): string {
  const { meta, ...rest } = resource as Record<string, unknown>;
  const {
    versionId: _version,
    lastUpdated: _updated,
    ...otherMeta
  } = (meta ?? {}) as Record<string, unknown>;
  return canonicalJson(Object.keys(otherMeta).length > 0 ? { ...rest, meta: otherMeta } : rest);
}
