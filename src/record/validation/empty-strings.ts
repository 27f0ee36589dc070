/**
 * @module record/validation/empty-strings
 * FHIR JSON forbids empty strings ("" is not a value: leave the element out), which @medplum/core lets through. One
 * pass over the whole resource finds them, arrays and primitive extensions (`_given`) included.
 */
import type { OperationOutcomeIssue } from './fhir-types.js';
import { isJsonObject } from './json.js';
import { outcomeIssue } from './outcome.js';

// As the walk's own limit: deeper is reported as too deeply nested by whoever reaches it first.
const MAX_DEPTH = 200;

export function checkEmptyStrings(
  value: unknown,
  path: string,
  issues: OperationOutcomeIssue[],
  depth = 0,
): void {
  if (depth > MAX_DEPTH) throw new RangeError('Resource nested too deeply');
  if (value === '') {
    issues.push(
      outcomeIssue({
        code: 'value',
        expression: path,
        text: `${path} is an empty string, which FHIR does not allow. Leave the element out or give it a value.`,
      }),
    );
  } else if (Array.isArray(value)) {
    const items: readonly unknown[] = value;
    for (let i = 0; i < items.length; i++) checkEmptyStrings(items[i], `${path}[${i}]`, issues, depth + 1);
  } else if (isJsonObject(value)) {
    for (const key in value) checkEmptyStrings(value[key], `${path}.${key}`, issues, depth + 1);
  }
}
