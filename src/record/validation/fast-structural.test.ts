/**
 * The fast structural check against its reference, @medplum/core's validator, with fast-check: over generated
 * resources, valid and invalid, `structuralIssues` (fast path first) gives exactly what medplum's validator gives
 * (`medplumStructuralIssues`), so every verdict and every issue, with its path, is unchanged. Two generators: known
 * good resources (the examples and the shapes partners' feeds send) with one to three faults planted anywhere in
 * them, and resources drawn from the element definitions themselves with values that are often wrong.
 */
import { tryGetDataType } from '@medplum/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions } from './definitions.js';
import { surelyValid } from './fast-structural.js';
import type { JsonObject } from './json.js';
import { medplumStructuralIssues, structuralIssues } from './structural.js';
import { exampleResources } from './testing.js';

beforeAll(() => {
  loadDefinitions();
});

type Json = unknown;
type Root = JsonObject & { readonly resourceType: string };

const SNOMED = 'http://snomed.info/sct';
const coded = (system: string, code: string) => ({ coding: [{ system, code, display: 'Shown' }] });
const patientRef = { reference: 'Patient/00076865' };

/** What partners' feeds send (the shapes of src/synthetic/feeds), the resources the fast path is for. */
const feedShaped: readonly Root[] = [
  {
    resourceType: 'Patient',
    id: '00076865',
    extension: [
      {
        url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory',
        valueCodeableConcept: coded('https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland', 'A'),
      },
    ],
    identifier: [
      { system: 'https://accord.example/fhir/sid/B82004/patient-id', value: '00076865' },
      { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9991940332' },
    ],
    active: true,
    name: [{ use: 'official', family: 'Johnson', given: ['Margaret'] }],
    gender: 'female',
    birthDate: '1949-11-26',
    deceasedDateTime: '2021-03-04',
    address: [{ use: 'home', line: ['110 Cherry Tree Walk'], city: 'HARROGATE', postalCode: 'HG3 0XN' }],
    generalPractitioner: [
      {
        type: 'Organization',
        identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'B82004' },
      },
    ],
    managingOrganization: { reference: 'Organization/B82004' },
  },
  {
    resourceType: 'Observation',
    id: '01258187-1',
    status: 'final',
    category: [coded('http://terminology.hl7.org/CodeSystem/observation-category', 'vital-signs')],
    code: coded('http://loinc.org', '39156-5'),
    subject: patientRef,
    effectiveDateTime: '2016-05-02',
    valueQuantity: { value: 25.7, unit: 'kg/m2', system: 'http://unitsofmeasure.org', code: 'kg/m2' },
    referenceRange: [{ low: { value: 18.5 }, text: 'healthy' }],
  },
  {
    resourceType: 'Condition',
    id: '00076865-c1',
    clinicalStatus: coded('http://terminology.hl7.org/CodeSystem/condition-clinical', 'resolved'),
    verificationStatus: coded('http://terminology.hl7.org/CodeSystem/condition-ver-status', 'confirmed'),
    code: coded(SNOMED, '44054006'),
    subject: patientRef,
    onsetDateTime: '2019-02-01',
    abatementDateTime: '2020-02-01',
    recordedDate: '2019-02-01T10:00:00Z',
  },
  {
    resourceType: 'Encounter',
    id: 'RCF00065328-1',
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' },
    priority: coded('http://terminology.hl7.org/CodeSystem/v3-ActPriority', 'EL'),
    type: [coded(SNOMED, '8715000')],
    subject: patientRef,
    period: { start: '2024-07-24', end: '2024-07-26' },
    serviceProvider: { reference: 'Organization/airedale-nhs-ft' },
  },
  {
    resourceType: 'EpisodeOfCare',
    id: 'e1',
    status: 'finished',
    type: [coded(SNOMED, '394802001')],
    patient: patientRef,
    managingOrganization: { reference: 'Organization/RCF' },
    period: { start: '2020-01-01' },
  },
  {
    resourceType: 'Immunization',
    id: 'i1',
    status: 'completed',
    vaccineCode: coded(SNOMED, '39114911000001105'),
    patient: patientRef,
    occurrenceDateTime: '2021-01-10',
    primarySource: true,
    education: [{ documentType: 'leaflet', presentationDate: '2021-01-10T09:00:00+00:00' }],
  },
  {
    resourceType: 'Organization',
    id: 'B82004',
    identifier: [{ system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'B82004' }],
    active: true,
    name: 'A Practice',
    telecom: [{ system: 'phone', value: '01423 000000', use: 'work' }],
    address: [{ use: 'work', line: ['1 Street'], postalCode: 'HG1 1AA' }],
  },
];

