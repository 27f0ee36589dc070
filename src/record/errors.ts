/**
 * @module record/errors
 * What can go wrong with a request to the record, as values. The FHIR edge turns each into its HTTP status and an
 * OperationOutcome (`web/routes/fhir.ts`); nothing here knows HTTP. A validation failure carries the validator's
 * issues, each naming its element path.
 */

export type RecordErrorKind =
  | 'invalid' // the request or resource is malformed: 400
  | 'not-found' // 404
  | 'gone' // deleted: 410
  | 'conflict' // e.g. the id in the body is not the id in the URL: 409
  | 'precondition-failed' // If-Match names a version that is no longer current; If-None-Exist matches several: 412
  | 'forbidden' // 403
  | 'unprocessable'; // valid FHIR the record cannot take (a reference to nothing): 422

/** An OperationOutcome issue, as FHIR R4 writes it. */
export interface OutcomeIssue {
  readonly severity: 'fatal' | 'error' | 'warning' | 'information';
  readonly code: string;
  readonly diagnostics?: string;
  readonly details?: { readonly text: string };
  readonly expression?: readonly string[];
}

export interface RecordError {
  readonly kind: RecordErrorKind;
  /** What is wrong and what to do, in one or two sentences. Never quotes a value from the record. */
  readonly message: string;
  /** Where, as FHIRPath (`Patient.identifier[0].value`), when one element is at fault. */
  readonly expression?: string;
  /** Every problem, when there are several (validation). */
  readonly issues?: readonly OutcomeIssue[];
}

export const recordError = (kind: RecordErrorKind, message: string, expression?: string): RecordError =>
  expression === undefined ? { kind, message } : { kind, message, expression };
