/**
 * @module record/search/extract
 * The values a resource gives each search parameter, as rows of the search index (migration 0007): tokens (system
 * and code), strings folded for matching, dates as the range of instants they cover, and references by type and id.
 * Pure: a resource in, rows out; the repository writes them beside the resource in the same transaction.
 */
import type { ParameterPath, ParameterTable, SearchParameter } from './parameters.js';
import { dateRange } from './dates.js';

export interface IndexRows {
  readonly tokens: [param: string, system: string | null, code: string][];
  readonly strings: [param: string, value: string][];
  readonly dates: [param: string, low: string, high: string][];
  readonly references: [param: string, targetType: string, targetId: string][];
}

type Json = unknown;
type JsonObject = Readonly<Record<string, Json>>;

const isObject = (value: Json): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Case and accents folded, spaces squeezed: FHIR's string search matches "starts with, ignoring case and accents". */
export function foldString(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** The values at a path: arrays flattened at every step; a choice element found by its typed name (valueQuantity). */
export function valuesAt(resource: JsonObject, path: ParameterPath): Json[] {
  let current: Json[] = [resource];
  const last = path.elements.length - 1;
  path.elements.forEach((element, step) => {
    const next: Json[] = [];
    for (const node of current) {
      if (!isObject(node)) continue;
      const push = (value: Json) => {
        if (Array.isArray(value)) next.push(...(value as Json[]));
        else if (value !== undefined && value !== null) next.push(value);
      };
      if (step === last && path.choice !== undefined) {
        push(node[element + path.choice]);
      } else if (element in node) {
        push(node[element]);
      } else {
        // A choice element: `effective` is written effectiveDateTime, effectivePeriod, …
        for (const key of Object.keys(node)) {
          if (
            key.length > element.length &&
            key.startsWith(element) &&
            /[A-Z]/.test(key.charAt(element.length))
          )
            push(node[key]);
        }
      }
    }
    current = next;
  });
  return current;
}

const text = (value: Json): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

function addTokens(rows: IndexRows, code: string, value: Json): void {
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') {
    rows.tokens.push([code, null, String(value)]);
    return;
  }
  if (!isObject(value)) return;
  // Identifier (system, value), Coding (system, code), CodeableConcept (its codings), ContactPoint (system, value).
  if (Array.isArray(value.coding)) {
    for (const coding of value.coding as Json[]) addTokens(rows, code, coding);
    return;
  }
  const token = text(value.code) ?? text(value.value);
  if (token !== undefined) rows.tokens.push([code, text(value.system) ?? null, token]);
}

const NAME_PARTS = ['text', 'family', 'given', 'prefix', 'suffix'] as const;
const ADDRESS_PARTS = ['text', 'line', 'city', 'district', 'state', 'postalCode', 'country'] as const;

function addStrings(rows: IndexRows, code: string, value: Json): void {
  if (typeof value === 'string') {
    const folded = foldString(value);
    if (folded !== '') rows.strings.push([code, folded]);
    return;
  }
  if (!isObject(value)) return;
  // A HumanName or an Address matches by any of its parts.
  const parts = 'family' in value || 'given' in value ? NAME_PARTS : ADDRESS_PARTS;
  for (const part of parts) {
    const inner = value[part];
    for (const item of Array.isArray(inner) ? (inner as Json[]) : [inner]) addStrings(rows, code, item);
  }
}

function addDates(rows: IndexRows, code: string, value: Json): void {
  if (typeof value === 'string') {
    const range = dateRange(value);
    if (range !== undefined) rows.dates.push([code, range.low, range.high]);
    return;
  }
  if (!isObject(value)) return;
  // A Period: open at either end when the end is missing.
  const start = typeof value.start === 'string' ? dateRange(value.start) : undefined;
  const end = typeof value.end === 'string' ? dateRange(value.end) : undefined;
  if (start === undefined && end === undefined) return;
  const low = start?.low ?? '-infinity';
  const high = end?.high ?? 'infinity';
  // A period that ends before it starts breaks FHIR's per-1 rule; indexed as the span between the two, not refused
  // here (validation is the place to refuse it), so a write never fails on its index.
  rows.dates.push(
    start !== undefined && end !== undefined && low > high ? [code, end.low, start.high] : [code, low, high],
  );
}

const RELATIVE_REFERENCE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9.-]{1,64})(?:\/_history\/[0-9]+)?$/;

/** A relative reference's type and id ("Patient/123"), or undefined for any other kind. */
export function parseReference(value: Json): { type: string; id: string } | undefined {
  const reference = isObject(value) ? text(value.reference) : undefined;
  const match = reference === undefined ? null : RELATIVE_REFERENCE.exec(reference);
  return match?.[1] === undefined || match[2] === undefined ? undefined : { type: match[1], id: match[2] };
}

function addReferences(rows: IndexRows, code: string, value: Json, targetType: string | undefined): void {
  const reference = parseReference(value);
  if (reference === undefined) return;
  if (targetType !== undefined && reference.type !== targetType) return;
  rows.references.push([code, reference.type, reference.id]);
}

function addValues(rows: IndexRows, parameter: SearchParameter, path: ParameterPath, values: Json[]): void {
  for (const value of values) {
    switch (parameter.type) {
      case 'token':
        addTokens(rows, parameter.code, value);
        break;
      case 'string':
        addStrings(rows, parameter.code, value);
        break;
      case 'date':
        addDates(rows, parameter.code, value);
        break;
      case 'reference':
        addReferences(rows, parameter.code, value, path.targetType);
        break;
    }
  }
}

/** Every index row of a resource, for the parameters its type has in the table. */
export function indexRows(
  table: ParameterTable,
  resource: JsonObject & { readonly resourceType: string },
): IndexRows {
  const rows: IndexRows = { tokens: [], strings: [], dates: [], references: [] };
  const parameters = table.get(resource.resourceType);
  if (parameters === undefined) return rows;
  for (const parameter of parameters.values()) {
    for (const path of parameter.paths) addValues(rows, parameter, path, valuesAt(resource, path));
  }
  return rows;
}
