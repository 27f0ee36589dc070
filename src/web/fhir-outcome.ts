/**
 * @module web/routes/fhir-outcome
 * The record's errors as FHIR answers them: an HTTP status and an OperationOutcome whose issues name the element at
 * fault. Also used for the server's own refusals on /fhir (not signed in, forbidden, not found), so a FHIR client
 * always gets an OperationOutcome, never a page or a problem document.
 */
import type { Problem } from '../core/problem.js';
import type { OutcomeIssue, RecordError, RecordErrorKind } from '../record/index.js';

export const STATUS_OF: Readonly<Record<RecordErrorKind, number>> = {
  invalid: 400,
  'not-found': 404,
  gone: 410,
  conflict: 409,
  'precondition-failed': 412,
  forbidden: 403,
  unprocessable: 422,
};

/** FHIR's issue type for each kind (the IssueType value set). */
const ISSUE_CODE: Readonly<Record<RecordErrorKind, string>> = {
  invalid: 'invalid',
  'not-found': 'not-found',
  gone: 'deleted',
  conflict: 'conflict',
  'precondition-failed': 'conflict',
  forbidden: 'forbidden',
  unprocessable: 'processing',
};

export interface OperationOutcome {
  readonly resourceType: 'OperationOutcome';
  readonly issue: readonly OutcomeIssue[];
}

export function errorOutcome(code: string, text: string, expression?: string): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code,
        details: { text },
        diagnostics: text,
        ...(expression === undefined ? {} : { expression: [expression] }),
      },
    ],
  };
}

export function outcomeOfRecordError(error: RecordError): OperationOutcome {
  if (error.issues !== undefined && error.issues.length > 0) {
    return { resourceType: 'OperationOutcome', issue: error.issues };
  }
  return errorOutcome(ISSUE_CODE[error.kind], error.message, error.expression);
}

const PROBLEM_CODE: Readonly<Record<Problem['kind'], string>> = {
  'bad-input': 'invalid',
  'not-found': 'not-found',
  conflict: 'conflict',
  unauthenticated: 'login',
  forbidden: 'forbidden',
  'too-many-requests': 'throttled',
  configuration: 'exception',
  unavailable: 'transient',
};

/** A server-wide problem (401, 403, 413 …) on a /fhir address, as an OperationOutcome. */
export function outcomeOfProblem(problem: Problem): OperationOutcome {
  const text = problem.fix === undefined ? problem.title : `${problem.title} ${problem.fix}`;
  return errorOutcome(PROBLEM_CODE[problem.kind], text);
}