const bases: readonly Root[] = [...feedShaped, ...(exampleResources as readonly Root[])];

/** Values that sit on the edges of medplum's checks: formats, blanks, wrong JS types, empty containers. */
const oddValues: readonly Json[] = [
  '',
  ' ',
  'x y',
  'a  b',
  ' lead',
  'home',
  'resolved',
  'entered-in-error',
  'http://terminology.hl7.org/CodeSystem/condition-clinical',
  '2020-13-01',
  '2020-02-30',
  '2020-01-01',
  '2020-01-01T10:00:00Z',
  '2020-01-01T10:00',
  '10:00:00',
  'urn:uuid:not-a-uuid',
  'Patient/p1',
  '#x',
  'tab\there',
  '\u0001',
  0,
  -1,
  1.5,
  2,
  true,
  null,
  {},
  [],
  [{}],
  [null],
  ['a'],
  { x: 1 },
  { url: 'http://x' },
  { url: 'http://x', valueString: 'a' },
  { system: 'http://x', code: 'y' },
  { coding: [] },
  [[1]],
];

const addedKeys: readonly string[] = [
  'foo',
  '_birthDate',
  '_status',
  'resourceType',
  'valueString',
  'valueBoolean',
  'valueQuantity',
  'valueSet',
  'value[x]',
  'extension',
  'modifierExtension',
  'abatementDateTime',
  'abatementString',
  'dataAbsentReason',
  'component',
  'contained',
  'use',
  'text',
  'div',
  'toString',
  'deceasedBoolean',
  'deceasedDateTime',
  'clinicalStatus',
  'verificationStatus',
  'id',
  'url',
  'low',
  'high',
  'start',
  'end',
  'onsetString',
  'multipleBirthInteger',
  'effectivePeriod',
];

interface Position {
  readonly parent: Record<string, Json> | Json[];
  readonly key: string | number;
}

/** Every place in the value that can be changed: object properties and array items, the root's own excluded. */
function positions(value: Json, out: Position[] = []): Position[] {
  if (Array.isArray(value))
    value.forEach((item, index) => {
      out.push({ parent: value, key: index });
      positions(item, out);
    });
  else if (typeof value === 'object' && value !== null)
    for (const [key, item] of Object.entries(value)) {
      if (key === 'resourceType') continue;
      out.push({ parent: value as Record<string, Json>, key });
      positions(item, out);
    }
  return out;
}

function objectsIn(value: Json, out: Record<string, Json>[] = []): Record<string, Json>[] {
  if (Array.isArray(value)) for (const item of value) objectsIn(item, out);
  else if (typeof value === 'object' && value !== null) {
    out.push(value as Record<string, Json>);
    for (const item of Object.values(value)) objectsIn(item, out);
  }
  return out;
}

type Mutation = (resource: Root) => void;

const replaceAny = fc.tuple(fc.nat(), fc.constantFrom(...oddValues)).map(([pick, odd]): Mutation => (r) => {
  const all = positions(r);
  const at = all[pick % all.length];
  if (at === undefined) return;
  (at.parent as Record<string | number, Json>)[at.key] = structuredClone(odd);
});
const deleteAny = fc.nat().map((pick): Mutation => (r) => {
  const all = positions(r).filter((p) => !Array.isArray(p.parent));
  const at = all[pick % all.length];
  if (at !== undefined) Reflect.deleteProperty(at.parent, at.key);
});
const addKey = fc
  .tuple(fc.nat(), fc.constantFrom(...addedKeys), fc.constantFrom(...oddValues, 'a', 'home'))
  .map(([pick, key, odd]): Mutation => (r) => {
    const all = objectsIn(r);
    const target = all[pick % all.length];
    if (target !== undefined) target[key] = structuredClone(odd);
  });
