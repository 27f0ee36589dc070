/**
 * @module record/validation
 * FHIR R4 resource validation for the shared care record. Errors come back as an OperationOutcome value, every
 * problem with the path of the element at fault; the HTTP layer builds outcomes for its own errors with
 * `operationOutcome` and `outcomeIssue`.
 *
 * Checked: a JSON object with an R4 resourceType (optionally from an allow-list); everything @medplum/core's
 * validator checks (JSON types, cardinality, unknown elements, primitive formats, choice types, invariants); codes
 * under required bindings whose value sets can be enumerated offline (value-sets.ts lists what cannot: filters,
 * SNOMED CT, LOINC, UCUM, MIME types, v2/v3 code systems, …); UK Core NHS number identifiers (ten digits, modulus 11);
 * ids; empty strings; the types of contained and Bundle entry resources.
 * Not checked: extensible and weaker bindings, profiles (UK Core's included, beyond the NHS number), references
 * resolving, the size of the body (the HTTP layer limits it).
 */
export { loadDefinitions, type Definitions } from './definitions.js';
export type {
  IssueSeverity,
  IssueType,
  OperationOutcome,
  OperationOutcomeIssue,
  Resource,
} from './fhir-types.js';
export { NHS_NUMBER_SYSTEM } from './nhs-number-identifiers.js';
export { hasErrors, operationOutcome, outcomeIssue, type IssueInput } from './outcome.js';
export { validateResource, type ValidateOptions } from './validate.js';
