/**
 * @module record/validation/fast-structural
 * A fast, one-sided stand-in for @medplum/core's validator: `surelyValid(resource)` answers true only when medplum's
 * validator is certain to report nothing Accord keeps (no error, no conflicting choice of type), and false whenever
 * it cannot be sure — then medplum's validator runs as before and its verdict and wording are what the sender sees.
 * So it can never change a verdict or a message; it only spares the ordinary valid resource medplum's generic walk
 * (typed-value wrappers, FHIRPath evaluation of every invariant), which is most of an import's time.
 *
 * Compiled once per type, lazily, from the same element definitions medplum's validator reads (its global schema,
 * indexed by definitions.ts), and mirroring its rules: every JSON key is an element (or one type of a choice
 * element), cardinality and array-ness, primitive JS types and formats (medplum's own regular expressions and
 * tables), nested types walked by their own definitions, and each error-severity invariant medplum evaluates there
 * decided by a hand-written predicate for the few that the base specification puts on the resources we see. It
 * gives up (false) on anything outside that: primitive extensions (`_birthDate`), nulls, empty values, contained
 * resources, slicing, fixed or pattern values, an invariant without a predicate, keys medplum could read as a choice
 * element, very deep nesting. fast-structural.test.ts checks with fast-check that an accepted resource is one medplum
 * accepts too.
 */
import {
  capitalize,
  fhirTypeToJsType,
  tryGetDataType,
  validationRegexes,
  type InternalSchemaElement,
} from '@medplum/core';
import { isJsonObject, type JsonObject } from './json.js';

interface CompiledElement {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly isArray: boolean;
  /** The JSON property of each of the element's types (one unless a choice element), in medplum's order. */
  readonly keys: readonly string[];
  readonly typeOfKey: ReadonlyMap<string, string>;
  /** The invariants medplum evaluates on each value; undefined when one has no predicate here. */
  readonly invariants: readonly Predicate[] | undefined;
  /** Slicing, a fixed or a pattern value: medplum checks these, we do not. */
  readonly unsupported: boolean;
}

interface CompiledType {
  readonly name: string;
  readonly elements: readonly CompiledElement[];
  readonly byName: ReadonlyMap<string, CompiledElement>;
  /** JSON keys that are surely this type's elements (and not readable by medplum as another choice element). */
  readonly keys: ReadonlySet<string>;
  /** The type's own invariants, which medplum evaluates on the root resource only; undefined when one is unknown. */
  readonly rootInvariants: readonly Predicate[] | undefined;
}

/** An invariant decided on a value: true only when medplum's FHIRPath evaluation of it is surely true. */
type Predicate = (value: JsonObject) => boolean;

// medplum's own list of invariants it does not evaluate (validation.ts, skippedConstraintKeys).
const SKIPPED_INVARIANTS: ReadonlySet<string> = new Set(['ele-1', 'dom-3', 'org-1', 'sdf-19']);
// Deeper than any real resource; beyond it we leave the resource to medplum.
const MAX_DEPTH = 32;

const compiled = new Map<string, CompiledType | undefined>();

/** True only when @medplum/core's validator would report no error and no conflicting choice for the resource. */
export function surelyValid(resource: JsonObject & { readonly resourceType: string }): boolean {
  const type = compiledType(resource.resourceType);
  if (type?.rootInvariants === undefined) return false;
  for (const invariant of type.rootInvariants) if (!invariant(resource)) return false;
  return conforms(resource, type, true, 0);
}

function conforms(value: JsonObject, type: CompiledType, root: boolean, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  let keys = 0;
  for (const key in value) {
    keys++;
    if (key === 'resourceType' && root) continue;
    if (!type.keys.has(key)) return false;
  }
  if (keys === 0) return false;
  for (const element of type.elements) {
    let found: string | undefined;
    for (const key of element.keys) {
      if (value[key] === undefined) continue;
      if (found !== undefined) return false;
      found = key;
    }
    if (found === undefined) {
      if (element.min > 0) return false;
      continue;
    }
    if (element.unsupported || element.invariants === undefined) return false;
    const present = value[found];
    const itemType = element.typeOfKey.get(found) ?? '';
    if (element.isArray) {
      if (!Array.isArray(present) || present.length === 0) return false;
      if (present.length < element.min || present.length > element.max) return false;
      for (const item of present as readonly unknown[])
        if (!itemConforms(item, itemType, element.invariants, depth)) return false;
    } else {
      if (Array.isArray(present) || element.max < 1 || element.min > 1) return false;
      if (!itemConforms(present, itemType, element.invariants, depth)) return false;
    }
  }
  return true;
}

