import { beforeAll, describe, expect, it } from 'vitest';
import { testRangeNhsNumber } from '../../identity/nhs-number.js';
import { loadDefinitions } from './definitions.js';
import type { OperationOutcomeIssue } from './fhir-types.js';
import { NHS_NUMBER_SYSTEM } from './nhs-number-identifiers.js';
import {
  exampleAllergyIntolerance,
  exampleEncounter,
  exampleObservation,
  examplePatient,
} from './testing.js';
import { validateResource, type ValidateOptions } from './validate.js';

beforeAll(() => {
  loadDefinitions(); // a few seconds, once per file
});

function issuesOf(input: unknown, options?: ValidateOptions): readonly OperationOutcomeIssue[] {
  const result = validateResource(input, options);
  return result.ok ? [] : result.error.issue;
}

/** The one issue at `expression`, which must exist with this code and say something. */
function expectIssue(input: unknown, code: string, expression: string): OperationOutcomeIssue {
  const issues = issuesOf(input);
  const found = issues.find((issue) => issue.expression?.[0] === expression);
  expect(found, `no issue at ${expression}; got ${JSON.stringify(issues)}`).toBeDefined();
  expect(found?.code).toBe(code);
  expect(found?.severity).toBe('error');
  expect(found?.details?.text.length).toBeGreaterThan(10);
  return found as OperationOutcomeIssue;
}

const patient = (changes: Record<string, unknown>): Record<string, unknown> => ({
  ...examplePatient,
  ...changes,
});
const nhs = (value: unknown): Record<string, unknown> =>
  patient({ identifier: [{ system: NHS_NUMBER_SYSTEM, value }] });

describe('validateResource: the envelope', () => {
  it('accepts a valid resource and returns it', () => {
    const result = validateResource(examplePatient);
    expect(result).toEqual({ ok: true, value: examplePatient });
  });

  it.each([
    ['null', null],
    ['a string', 'Patient'],
    ['a number', 42],
    ['an array', [examplePatient]],
    ['a boolean', true],
  ])('refuses %s: not a JSON object', (_label, input) => {
    const issues = issuesOf(input);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.code).toBe('structure');
    expect(issues[0]?.details?.text).toMatch(/JSON object/);
  });

  it('refuses a missing resourceType', () => {
    expectIssue({ id: 'x' }, 'required', 'Resource.resourceType');
  });

  it('refuses a resourceType that is not a string', () => {
    expectIssue({ resourceType: 7 }, 'structure', 'Resource.resourceType');
  });

  it('refuses an unknown resourceType, suggesting the right spelling', () => {
    expect(
      expectIssue({ resourceType: 'patient' }, 'code-invalid', 'Resource.resourceType').details?.text,
    ).toMatch(/'Patient'/);
    expectIssue({ resourceType: 'Wizard' }, 'code-invalid', 'Resource.resourceType');
  });

  it('refuses the abstract types and types from after R4', () => {
    expectIssue({ resourceType: 'DomainResource' }, 'code-invalid', 'Resource.resourceType');
    expectIssue({ resourceType: 'Resource' }, 'code-invalid', 'Resource.resourceType');
    expectIssue({ resourceType: 'Citation' }, 'code-invalid', 'Resource.resourceType'); // R5
    expectIssue({ resourceType: 'SubscriptionStatus' }, 'code-invalid', 'Resource.resourceType'); // R4B
  });

  it('applies an allow-list of types when given one', () => {
    const only = { resourceTypes: ['Patient'] };
    expect(validateResource(examplePatient, only).ok).toBe(true);
    const issues = issuesOf(exampleEncounter, only);
    expect(issues).toMatchObject([{ code: 'not-supported', expression: ['Resource.resourceType'] }]);
  });
});