const reshape = fc.nat().map((pick): Mutation => (r) => {
  const all = positions(r).filter((p) => !Array.isArray(p.parent));
  const at = all[pick % all.length];
  if (at === undefined) return;
  const parent = at.parent as Record<string, Json>;
  const current = parent[at.key];
  parent[at.key] = Array.isArray(current) ? current[0] : [current];
});

const mutated = fc
  .tuple(
    fc.constantFrom(...bases),
    fc.array(fc.oneof(replaceAny, deleteAny, addKey, reshape), { minLength: 0, maxLength: 3 }),
  )
  .map(([base, mutations]) => {
    const resource = structuredClone(base);
    for (const mutate of mutations) mutate(resource);
    return resource;
  });

/** Values for each primitive type: [valid for it, not valid for it]. */
const PRIMITIVE_SAMPLES: Readonly<Record<string, readonly [readonly Json[], readonly Json[]]>> = {
  boolean: [[true, false], ['true']],
  integer: [
    [0, 3, -2],
    [1.5, '3'],
  ],
  positiveInt: [
    [1, 7],
    [0, -1],
  ],
  unsignedInt: [[0, 2], [-1]],
  decimal: [[1.25, 0], ['x']],
  string: [
    ['text', 'Leeds', 'a\tb'],
    [' ', '', 'x\u0002', 7],
  ],
  'http://hl7.org/fhirpath/System.String': [
    ['abc-1', 'x y'],
    [' ', 1],
  ],
  date: [
    ['2020-01-01', '2020'],
    ['2020-13', '2020-01-01T10:00:00Z'],
  ],
  dateTime: [
    ['2020-01-01T10:00:00Z', '2020-01-01'],
    ['2020-01-01T10:00', '01/01/2020'],
  ],
  instant: [['2020-01-01T10:00:00.123Z'], ['2020-01-01']],
  time: [['10:00:00'], ['25:00:00']],
  code: [
    ['home', 'final', 'a b'],
    ['a  b', ' '],
  ],
  id: [['abc-1'], ['a_b']],
  uri: [['http://x', 'urn:uuid:1'], ['a b']],
  url: [['http://x'], ['a b']],
  canonical: [['http://x|1'], ['a b']],
  oid: [['urn:oid:1.2.3'], ['urn:oid:x']],
  uuid: [['urn:uuid:c757873d-ec9a-4326-a141-556f43239520'], ['urn:uuid:x']],
  base64Binary: [['aGVsbG8='], ['not base64!']],
  markdown: [['*x*'], ['\u0001']],
  xhtml: [['<div xmlns="http://www.w3.org/1999/xhtml">x</div>'], ['x']],
};

// Percentages drawn as constants: fast-check leans integers towards small values, which would skew these.
const PERCENT = Array.from({ length: 100 }, (_, i) => i);
/** One of the items, drawn inside a generator (typed: fc.constantFrom's overloads lose the type through `g`). */
const pick = <T>(g: fc.GeneratorValue, items: readonly T[]): T =>
  g((...all: T[]) => fc.constantFrom(...all), ...items);
const chance = (g: fc.GeneratorValue, p: number): boolean => pick(g, PERCENT) < p * 100;

