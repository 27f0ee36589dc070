/**
 * @module record/validation/fhir-types
 * The few FHIR R4 shapes this module hands out. `@medplum/fhirtypes` is not installed beside `@medplum/core` (its
 * declarations name it, so they resolve to `any` here), so the minimal types are written out: a resource as the
 * validator promises it (an object with a known `resourceType`), and OperationOutcome as FHIR R4 defines it.
 */

/** A FHIR resource that passed validation: its other elements are checked but typed loosely on purpose. */
export interface Resource {
  readonly resourceType: string;
  readonly id?: string;
  readonly [element: string]: unknown;
}

export type IssueSeverity = 'fatal' | 'error' | 'warning' | 'information';

/** FHIR R4 IssueType (http://hl7.org/fhir/ValueSet/issue-type), the codes an outcome may carry. */
export type IssueType =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'value'
  | 'invariant'
  | 'security'
  | 'login'
  | 'unknown'
  | 'expired'
  | 'forbidden'
  | 'suppressed'
  | 'processing'
  | 'not-supported'
  | 'duplicate'
  | 'multiple-matches'
  | 'not-found'
  | 'deleted'
  | 'too-long'
  | 'code-invalid'
  | 'extension'
  | 'too-costly'
  | 'business-rule'
  | 'conflict'
  | 'transient'
  | 'lock-error'
  | 'no-store'
  | 'exception'
  | 'timeout'
  | 'incomplete'
  | 'throttled'
  | 'informational';

export interface OperationOutcomeIssue {
  readonly severity: IssueSeverity;
  readonly code: IssueType;
  /** What is wrong and what to do, in plain words. */
  readonly details?: { readonly text: string };
  /** Further detail for whoever debugs the sender (e.g. the underlying validator's own message). */
  readonly diagnostics?: string;
  /** FHIRPath-like locations of the element at fault, e.g. `Patient.identifier[0].value`. */
  readonly expression?: readonly string[];
}

export interface OperationOutcome {
  readonly resourceType: 'OperationOutcome';
  readonly issue: readonly OperationOutcomeIssue[];
}
