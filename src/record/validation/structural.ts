/**
 * @module record/validation/structural
 * Runs @medplum/core's validator (types, cardinality, unknown elements, primitive formats, choice types, FHIRPath
 * invariants) and turns what it throws into issues with plain words and a proper FHIR issue code. Its own terse
 * message is kept in `diagnostics`.
 *
 * Its warnings are dropped, except "conflicting choice of type properties" (`deceasedBoolean` and
 * `deceasedDateTime` together), which FHIR forbids and is made an error. Its reference-type warning is dropped on
 * purpose: it misreads absolute and `urn:uuid:` references. A resource that fast-structural.ts recognises as surely
 * valid skips medplum's validator, which would report nothing for it.
 */
import { OperationOutcomeError, validateResource as medplumValidate } from '@medplum/core';
import { resolveChoicePath } from './choice-paths.js';
import { surelyValid } from './fast-structural.js';
import type { IssueType, OperationOutcomeIssue } from './fhir-types.js';
import { isJsonObject, objectsIn, stringOf, type JsonObject } from './json.js';
import { outcomeIssue } from './outcome.js';

export function structuralIssues(
  resource: JsonObject & { readonly resourceType: string },
): OperationOutcomeIssue[] {
  // The ordinary valid resource is recognised without medplum's much slower walk; anything else gets its verdict.
  return surelyValid(resource) ? [] : medplumStructuralIssues(resource);
}

/** The issues from @medplum/core's validator itself: the reference `surelyValid` is tested against. */
export function medplumStructuralIssues(
  resource: JsonObject & { readonly resourceType: string },
): OperationOutcomeIssue[] {
  let reported: unknown;
  try {
    reported = { issue: medplumValidate(resource) };
  } catch (error) {
    if (!(error instanceof OperationOutcomeError)) throw error;
    reported = error.outcome;
  }
  const issues: OperationOutcomeIssue[] = [];
  for (const issue of isJsonObject(reported) ? objectsIn(reported.issue) : []) {
    const translated = translate(issue, resource);
    if (translated !== undefined) issues.push(translated);
  }
  return issues;
}

interface Wording {
  readonly code: IssueType;
  readonly text: string;
}

const CHOICE_CONFLICT = /^Conflicting choice of type properties/;

function translate(
  issue: JsonObject,
  resource: JsonObject & { readonly resourceType: string },
): OperationOutcomeIssue | undefined {
  const resourceType = resource.resourceType;
  const message = stringOf(isJsonObject(issue.details) ? issue.details.text : undefined) ?? 'Invalid value';
  const expressions = Array.isArray(issue.expression) ? (issue.expression as readonly unknown[]) : [];
  const reportedPath = stringOf(expressions[0]);
  if (issue.severity !== 'error' && issue.severity !== 'fatal') {
    if (!CHOICE_CONFLICT.test(message)) return undefined;
    // The validator names this one by the bare property (`deceasedDateTime`), without the resource type.
    const path = reportedPath === undefined ? resourceType : `${resourceType}.${reportedPath}`;
    return outcomeIssue({
      code: 'structure',
      expression: path,
      diagnostics: message,
      text: `${message}: a choice element takes one type only. Send just one of them.`,
    });
  }
  const path = reportedPath === undefined ? resourceType : resolveChoicePath(resource, reportedPath);
  const { code, text } = reword(message, path, stringOf(issue.code));
  const fhirpath = stringOf(issue.diagnostics);
  return outcomeIssue({
    code,
    expression: path,
    text,
    diagnostics: fhirpath === undefined ? message : `${message} ${fhirpath}`,
  });
}

const ISSUE_TYPES: ReadonlySet<string> = new Set(['invalid', 'structure', 'required', 'value', 'invariant']);

/** The validator's messages, said plainly with what to do. Unknown messages are passed on as they are. */
function reword(message: string, path: string, reportedCode: string | undefined): Wording {
  let match: RegExpExecArray | null;
  if (message === 'Missing required property')
    return { code: 'required', text: `${path} is required but missing. Add it.` };
  if ((match = /^Invalid additional property "(.*)"$/.exec(message)) !== null)
    return {
      code: 'structure',
      text: `'${match[1] ?? ''}' is not an element FHIR R4 defines at ${path}. Remove it or correct its spelling; other data goes in an extension.`,
    };
  if ((match = /^Invalid JSON type: expected (\w+), but got (\w+)$/.exec(message)) !== null)
    return {
      code: 'structure',
      text: `${path} must be a JSON ${match[1] ?? ''}, not a ${match[2] ?? ''}. Send it as a ${match[1] ?? ''}.`,
    };
  if ((match = /^Invalid (\w+) format$/.exec(message)) !== null)
    return {
      code: 'value',
      text: `${path} is not a valid FHIR ${match[1] ?? ''}. Send it in the ${match[1] ?? ''} format the FHIR R4 datatypes page gives.`,
    };
  if (message === 'Expected array of values for property')
    return { code: 'structure', text: `${path} repeats, so it must be a JSON array, even of one value.` };
  if (message === 'Expected single value for property')
    return { code: 'structure', text: `${path} takes a single value, not an array.` };
  if (message === 'String must contain non-whitespace content')
    return {
      code: 'value',
      text: `${path} is empty or only spaces. Leave the element out or give it a value.`,
    };
  if (message === 'Invalid null value')
    return { code: 'structure', text: `${path} is null. Leave the element out instead of sending null.` };
  if (message.startsWith('Invalid empty'))
    return { code: 'structure', text: `${path} is empty. Leave the element out or give it a value.` };
  if (/cannot be larger than/.test(message))
    return {
      code: 'too-long',
      text: `${path} is too long: ${message}. Shorten it or send it as an attachment.`,
    };
  if (message.startsWith('Constraint')) return { code: 'invariant', text: `${message} (at ${path}).` };
  const code =
    reportedCode !== undefined && ISSUE_TYPES.has(reportedCode) ? (reportedCode as IssueType) : 'invalid';
  return { code, text: `${path}: ${message}.` };
}