/** A value of `type` drawn from its definition: elements left out or put in, now and then wrongly. */
function drawn(g: fc.GeneratorValue, type: string, depth: number): Json {
  const samples = PRIMITIVE_SAMPLES[type];
  if (samples !== undefined) return pick(g, chance(g, 0.9) ? samples[0] : samples[1]);
  const schema = type === 'Resource' ? undefined : tryGetDataType(type);
  if (schema === undefined) return pick(g, oddValues);
  // An extension takes a value or extensions, not both (ext-1): mostly drawn right, else from its definition.
  if (type === 'Extension' && chance(g, 0.9)) {
    const valueType = pick(g, ['String', 'Boolean', 'CodeableConcept', 'Reference', 'Period']);
    return {
      url: 'http://x',
      [`value${valueType}`]: drawn(
        g,
        `${valueType.charAt(0).toLowerCase()}${valueType.slice(1)}`.replace(
          /^codeableConcept|^reference|^period/,
          valueType,
        ),
        depth + 1,
      ),
    };
  }
  const out: Record<string, Json> = {};
  for (const [name, element] of Object.entries(schema.elements)) {
    // Contained resources and narratives are always left to medplum: drawn rarely, to keep most draws to the point.
    const rare = element.type.some((t) => t.code === 'Resource' || t.code === 'Narrative');
    const often = rare ? 0.02 : 0.25 / (depth + 1);
    const wanted = element.min > 0 ? chance(g, 0.95) : depth < 3 && chance(g, often);
    if (!wanted) continue;
    const chosen = pick(
      g,
      element.type.map((t) => t.code),
    );
    const key = name.endsWith('[x]')
      ? name.replace('[x]', `${chosen.charAt(0).toUpperCase()}${chosen.slice(1)}`)
      : name;
    const one = () => drawn(g, chosen, depth + 1);
    const shape = chance(g, 0.95) ? 'right' : pick(g, ['wrong', 'empty']);
    if (shape === 'empty') out[key] = element.isArray === true ? [] : {};
    else if ((element.isArray === true) === (shape === 'right'))
      out[key] = Array.from({ length: g(fc.integer, { min: 1, max: 2 }) }, one);
    else out[key] = one();
  }
  // An element with nothing in it is invalid: mostly give it one primitive element.
  const primitives = Object.entries(schema.elements).filter(
    ([name, element]) =>
      !name.endsWith('[x]') &&
      element.type.length === 1 &&
      (element.type[0]?.code ?? '') in PRIMITIVE_SAMPLES,
  );
  if (Object.keys(out).length === 0 && primitives.length > 0 && chance(g, 0.95)) {
    const [name, element] = pick(g, primitives);
    const one = drawn(g, element.type[0]?.code ?? '', depth + 1);
    out[name] = element.isArray === true ? [one] : one;
  }
  if (chance(g, 0.05)) out[pick(g, addedKeys)] = pick(g, oddValues);
  return out;
}

/** The issues, or what was thrown: medplum throws on some malformed input, which validate.ts reports. */
function attempt(check: (resource: Root) => unknown, resource: Root): unknown {
  try {
    return check(resource);
  } catch (error) {
    return { threw: error instanceof Error ? error.name : typeof error };
  }
}

const FEED_TYPES = [
  'Patient',
  'Observation',
  'Condition',
  'Encounter',
  'EpisodeOfCare',
  'Immunization',
  'Organization',
];
const fromDefinitions = fc.gen().map((g) => {
  const type = pick(g, FEED_TYPES);
  const value = drawn(g, type, 0) as Record<string, Json>;
  return { ...value, resourceType: type };
});

describe('the fast structural check', () => {
  it('accepts the resources partners send (else it saves nothing)', () => {
    for (const resource of feedShaped) expect(surelyValid(resource), resource.resourceType).toBe(true);
  });

  it('gives the same issues as medplum for known good resources with faults planted anywhere', () => {
    fc.assert(
      fc.property(mutated, (resource) => {
        expect(attempt(structuralIssues, resource)).toEqual(attempt(medplumStructuralIssues, resource));
      }),
      { numRuns: 3_000 },
    );
  });

  it('gives the same issues as medplum for resources drawn from the definitions', () => {
    fc.assert(
      fc.property(fromDefinitions, (resource) => {
        expect(attempt(structuralIssues, resource)).toEqual(attempt(medplumStructuralIssues, resource));
      }),
      { numRuns: 1_500 },
    );
  });

  it('is tried on both kinds: resources it accepts and resources medplum rejects', () => {
    for (const generator of [mutated, fromDefinitions]) {
      const sample = fc.sample(generator, { numRuns: 400, seed: 1 });
      const accepted = sample.filter((resource) => surelyValid(resource)).length;
      const rejected = sample.filter((resource) => {
        const reported = attempt(medplumStructuralIssues, resource);
        return !Array.isArray(reported) || reported.length > 0;
      }).length;
      expect(accepted).toBeGreaterThan(20);
      expect(rejected).toBeGreaterThan(20);
    }
  });
});
