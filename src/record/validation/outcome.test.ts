import { describe, expect, it } from 'vitest';
import { hasErrors, operationOutcome, outcomeIssue } from './outcome.js';

describe('operationOutcome', () => {
  it('builds an outcome the HTTP layer can send for its own errors', () => {
    const outcome = operationOutcome([outcomeIssue({ code: 'not-found', text: 'No Patient with id 42.' })]);
    expect(outcome).toEqual({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'not-found', details: { text: 'No Patient with id 42.' } }],
    });
    expect(hasErrors(outcome)).toBe(true);
  });

  it('carries expression, diagnostics and a chosen severity', () => {
    const issue = outcomeIssue({
      code: 'conflict',
      text: 'The version has changed.',
      expression: 'Patient.meta.versionId',
      diagnostics: 'expected 3',
      severity: 'warning',
    });
    expect(issue).toEqual({
      severity: 'warning',
      code: 'conflict',
      details: { text: 'The version has changed.' },
      diagnostics: 'expected 3',
      expression: ['Patient.meta.versionId'],
    });
    expect(hasErrors(operationOutcome([issue]))).toBe(false);
  });

  it('refuses an outcome with no issues (FHIR requires one)', () => {
    expect(() => operationOutcome([])).toThrow();
  });
});
