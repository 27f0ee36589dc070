/**
 * @module record/validation/validate
 * `validateResource`: the one check every FHIR resource passes before the shared care record accepts it. Pure: the
 * definitions are loaded once per process (see definitions.ts), and the same input always gives the same answer.
 * Every problem found is reported in one OperationOutcome, each issue with the path of the element at fault, so a
 * sender can fix a resource in one go.
 */
import { err, ok, type Result } from '../../core/result.js';
import { loadDefinitions, type Definitions } from './definitions.js';
import type { OperationOutcome, OperationOutcomeIssue, Resource } from './fhir-types.js';
import { isJsonObject, type JsonObject } from './json.js';
import { checkEmptyStrings } from './empty-strings.js';
import { checkNhsNumberIdentifier } from './nhs-number-identifiers.js';
import { operationOutcome, outcomeIssue } from './outcome.js';
import { checkCoded } from './required-bindings.js';
import { checkResourceId, checkResourceTypeOf } from './resource-checks.js';
import { structuralIssues } from './structural.js';
import { walkResource } from './walk.js';

export interface ValidateOptions {
  /** Accept only these resource types (e.g. the ones a route serves); any R4 resource type when absent. */
  readonly resourceTypes?: readonly string[];
}

/**
 * Checks one resource: on success the input itself comes back (not a copy), typed as a Resource; otherwise an
 * OperationOutcome with every problem found. Loads the definitions on first use (a few seconds) unless
 * `loadDefinitions()` ran first.
 */
export function validateResource(
  input: unknown,
  options: ValidateOptions = {},
): Result<Resource, OperationOutcome> {
  const definitions = loadDefinitions();
  if (!isJsonObject(input))
    return err(
      operationOutcome([
        outcomeIssue({
          code: 'structure',
          text: `A FHIR resource must be a JSON object, not ${describe(input)}. Send one resource as a JSON object.`,
        }),
      ]),
    );
  const typeIssue = resourceTypeIssue(input, definitions, options);
  if (typeIssue !== undefined) return err(operationOutcome([typeIssue]));
  const resource = input as JsonObject & { readonly resourceType: string };

  const issues = checkedIssues(resource, definitions);
  return issues.length === 0 ? ok(resource) : err(operationOutcome(issues));
}

function checkedIssues(
  resource: JsonObject & { readonly resourceType: string },
  definitions: Definitions,
): OperationOutcomeIssue[] {
  try {
    const issues: OperationOutcomeIssue[] = [];
    let nestedTypeUnknown = false;
    walkResource(resource, definitions.walkPlan, {
      coded: (value, kind, binding, path) => {
        checkCoded(value, kind, binding, path, issues);
      },
      identifier: (value, path) => {
        checkNhsNumberIdentifier(value, path, issues);
      },
      resource: (value, path) => {
        const nested = path !== resource.resourceType;
        if (nested && !checkResourceTypeOf(value, path, definitions.resourceTypes, issues))
          nestedTypeUnknown = true;
        checkResourceId(value, path, issues);
      },
    });
    // @medplum/core stops at the first nested resource of an unknown type, saying only "Unknown data type" without
    // a path; ours has said where, so theirs is left out.
    const structural = structuralIssues(resource).filter(
      (issue) => !(nestedTypeUnknown && issue.diagnostics?.startsWith('Unknown data type') === true),
    );
    // @medplum/core catches some empty strings (in arrays) itself: one issue per path is enough.
    const reported = new Set(structural.map((issue) => issue.expression?.[0]));
    const empty: OperationOutcomeIssue[] = [];
    checkEmptyStrings(resource, resource.resourceType, empty);
    return [...structural, ...empty.filter((issue) => !reported.has(issue.expression?.[0])), ...issues];
  } catch (error) {
    if (error instanceof RangeError)
      return [
        outcomeIssue({
          code: 'too-costly',
          expression: resource.resourceType,
          text: `The ${resource.resourceType} is nested too deeply to validate. Flatten its extensions or contained resources.`,
          diagnostics: error.name,
        }),
      ];
    // A validator that fails on some input is a bug to fix, but the sender still gets an answer, not a crash.
    return [
      outcomeIssue({
        code: 'exception',
        expression: resource.resourceType,
        text: `The ${resource.resourceType} could not be validated, so it was not accepted. Report this to the Accord team.`,
        diagnostics: error instanceof Error ? error.name : typeof error,
      }),
    ];
  }
}

function resourceTypeIssue(
  input: JsonObject,
  definitions: Definitions,
  options: ValidateOptions,
): OperationOutcomeIssue | undefined {
  const where = 'Resource.resourceType';
  const type = input.resourceType;
  if (typeof type !== 'string')
    return outcomeIssue({
      code: type === undefined ? 'required' : 'structure',
      expression: where,
      text:
        type === undefined
          ? 'The resource has no resourceType. Add "resourceType", e.g. "Patient".'
          : `resourceType must be a string, not ${describe(type)}.`,
    });
  if (!definitions.resourceTypes.has(type)) {
    const near = [...definitions.resourceTypes].find((known) => known.toLowerCase() === type.toLowerCase());
    return outcomeIssue({
      code: 'code-invalid',
      expression: where,
      text: `'${type}' is not a FHIR R4 resource type.${near === undefined ? '' : ` Did you mean '${near}'?`}`,
    });
  }
  if (options.resourceTypes !== undefined && !options.resourceTypes.includes(type))
    return outcomeIssue({
      code: 'not-supported',
      expression: where,
      text: `A ${type} is not accepted here. Send one of: ${options.resourceTypes.join(', ')}.`,
    });
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