function itemConforms(item: unknown, type: string, invariants: readonly Predicate[], depth: number): boolean {
  if (type in fhirTypeToJsType) return invariants.length === 0 && primitiveConforms(item, type);
  if (!isJsonObject(item)) return false;
  for (const invariant of invariants) if (!invariant(item)) return false;
  const compiledItemType = compiledType(type);
  return compiledItemType !== undefined && conforms(item, compiledItemType, false, depth + 1);
}

// medplum's validatePrimitiveType, validateString and validateNumber, for a value without a primitive extension.
function primitiveConforms(value: unknown, type: string): boolean {
  const expected = fhirTypeToJsType[type as keyof typeof fhirTypeToJsType];
  if (typeof value !== expected) return false;
  if (typeof value === 'string') {
    if (value.trim() === '' || value.length > 1024 * 1024) return false;
    const pattern = validationRegexes[type];
    return pattern === undefined || pattern.exec(value) !== null;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return false;
    const integer = type === 'integer' || type === 'positiveInt' || type === 'unsignedInt';
    if (integer && !Number.isInteger(value)) return false;
    if (type === 'positiveInt' && value <= 0) return false;
    if (type === 'unsignedInt' && value < 0) return false;
  }
  return true;
}

function compiledType(name: string): CompiledType | undefined {
  if (compiled.has(name)) return compiled.get(name);
  // Any resource (contained, Bundle entries) is typed by its content: left to medplum.
  const schema = name === 'Resource' ? undefined : tryGetDataType(name);
  if (schema === undefined) {
    compiled.set(name, undefined);
    return undefined;
  }
  const elements: CompiledElement[] = [];
  for (const [elementName, element] of Object.entries(schema.elements))
    elements.push(compileElement(elementName, element));
  const byName = new Map(elements.map((element) => [element.name, element]));
  const keys = new Set<string>();
  for (const element of elements)
    for (const key of element.keys) if (readAs(key, schema.elements) === element.name) keys.add(key);
  const rootInvariants = predicatesFor(schema.constraints ?? []);
  const type: CompiledType = { name, elements, byName, keys, rootInvariants };
  compiled.set(name, type);
  return type;
}

function compileElement(name: string, element: InternalSchemaElement): CompiledElement {
  // medplum finds a value by the last segment of the element's path, `[x]` replaced by each type in turn.
  const last = element.path.slice(element.path.lastIndexOf('.') + 1);
  const typeOfKey = new Map<string, string>();
  for (const { code } of element.type) {
    const key = last.replace('[x]', capitalize(code));
    if (!typeOfKey.has(key)) typeOfKey.set(key, code);
  }
  return {
    name,
    min: element.min,
    max: element.max,
    isArray: element.isArray === true,
    keys: last === name ? [...typeOfKey.keys()] : [],
    typeOfKey,
    invariants: predicatesFor(element.constraints ?? []),
    unsupported:
      element.slicing !== undefined || element.fixed !== undefined || element.pattern !== undefined,
  };
}

/**
 * The element medplum's additional-property check reads a JSON key as: a choice element when some prefix of the
 * key, cut before a capital letter, names one (`valueQuantity` → `value[x]`), else the key itself.
 */
function readAs(key: string, elements: Readonly<Record<string, InternalSchemaElement>>): string {
  let prefix = '';
  for (const part of key.split(/(?=[A-Z])/g)) {
    prefix += part;
    if (Object.hasOwn(elements, `${prefix}[x]`)) return `${prefix}[x]`;
  }
  return key;
}

