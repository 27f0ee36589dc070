/**
 * @module record/validation/outcome
 * Building OperationOutcomes: the validator's own issues and, for the HTTP layer, outcomes for its errors (not found,
 * conflict, …). FHIR requires at least one issue, so an empty list is a bug, not an outcome.
 */
import type { IssueSeverity, IssueType, OperationOutcome, OperationOutcomeIssue } from './fhir-types.js';

export function operationOutcome(issues: readonly OperationOutcomeIssue[]): OperationOutcome {
  if (issues.length === 0) throw new Error('An OperationOutcome needs at least one issue');
  return { resourceType: 'OperationOutcome', issue: issues };
}

export interface IssueInput {
  readonly code: IssueType;
  /** What is wrong and what to do; becomes `details.text`. */
  readonly text: string;
  /** Where: an element path such as `Patient.gender`; omitted for problems with the whole request. */
  readonly expression?: string;
  readonly diagnostics?: string;
  readonly severity?: IssueSeverity;
}

/** One issue, severity 'error' unless said otherwise. */
export function outcomeIssue(input: IssueInput): OperationOutcomeIssue {
  return {
    severity: input.severity ?? 'error',
    code: input.code,
    details: { text: input.text },
    ...(input.diagnostics === undefined ? {} : { diagnostics: input.diagnostics }),
    ...(input.expression === undefined ? {} : { expression: [input.expression] }),
  };
}

/** Whether an outcome reports anything that makes the resource unacceptable. */
export const hasErrors = (outcome: OperationOutcome): boolean =>
  outcome.issue.some((issue) => issue.severity === 'error' || issue.severity === 'fatal');