describe('validateResource: structure (through @medplum/core)', () => {
  it('reports a primitive of the wrong JSON type', () => {
    expectIssue(patient({ name: [{ family: 5 }] }), 'structure', 'Patient.name[0].family');
  });

  it('reports an unknown element', () => {
    expect(
      expectIssue(patient({ favouriteColour: 'blue' }), 'structure', 'Patient.favouriteColour').details?.text,
    ).toMatch(/favouriteColour/);
  });

  it('reports a missing required element', () => {
    const { code: _code, ...noCode } = exampleObservation;
    expectIssue(noCode, 'required', 'Observation.code');
  });

  it('reports a bad date format', () => {
    expectIssue(patient({ birthDate: '1970-13-45' }), 'value', 'Patient.birthDate');
  });

  it('reports a single value where an array is needed, and the reverse', () => {
    expectIssue(patient({ name: { family: 'Smith' } }), 'structure', 'Patient.name');
    expectIssue(patient({ gender: ['female'] }), 'structure', 'Patient.gender');
  });

  it('reports empty strings, which FHIR JSON does not allow', () => {
    expectIssue(patient({ birthDate: '' }), 'value', 'Patient.birthDate');
    expectIssue(
      patient({ name: [{ family: 'Smith', given: ['Jo', ''] }] }),
      'value',
      'Patient.name[0].given[1]',
    );
    // One issue per fault: an empty code is empty, not also outside its value set.
    expect(issuesOf(patient({ gender: '' }))).toMatchObject([
      { code: 'value', expression: ['Patient.gender'] },
    ]);
  });

  it('reports null, which FHIR JSON does not allow', () => {
    expectIssue(patient({ birthDate: null }), 'structure', 'Patient.birthDate');
  });

  it('reports two types of one choice element', () => {
    expectIssue(
      patient({ deceasedBoolean: false, deceasedDateTime: '2020-01-01' }),
      'structure',
      'Patient.deceasedDateTime',
    );
  });

  it('names a choice element by the JSON property the resource uses', () => {
    expectIssue(
      { ...exampleObservation, valueQuantity: { value: 'high' } },
      'structure',
      'Observation.valueQuantity.value',
    );
  });

  it('reports a choice element with a type it does not allow', () => {
    expectIssue(patient({ deceasedString: 'yes' }), 'structure', 'Patient.deceasedString');
  });

  it('reports a failed invariant', () => {
    expectIssue(patient({ contact: [{ gender: 'male' }] }), 'invariant', 'Patient.contact[0]');
  });

  it('reports a string over 1 MB as too long', () => {
    expectIssue(patient({ name: [{ family: 'x'.repeat(1_100_000) }] }), 'too-long', 'Patient.name[0].family');
  });
});

describe('validateResource: required bindings', () => {
  it('checks a code element by its code', () => {
    const issue = expectIssue(patient({ gender: 'dude' }), 'code-invalid', 'Patient.gender');
    expect(issue.details?.text).toMatch(/administrative-gender.*male, female, other, unknown/);
    expectIssue({ ...exampleObservation, status: 'done' }, 'code-invalid', 'Observation.status');
  });

  it('checks the codings of a CodeableConcept whose system the value set uses', () => {
    const clinicalStatus = {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'nope' }],
    };
    expectIssue(
      { ...exampleAllergyIntolerance, clinicalStatus },
      'code-invalid',
      'AllergyIntolerance.clinicalStatus.coding[0].code',
    );
  });

  it('leaves alone codings from other systems (translations)', () => {
    const clinicalStatus = {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' },
        { system: 'http://example.org/local', code: 'anything' },
      ],
    };
    expect(validateResource({ ...exampleAllergyIntolerance, clinicalStatus }).ok).toBe(true);
  });

  it('checks a code inside a backbone element of another resource type', () => {
    const issues = issuesOf({
      resourceType: 'Consent',
      status: 'active',
      scope: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }],
      },
      category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
      policyRule: { text: 'Opt out of sharing' },
      provision: { type: 'sideways' },
    });
    expect(issues).toMatchObject([{ code: 'code-invalid', expression: ['Consent.provision.type'] }]);
  });

  it('checks elements inside backbone elements, data types and contained resources', () => {
    expectIssue(
      patient({ contact: [{ name: { family: 'Smith' }, gender: 'dude' }] }),
      'code-invalid',
      'Patient.contact[0].gender',
    );
    expectIssue(
      patient({ name: [{ use: 'formal', family: 'Smith' }] }),
      'code-invalid',
      'Patient.name[0].use',
    );
    expectIssue(
      patient({ telecom: [{ system: 'carrier-pigeon', value: '1' }] }),
      'code-invalid',
      'Patient.telecom[0].system',
    );
    expectIssue(
      { ...exampleEncounter, contained: [{ resourceType: 'Patient', gender: 'dude' }] },
      'code-invalid',
      'Encounter.contained[0].gender',
    );
  });

  it('checks the coded types of a choice element', () => {
    // Observation.value[x] is walked through each of its types: here a Quantity's comparator (required binding).
    expectIssue(
      { ...exampleObservation, valueQuantity: { value: 1, comparator: '≈' } },
      'code-invalid',
      'Observation.valueQuantity.comparator',
    );
  });

  it('does not check value sets it cannot enumerate (here BCP-13 MIME types)', () => {
    const photo = [{ contentType: 'not/a-real-type', url: 'https://example.org/p.png' }];
    expect(validateResource(patient({ photo })).ok).toBe(true);
    expect(loadDefinitions().valueSets.skipped.get('http://hl7.org/fhir/ValueSet/mimetypes')).toBe(
      'unknown-system',
    );
  });
});