function predicatesFor(
  constraints: readonly { key: string; severity: string; expression: string }[],
): readonly Predicate[] | undefined {
  const predicates: Predicate[] = [];
  for (const constraint of constraints) {
    if (constraint.severity !== 'error' || SKIPPED_INVARIANTS.has(constraint.key)) continue;
    const known = INVARIANTS[constraint.key];
    if (known?.expression !== constraint.expression) return undefined;
    predicates.push(known.holds);
  }
  return predicates;
}

/** Whether any JSON property of element `name` of `type` is present (FHIRPath `name.exists()` on a valid value). */
function has(value: JsonObject, type: string, name: string): boolean {
  const element = compiledType(type)?.byName.get(name);
  return element !== undefined && element.keys.some((key) => value[key] !== undefined);
}

const codings = (concept: unknown): readonly JsonObject[] =>
  isJsonObject(concept) && Array.isArray(concept.coding) ? concept.coding.filter(isJsonObject) : [];

const CONDITION_CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const CONDITION_VER_STATUS = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';

/**
 * The invariants of the base specification on the elements of the resources partners send, each with the exact
 * FHIRPath medplum evaluates (an invariant whose expression differs is unknown, so left to medplum) and a predicate
 * that is true only when that FHIRPath is surely true on a value whose every element is otherwise valid. The
 * predicates are sound, not complete: false when unsure.
 */
const INVARIANTS: Readonly<Record<string, { expression: string; holds: Predicate }>> = {
  'ext-1': {
    expression: 'extension.exists() != value.exists()',
    holds: (v) => has(v, 'Extension', 'extension') !== has(v, 'Extension', 'value[x]'),
  },
  'dom-2': { expression: 'contained.contained.empty()', holds: (v) => v.contained === undefined },
  'dom-4': {
    expression: 'contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()',
    holds: (v) => v.contained === undefined,
  },
  'dom-5': { expression: 'contained.meta.security.empty()', holds: (v) => v.contained === undefined },
  'obs-3': {
    expression: 'low.exists() or high.exists() or text.exists()',
    holds: (v) => v.low !== undefined || v.high !== undefined || v.text !== undefined,
  },
  'obs-6': {
    expression: 'dataAbsentReason.empty() or value.empty()',
    holds: (v) => v.dataAbsentReason === undefined || !has(v, 'Observation', 'value[x]'),
  },
  'obs-7': {
    expression:
      'value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()',
    holds: (v) => !has(v, 'Observation', 'value[x]') || v.component === undefined,
  },
  'con-4': {
    expression:
      "abatement.empty() or clinicalStatus.coding.where(system='http://terminology.hl7.org/CodeSystem/condition-clinical' and (code='resolved' or code='remission' or code='inactive')).exists()",
    holds: (v) =>
      !has(v, 'Condition', 'abatement[x]') ||
      codings(v.clinicalStatus).some(
        (c) =>
          c.system === CONDITION_CLINICAL &&
          (c.code === 'resolved' || c.code === 'remission' || c.code === 'inactive'),
      ),
  },
  'con-5': {
    expression:
      "verificationStatus.coding.where(system='http://terminology.hl7.org/CodeSystem/condition-ver-status' and code='entered-in-error').empty() or clinicalStatus.empty()",
    holds: (v) =>
      v.clinicalStatus === undefined ||
      !codings(v.verificationStatus).some(
        (c) => c.system === CONDITION_VER_STATUS && c.code === 'entered-in-error',
      ),
  },
  'con-1': {
    expression: 'summary.exists() or assessment.exists()',
    holds: (v) => v.summary !== undefined || v.assessment !== undefined,
  },
  'con-2': {
    expression: 'code.exists() or detail.exists()',
    holds: (v) => v.code !== undefined || v.detail !== undefined,
  },
  'pat-1': {
    expression: 'name.exists() or telecom.exists() or address.exists() or organization.exists()',
    holds: (v) =>
      v.name !== undefined ||
      v.telecom !== undefined ||
      v.address !== undefined ||
      v.organization !== undefined,
  },
  'imm-1': {
    expression: 'documentType.exists() or reference.exists()',
    holds: (v) => v.documentType !== undefined || v.reference !== undefined,
  },
  'org-2': { expression: "where(use = 'home').empty()", holds: (v) => v.use !== 'home' },
  'org-3': { expression: "where(use = 'home').empty()", holds: (v) => v.use !== 'home' },
};
