import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isValidNhsNumber } from '../../identity/nhs-number.js';
import { loadDefinitions } from './definitions.js';
import type { Resource } from './fhir-types.js';
import { NHS_NUMBER_SYSTEM } from './nhs-number-identifiers.js';
import { exampleResources } from './testing.js';
import { validateResource } from './validate.js';

// Generated invalid resources: valid examples with one to three known faults planted. Whatever is planted, the
// validator must not throw, must refuse the resource, and must name the path of every fault.

beforeAll(() => {
  loadDefinitions();
});

type Mutable = Record<string, unknown>;
/** Plants one fault in a copy of the resource and says where it should be reported. */
type Fault = (resource: Mutable) => string;

interface BoundTarget {
  readonly property: string;
  readonly codes: ReadonlySet<string>;
  /** Where the code sits: the property itself (a `code`) or its first coding (a CodeableConcept). */
  readonly inCoding: boolean;
}

/** Top-level elements under an enumerable required binding: status, gender, clinicalStatus, … */
function boundCodes(resource: Resource): BoundTarget[] {
  const plan = loadDefinitions().walkPlan.get(resource.resourceType) ?? [];
  return plan.flatMap((element) =>
    element.properties.flatMap((p): BoundTarget[] => {
      const value = resource[p.property];
      if (p.binding === undefined) return [];
      if (p.type === 'code' && typeof value === 'string')
        return [{ property: p.property, codes: p.binding.codes.codes, inCoding: false }];
      const system = (value as { coding?: { system?: unknown }[] } | undefined)?.coding?.[0]?.system;
      if (p.type === 'CodeableConcept' && typeof system === 'string' && p.binding.codes.systems.has(system))
        return [{ property: p.property, codes: p.binding.codes.codes, inCoding: true }];
      return [];
    }),
  );
}

// A top-level string that is not a bound code (choice types such as onsetDateTime included).
const plainStrings = (resource: Resource): string[] =>
  Object.keys(resource).filter(
    (key) =>
      key !== 'resourceType' &&
      typeof resource[key] === 'string' &&
      !boundCodes(resource).some((bound) => bound.property === key),
  );

const wrongPrimitive = fc
  .tuple(fc.nat(), fc.oneof(fc.integer(), fc.boolean(), fc.constant({ x: 1 }), fc.constant(['a'])))
  .map(([pick, value]): Fault => (resource) => {
    const keys = plainStrings(resource as Resource);
    const key = keys[pick % keys.length] ?? 'id';
    resource[key] = value;
    return `${String(resource.resourceType)}.${key}`;
  });

const unknownProperty = fc.stringMatching(/^[a-z][a-zA-Z]{0,10}$/).map((name): Fault => (resource) => {
  const key = `zz${name}`; // no FHIR element starts so
  resource[key] = 'surprise';
  return `${String(resource.resourceType)}.${key}`;
});

const badCode = fc
  .tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 12 }))
  .map(([pick, text]): Fault => (resource) => {
    const bound = boundCodes(resource as Resource);
    const target = bound[pick % bound.length];
    if (target === undefined) throw new Error(`no bound code in ${String(resource.resourceType)}`);
    const code = target.codes.has(text) ? `${text}-not` : text;
    const where = `${String(resource.resourceType)}.${target.property}`;
    if (!target.inCoding) {
      resource[target.property] = code;
      return where;
    }
    const concept = resource[target.property] as { coding: Record<string, unknown>[] };
    resource[target.property] = { coding: [{ ...concept.coding[0], code }] };
    return `${where}.coding[0].code`;
  });

const badNhsNumber = fc
  .stringMatching(/^[0-9 ]{0,12}$/)
  .filter((text) => !isValidNhsNumber(text) || /\s/.test(text) || text.length !== 10)
  .map((value): Fault => (resource) => {
    const identifiers = Array.isArray(resource.identifier) ? resource.identifier : [];
    resource.identifier = [...identifiers, { system: NHS_NUMBER_SYSTEM, value }];
    return `${String(resource.resourceType)}.identifier[${identifiers.length}].value`;
  });

describe('generated invalid resources', () => {
  it('are refused without throwing, with an error at the path of every planted fault', () => {
    const example = fc.constantFrom(...exampleResources);
    const faults = fc.array(fc.oneof(wrongPrimitive, unknownProperty, badCode, badNhsNumber), {
      minLength: 1,
      maxLength: 3,
    });
    fc.assert(
      fc.property(example, faults, (resource, planted) => {
        const copy: Mutable = structuredClone({ ...resource });
        const paths = planted.map((fault) => fault(copy));
        const result = validateResource(copy);
        expect(result.ok).toBe(false);
        if (result.ok) return;
        const reported = result.error.issue.map((issue) => issue.expression?.[0]);
        for (const issue of result.error.issue) {
          expect(issue.severity).toBe('error');
          expect(issue.expression?.[0]).toMatch(new RegExp(`^${resource.resourceType}\\.`));
        }
        // A fault inside a value may be reported deeper (`Patient.id.x` for an object where a string belongs).
        for (const path of paths)
          expect(
            reported.some((at) => at === path || at?.startsWith(`${path}.`) === true),
            path,
          ).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never throw on arbitrary JSON, and every issue says what and where', () => {
    const body = fc.oneof(
      fc.jsonValue(),
      fc
        .tuple(fc.constantFrom(...exampleResources), fc.dictionary(fc.string(), fc.jsonValue()))
        .map(([resource, extra]) => ({ ...extra, resourceType: resource.resourceType })),
    );
    fc.assert(
      fc.property(body, (input) => {
        const result = validateResource(input);
        if (result.ok) return;
        for (const issue of result.error.issue) {
          expect(issue.severity).toBe('error');
          expect(issue.details?.text).toBeTruthy();
        }
        if (typeof input === 'object' && input !== null && !Array.isArray(input))
          for (const issue of result.error.issue) expect(issue.expression?.[0]).toBeTruthy();
      }),
      { numRuns: 300 },
    );
  });
});
