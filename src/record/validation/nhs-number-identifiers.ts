/**
 * @module record/validation/nhs-number-identifiers
 * UK Core's NHS number identifier: an Identifier with system https://fhir.nhs.uk/Id/nhs-number must carry the
 * ten digits, without spaces, with a valid modulus 11 check digit — a wrong number links a record to the wrong person.
 */
import { nhsNumberProblem, type NhsNumberProblem } from '../../identity/nhs-number.js';
import type { OperationOutcomeIssue } from './fhir-types.js';
import type { JsonObject } from './json.js';
import { outcomeIssue } from './outcome.js';

export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

const explain: Record<NhsNumberProblem, string> = {
  'not-ten-digits': 'is not ten digits',
  'check-digit-mismatch': 'has the wrong check digit (the last digit, modulus 11)',
  'no-valid-check-digit': 'cannot be an NHS number: its first nine digits have no valid check digit',
};

export function checkNhsNumberIdentifier(
  identifier: JsonObject,
  path: string,
  issues: OperationOutcomeIssue[],
): void {
  if (identifier.system !== NHS_NUMBER_SYSTEM) return;
  const where = `${path}.value`;
  const value = identifier.value;
  if (value === undefined) {
    issues.push(
      outcomeIssue({
        code: 'required',
        expression: where,
        text: `An identifier with system ${NHS_NUMBER_SYSTEM} has no value. Add the patient's ten-digit NHS number.`,
      }),
    );
    return;
  }
  if (typeof value !== 'string') return; // the structural check reports the wrong type
  // The FHIR value is the bare ten digits: spaces and hyphens are for display only.
  const problem = /^\d{10}$/.test(value) ? nhsNumberProblem(value) : 'not-ten-digits';
  if (problem === undefined) return;
  issues.push(
    outcomeIssue({
      code: 'value',
      expression: where,
      text: `The NHS number ${explain[problem]}. Send the patient's ten-digit NHS number with no spaces, checked against the source record.`,
    }),
  );
}
