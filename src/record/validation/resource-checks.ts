/**
 * @module record/validation/resource-checks
 * Checks on the resources inside a resource (contained resources, Bundle entries, Parameters) and on every
 * resource's `id`, which @medplum/core does not make: a nested resource must name an R4 resource type (otherwise
 * @medplum/core stops at the first one, without a path), and an id must be FHIR's 1–64 letters, digits, '-' and '.',
 * because ids end up in URLs and references.
 */
import type { OperationOutcomeIssue } from './fhir-types.js';
import type { JsonObject } from './json.js';
import { outcomeIssue } from './outcome.js';

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** Whether the nested resource names a known type; if not, an issue saying where. */
export function checkResourceTypeOf(
  resource: JsonObject,
  path: string,
  resourceTypes: ReadonlySet<string>,
  issues: OperationOutcomeIssue[],
): boolean {
  const type = resource.resourceType;
  if (typeof type === 'string' && resourceTypes.has(type)) return true;
  issues.push(
    outcomeIssue({
      code: typeof type === 'string' ? 'code-invalid' : 'required',
      expression: `${path}.resourceType`,
      text:
        typeof type === 'string'
          ? `'${type}' is not a FHIR R4 resource type. Use one, e.g. "Patient".`
          : 'A resource inside this one has no resourceType. Add "resourceType", e.g. "Patient".',
    }),
  );
  return false;
}

export function checkResourceId(resource: JsonObject, path: string, issues: OperationOutcomeIssue[]): void {
  const id = resource.id;
  if (typeof id !== 'string' || FHIR_ID.test(id)) return; // a non-string is the structural check's to report
  issues.push(
    outcomeIssue({
      code: 'value',
      expression: `${path}.id`,
      text: `${path}.id is not a valid FHIR id: use 1 to 64 letters, digits, '-' or '.'.`,
    }),
  );
}
