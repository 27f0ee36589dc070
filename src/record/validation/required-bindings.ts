/**
 * @module record/validation/required-bindings
 * The required-binding check @medplum/core leaves out: a code under a required binding must come from the bound
 * value set. A `code` element is judged by its code alone (it carries no system); a Coding, or each coding of a
 * CodeableConcept, only when its system is one the value set draws on — codings from other systems are translations
 * the sender may add.
 */
import type { OperationOutcomeIssue } from './fhir-types.js';
import { isJsonObject, stringOf } from './json.js';
import { outcomeIssue } from './outcome.js';
import type { CodedKind, RequiredBinding } from './walk-plan.js';

// Listing more codes than this would bury the message; the value set's URL says where to find them.
const MAX_CODES_LISTED = 12;

export function checkCoded(
  value: unknown,
  kind: CodedKind,
  binding: RequiredBinding,
  path: string,
  issues: OperationOutcomeIssue[],
): void {
  switch (kind) {
    case 'code': {
      const code = stringOf(value);
      // An empty code is reported as an empty string, not as a code outside the value set.
      if (code !== undefined && code !== '' && !binding.codes.codes.has(code))
        issues.push(badCode(code, binding, path, path));
      return;
    }
    case 'Coding':
      if (isJsonObject(value)) checkCoding(value, binding, path, path, issues);
      return;
    case 'CodeableConcept': {
      if (!isJsonObject(value) || !Array.isArray(value.coding)) return;
      const codings: readonly unknown[] = value.coding;
      codings.forEach((coding, i) => {
        if (isJsonObject(coding)) checkCoding(coding, binding, `${path}.coding[${i}]`, path, issues);
      });
      return;
    }
  }
}

function checkCoding(
  coding: Readonly<Record<string, unknown>>,
  binding: RequiredBinding,
  path: string,
  element: string,
  issues: OperationOutcomeIssue[],
): void {
  const system = stringOf(coding.system);
  const code = stringOf(coding.code);
  if (system === undefined || code === undefined || code === '' || !binding.codes.systems.has(system)) return;
  if (!binding.codes.systemCodes.has(`${system}|${code}`))
    issues.push(badCode(code, binding, `${path}.code`, element, system));
}

function badCode(
  code: string,
  binding: RequiredBinding,
  path: string,
  element: string,
  system?: string,
): OperationOutcomeIssue {
  const allowed = [...binding.codes.codes];
  const choices =
    allowed.length <= MAX_CODES_LISTED
      ? `Use one of: ${allowed.join(', ')}.`
      : `Use a code from ${binding.valueSet}.`;
  const inSystem = system === undefined ? '' : ` in ${system}`;
  return outcomeIssue({
    code: 'code-invalid',
    expression: path,
    text: `'${code}'${inSystem} is not allowed here: ${element} is bound (required) to the value set ${binding.valueSet}. ${choices}`,
  });
}
