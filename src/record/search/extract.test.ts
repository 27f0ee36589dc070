import { describe, expect, it } from 'vitest';
import { foldString, indexRows, parseReference, valuesAt } from './extract.js';
import { buildParameterTable, compileBranch, searchParameters } from './parameters.js';

describe('search parameters compiled from the specification', () => {
  it('compiles the three forms of branch the supported parameters use, and refuses others', () => {
    expect(compileBranch('Patient.name.family')).toEqual({
      resourceType: 'Patient',
      path: { elements: ['name', 'family'] },
    });
    expect(compileBranch('Condition.subject.where(resolve() is Patient)')).toEqual({
      resourceType: 'Condition',
      path: { elements: ['subject'], targetType: 'Patient' },
    });
    expect(compileBranch('(MedicationRequest.medication as CodeableConcept)')).toEqual({
      resourceType: 'MedicationRequest',
      path: { elements: ['medication'], choice: 'CodeableConcept' },
    });
    expect(compileBranch('Patient.name.where(use = "official")')).toContain('not a form');
    expect(() =>
      buildParameterTable([
        { code: 'name', type: 'string', base: ['Patient'], expression: 'Patient.name.first()' },
      ]),
    ).toThrow(/not a form/);
  });

  it('keeps only the branch for each type of a parameter written for many', () => {
    const table = searchParameters();
    expect(table.get('Observation')?.get('code')?.paths).toEqual([{ elements: ['code'] }]);
    expect(table.get('Condition')?.get('patient')?.paths).toEqual([
      { elements: ['subject'], targetType: 'Patient' },
    ]);
    expect(table.get('Patient')?.get('birthdate')?.type).toBe('date');
  });
});

describe('index rows of a resource', () => {
  const table = searchParameters();

  it('indexes a Patient by identifier, names, gender, birth date, postcode and practice', () => {
    const rows = indexRows(table, {
      resourceType: 'Patient',
      identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9000000009' }],
      name: [{ family: 'Ó Briain', given: ['Seán', 'Pat'] }],
      gender: 'male',
      birthDate: '1980-02-03',
      address: [{ line: ['1 High Street'], postalCode: 'LS1 4AP' }],
      generalPractitioner: [{ reference: 'Organization/B86001' }],
    });
    expect(rows.tokens).toEqual(
      expect.arrayContaining([
        ['identifier', 'https://fhir.nhs.uk/Id/nhs-number', '9000000009'],
        ['gender', null, 'male'],
      ]),
    );
    expect(rows.strings).toEqual(
      expect.arrayContaining([
        ['family', 'o briain'],
        ['given', 'sean'],
        ['given', 'pat'],
        ['name', 'o briain'],
        ['address-postalcode', 'ls1 4ap'],
      ]),
    );
    expect(rows.dates).toEqual([['birthdate', '1980-02-03T00:00:00.000Z', '1980-02-03T23:59:59.999Z']]);
    expect(rows.references).toEqual([['general-practitioner', 'Organization', 'B86001']]);
  });

  it('finds choice elements, periods open at one end, codings and patient references', () => {
    const rows = indexRows(table, {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://snomed.info/sct', code: '27113001' }] },
      subject: { reference: 'Patient/p1' },
      effectivePeriod: { start: '2026-01-10' },
    });
    expect(rows.tokens).toEqual(
      expect.arrayContaining([
        ['code', 'http://snomed.info/sct', '27113001'],
        ['status', null, 'final'],
      ]),
    );
    expect(rows.dates).toEqual([['date', '2026-01-10T00:00:00.000Z', 'infinity']]);
    expect(rows.references).toEqual(
      expect.arrayContaining([
        ['patient', 'Patient', 'p1'],
        ['subject', 'Patient', 'p1'],
      ]),
    );
    // `patient` is `subject.where(resolve() is Patient)`: a Group subject is not a patient.
    const group = indexRows(table, {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      subject: { reference: 'Group/g1' },
    });
    expect(group.references).toEqual([['subject', 'Group', 'g1']]);
  });

  it('walks arrays at every step and ignores values of the wrong shape', () => {
    expect(valuesAt({ a: [{ b: [1, 2] }, { b: 3 }, 'x'] }, { elements: ['a', 'b'] })).toEqual([1, 2, 3]);
    expect(parseReference({ reference: 'http://elsewhere.example/fhir/Patient/1' })).toBeUndefined();
    expect(parseReference({ reference: 'Patient/1/_history/2' })).toEqual({ type: 'Patient', id: '1' });
    expect(foldString('  Zoë   ÅSTRÖM ')).toBe('zoe astrom');
  });
});