describe('validateResource: NHS numbers', () => {
  const valid = testRangeNhsNumber(123_456) ?? testRangeNhsNumber(123_457) ?? '';
  const wrongCheckDigit = `${valid.slice(0, 9)}${(Number(valid[9]) + 1) % 10}`;
  // A stem with no valid check digit: the first of the range that testRangeNhsNumber refuses.
  const noCheckDigitStem = Array.from({ length: 20 }, (_, stem) => stem).find(
    (stem) => testRangeNhsNumber(stem) === undefined,
  );
  const hopeless = `999${String(noCheckDigitStem).padStart(6, '0')}0`;

  it('accepts a valid number', () => {
    expect(valid).toMatch(/^999\d{7}$/);
    expect(validateResource(nhs(valid)).ok).toBe(true);
  });

  it.each([
    ['a wrong check digit', wrongCheckDigit, /check digit/],
    ['nine digits', valid.slice(0, 9), /ten digits/],
    ['spaces', `${valid.slice(0, 3)} ${valid.slice(3, 6)} ${valid.slice(6)}`, /ten digits/],
    ['digits with no valid check digit', hopeless, /no valid check digit/],
  ])('refuses %s', (_label, value, message) => {
    expect(expectIssue(nhs(value), 'value', 'Patient.identifier[0].value').details?.text).toMatch(message);
  });

  it('does not quote the number back (messages may reach logs)', () => {
    expect(JSON.stringify(issuesOf(nhs(wrongCheckDigit)))).not.toContain(wrongCheckDigit);
  });

  it('refuses an NHS number identifier with no value', () => {
    expectIssue(
      patient({ identifier: [{ system: NHS_NUMBER_SYSTEM }] }),
      'required',
      'Patient.identifier[0].value',
    );
  });

  it('leaves other identifier systems alone', () => {
    expect(
      validateResource(patient({ identifier: [{ system: 'https://example.org/mrn', value: '12' }] })).ok,
    ).toBe(true);
  });

  it('checks identifiers wherever they are, e.g. in a reference', () => {
    const subject = { identifier: { system: NHS_NUMBER_SYSTEM, value: wrongCheckDigit } };
    expectIssue({ ...exampleEncounter, subject }, 'value', 'Encounter.subject.identifier.value');
  });
});

describe('validateResource: resources inside resources, ids, depth', () => {
  it('names the path of a contained resource of an unknown type', () => {
    expectIssue(
      patient({ contained: [{ resourceType: 'Wizard' }] }),
      'code-invalid',
      'Patient.contained[0].resourceType',
    );
    expectIssue(patient({ contained: [{ id: 'x' }] }), 'required', 'Patient.contained[0].resourceType');
  });

  it('checks the resources of a Bundle', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ resource: patient({ gender: 'dude' }) }, { resource: exampleEncounter }],
    };
    expectIssue(bundle, 'code-invalid', 'Bundle.entry[0].resource.gender');
  });

  it.each(['../etc/passwd', 'has space', 'x'.repeat(65), ''])('refuses the id %j', (id) => {
    expectIssue(patient({ id }), 'value', 'Patient.id');
  });

  it('accepts ids of letters, digits, hyphens and dots', () => {
    expect(validateResource(patient({ id: 'A-1.b' })).ok).toBe(true);
  });

  it('refuses a resource nested too deeply to validate, without throwing', () => {
    let extension: Record<string, unknown> = { url: 'https://example.org/e', valueString: 'deep' };
    for (let i = 0; i < 150; i++) extension = { url: 'https://example.org/e', extension: [extension] };
    expect(issuesOf(patient({ extension: [extension] }))).toMatchObject([{ code: 'too-costly' }]);
  });
});

describe('validateResource: several problems', () => {
  it('reports every problem in one outcome', () => {
    const issues = issuesOf(
      patient({
        gender: 'dude',
        birthDate: 'yesterday',
        favouriteColour: 'blue',
        identifier: [{ system: NHS_NUMBER_SYSTEM, value: '1234567890' }],
        name: [{ use: 'formal', family: 5 }],
      }),
    );
    expect(issues.map((issue) => [issue.code, issue.expression?.[0]]).sort()).toEqual(
      [
        ['code-invalid', 'Patient.gender'],
        ['code-invalid', 'Patient.name[0].use'],
        ['structure', 'Patient.favouriteColour'],
        ['structure', 'Patient.name[0].family'],
        ['value', 'Patient.birthDate'],
        ['value', 'Patient.identifier[0].value'],
      ].sort(),
    );
  });
});
