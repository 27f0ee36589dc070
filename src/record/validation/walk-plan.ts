/**
 * @module record/validation/walk-plan
 * What the checks beyond @medplum/core's need to visit, computed once per type from the indexed element definitions:
 * for each type, only the elements that carry a required binding we can enumerate, or that can lead (through
 * nested types, backbone elements, choice types, extensions and contained resources) to one, or to an Identifier
 * (for the NHS number check). Walking a resource then touches a handful of properties instead of every element.
 *
 * Primitive extensions (`_gender`) are not walked; `code` elements inside them are checked by nobody (rare, and the
 * base specification binds none).
 */
import type { InternalTypeSchema } from '@medplum/core';
import { withoutVersion, type ValueSetCodes } from './value-sets.js';

/** How a bound element holds its code. */
export type CodedKind = 'code' | 'Coding' | 'CodeableConcept';

export interface RequiredBinding {
  readonly valueSet: string;
  readonly codes: ValueSetCodes;
}

/** One JSON property of an element: a choice element (`value[x]`) has one per type (`valueCodeableConcept`, …). */
export interface PlannedProperty {
  readonly property: string;
  readonly type: string;
  /** Set when this property is a coded type under a required, enumerable binding. */
  readonly binding?: RequiredBinding;
  /** Whether values of `type` must be walked into. */
  readonly descend: boolean;
}

export interface PlannedElement {
  readonly isArray: boolean;
  readonly properties: readonly PlannedProperty[];
}

export type WalkPlan = ReadonlyMap<string, readonly PlannedElement[]>;

/** The type that stands for any resource (contained resources, Bundle entries): walked by the value's resourceType. */
export const ANY_RESOURCE = 'Resource';
const IDENTIFIER = 'Identifier';

const isCoded = (type: string): type is CodedKind =>
  type === 'code' || type === 'Coding' || type === 'CodeableConcept';
// Primitive types are named in lower camel case (string, dateTime, code); complex types and backbone types are not.
const isPrimitive = (type: string): boolean => /^[a-z]/.test(type) || type.startsWith('http://');
const capitalised = (type: string): string => `${type.charAt(0).toUpperCase()}${type.slice(1)}`;

interface RawProperty {
  readonly property: string;
  readonly type: string;
  readonly binding?: RequiredBinding;
}
interface RawElement {
  readonly isArray: boolean;
  readonly properties: readonly RawProperty[];
}

export function buildWalkPlan(
  resourceTypes: readonly string[],
  lookup: (type: string) => InternalTypeSchema | undefined,
  valueSets: ReadonlyMap<string, ValueSetCodes>,
): WalkPlan {
  const raw = new Map<string, readonly RawElement[]>();
  const queue = [...resourceTypes, IDENTIFIER];
  // Every complex type reachable from the resources, with its elements' properties and usable bindings.
  for (let type = queue.pop(); type !== undefined; type = queue.pop()) {
    if (raw.has(type) || type === ANY_RESOURCE) continue;
    const schema = lookup(type);
    if (schema === undefined) continue;
    const elements: RawElement[] = [];
    for (const [key, element] of Object.entries(schema.elements)) {
      const choice = key.endsWith('[x]');
      const base = choice ? key.slice(0, -3) : key;
      const binding = requiredBinding(element.binding, valueSets);
      const properties = element.type.map(({ code }): RawProperty => {
        if (!isPrimitive(code)) queue.push(code);
        return {
          property: choice ? `${base}${capitalised(code)}` : key,
          type: code,
          ...(binding !== undefined && isCoded(code) ? { binding } : {}),
        };
      });
      elements.push({ isArray: element.isArray === true || element.max > 1, properties });
    }
    raw.set(type, elements);
  }

  // Which types can lead to something to check: a least fixed point, grown from the types that check something.
  const interesting = new Set<string>([IDENTIFIER, ANY_RESOURCE]);
  for (const [type, elements] of raw)
    if (elements.some((element) => element.properties.some((p) => p.binding !== undefined)))
      interesting.add(type);
  for (let grown = true; grown;) {
    grown = false;
    for (const [type, elements] of raw) {
      if (interesting.has(type)) continue;
      if (elements.some((element) => element.properties.some((p) => interesting.has(p.type)))) {
        interesting.add(type);
        grown = true;
      }
    }
  }

  const plan = new Map<string, readonly PlannedElement[]>();
  for (const [type, elements] of raw) {
    const planned: PlannedElement[] = [];
    for (const element of elements) {
      const properties = element.properties
        .map((p) => ({ ...p, descend: interesting.has(p.type) }))
        .filter((p) => p.descend || p.binding !== undefined);
      if (properties.length > 0) planned.push({ isArray: element.isArray, properties });
    }
    plan.set(type, planned);
  }
  return plan;
}

/** The binding when it is required and its value set can be enumerated offline; otherwise nothing to check. */
function requiredBinding(
  binding: unknown,
  valueSets: ReadonlyMap<string, ValueSetCodes>,
): RequiredBinding | undefined {
  if (typeof binding !== 'object' || binding === null) return undefined;
  const { strength, valueSet } = binding as { strength?: unknown; valueSet?: unknown };
  if (strength !== 'required' || typeof valueSet !== 'string') return undefined;
  const url = withoutVersion(valueSet);
  const codes = valueSets.get(url);
  return codes === undefined ? undefined : { valueSet: url, codes };
}
