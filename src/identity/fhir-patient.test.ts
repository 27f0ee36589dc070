import { describe, expect, it } from 'vitest';
import { patientJson, type PatientInput } from '../synthetic/feeds/fhir.js';
import { patientToLinkRecord } from './fhir-patient.js';
import { prepareRecord } from './linkage/record.js';

/** A line of a practice's Patient.ndjson as `accord generate --feeds` writes it (test-range NHS number). */
const FEED_LINE =
  '{"resourceType":"Patient","id":"00809720","extension":[{"url":"https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory","valueCodeableConcept":{"coding":[{"system":"https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland","code":"A","display":"White - British"}]}}],"identifier":[{"system":"https://accord.example/fhir/sid/B82004/patient-id","value":"00809720"},{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9996655571"}],"active":false,"name":[{"use":"official","family":"Smith","given":["Lisa","Sarah"]}],"gender":"female","birthDate":"1979-10-27","address":[{"use":"home","line":["123 Providence Street"],"city":"BRADFORD","postalCode":"BD7 6GY","country":"GB"}],"generalPractitioner":[{"type":"Organization","identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"B82004"}}],"managingOrganization":{"reference":"Organization/B82004"}}';

/** A hospital's Patient as the feed writer builds it, so the tests follow the feeds' shape if it changes. */
const hospitalPatient = (change: Partial<PatientInput> = {}): unknown =>
  JSON.parse(
    patientJson({
      id: 'RCF02318091',
      organisation: 'airedale-nhs-ft',
      localIdSystem: 'https://accord.example/fhir/sid/airedale-nhs-ft/patient-id',
      nhsNumber: '9990000018',
      family: 'Watson',
      given: ['John', 'Peter'],
      gender: 'male',
      birthDate: '1934-02-07',
      deceasedDate: '2018-03-11',
      active: true,
      address: { line: '11 Prospect Street', city: 'SKIPTON', postalCode: 'BD23 6JT' },
      ethnicCategory: { code: 'A', display: 'White - British' },
      generalPractitioner: 'B83624',
      ...change,
    }),
  );

const mapped = (resource: unknown, organisation = 'airedale-nhs-ft') => {
  const result = patientToLinkRecord(resource, organisation);
  if (!result.ok) throw new Error(result.error.title);
  return result.value;
};

const withPatient = (elements: Record<string, unknown>) => ({
  resourceType: 'Patient',
  id: 'p1',
  ...elements,
});

describe('patientToLinkRecord on the partner feeds', () => {
  it('reads a practice feed line: first given name, family, date, sex, home postcode and lines, NHS number', () => {
    expect(mapped(JSON.parse(FEED_LINE), 'B82004')).toEqual({
      id: 'B82004/00809720',
      forename: 'Lisa',
      surname: 'Smith',
      dateOfBirth: '1979-10-27',
      sex: 'female',
      postcode: 'BD7 6GY',
      nhsNumber: '9996655571',
      address: '123 Providence Street, BRADFORD',
      email: undefined,
    });
  });

  it('gives the same resource id at two organisations two ids', () => {
    const resource = JSON.parse(FEED_LINE) as unknown;
    expect(mapped(resource, 'B82004').id).not.toBe(mapped(resource, 'leeds-city-council').id);
  });

  it('leaves out what the record lacks: a missing NHS number, no address', () => {
    const record = mapped(hospitalPatient({ nhsNumber: undefined, address: undefined }));
    expect(record.nhsNumber).toBeUndefined();
    expect(record.postcode).toBeUndefined();
    expect(record.address).toBeUndefined();
    expect(record.surname).toBe('Watson');
  });

  it('keeps a mistyped NHS number as sent: preparing the record, not mapping it, drops a number that fails', () => {
    const record = mapped(hospitalPatient({ nhsNumber: '9990000081' }));
    expect(record.nhsNumber).toBe('9990000081');
    expect(prepareRecord(record).nhsNumber).toBeUndefined();
    expect(prepareRecord(mapped(hospitalPatient())).nhsNumber).toBe('9990000018');
  });

  it('prepares into what linkage compares: the district and the address split into numbers and words', () => {
    const prepared = prepareRecord(mapped(hospitalPatient()));
    expect(prepared.district).toBe('BD23');
    expect(prepared.forename).toBe('JOHN');
    expect(prepared.address?.numbers).toBe('11');
    expect(prepared.address?.words).toBe('PROSPECT STREET SKIPTON');
  });
});

describe('patientToLinkRecord choosing among several values', () => {
  it('takes the official name over a usual or old one, and never an old or maiden name', () => {
    const names = [
      { use: 'old', family: 'Jones', given: ['Mary'] },
      { use: 'usual', family: 'Smith', given: ['Molly'] },
      { use: 'official', family: 'Smith', given: ['Mary', 'Anne'] },
    ];
    expect(mapped(withPatient({ name: names }))).toMatchObject({ forename: 'Mary', surname: 'Smith' });
    expect(mapped(withPatient({ name: names.slice(0, 2) }))).toMatchObject({ forename: 'Molly' });
    const record = mapped(withPatient({ name: [{ use: 'maiden', family: 'Jones', given: ['Mary'] }] }));
    expect(record.surname).toBeUndefined();
    expect(record.forename).toBeUndefined();
  });

  it('takes a name with no use when there is no official or usual one, and skips blank given names', () => {
    const record = mapped(withPatient({ name: [{ family: ' ', given: ['', 'Ann'] }] }));
    expect(record).toMatchObject({ forename: 'Ann', surname: undefined });
  });

  it('takes the current home address over a work, old or ended one, with lines, town and district', () => {
    const record = mapped(
      withPatient({
        address: [
          { use: 'work', line: ['1 Park Row'], city: 'LEEDS', postalCode: 'LS1 5AB' },
          { use: 'home', line: ['2 Old Lane'], postalCode: 'BD1 1AA', period: { end: '2019-04-01' } },
          { use: 'old', line: ['3 Mill Street'], postalCode: 'HX1 1AA' },
          {
            use: 'home',
            line: ['Flat 3', '12 High Street'],
            city: 'Otley',
            district: 'West Yorkshire',
            postalCode: 'LS21 3AA',
          },
        ],
      }),
    );
    expect(record.postcode).toBe('LS21 3AA');
    expect(record.address).toBe('Flat 3, 12 High Street, Otley, West Yorkshire');
  });

  it('has no address when the only ones are work or ended addresses', () => {
    const record = mapped(
      withPatient({
        address: [
          { use: 'work', postalCode: 'LS1 5AB' },
          { use: 'home', postalCode: 'BD1 1AA', period: { start: '2001-01-01', end: '2019-04-01' } },
        ],
      }),
    );
    expect(record.postcode).toBeUndefined();
    expect(record.address).toBeUndefined();
  });

  it('takes a current email from telecom, home first, not a phone or an ended address', () => {
    const record = mapped(
      withPatient({
        telecom: [
          { system: 'phone', value: '01132 000000', use: 'home' },
          { system: 'email', value: 'old@example.org', use: 'home', period: { end: '2020-01-01' } },
          { system: 'email', value: 'work@example.org', use: 'work' },
          { system: 'email', value: 'mailto:Mary.Smith@example.org', use: 'home' },
        ],
      }),
    );
    expect(record.email).toBe('Mary.Smith@example.org');
    expect(
      mapped(withPatient({ telecom: [{ system: 'phone', value: '07700 900000' }] })).email,
    ).toBeUndefined();
  });

  it('passes an unknown gender on as unknown sex, which linkage counts as missing', () => {
    const record = mapped(hospitalPatient({ gender: 'unknown' as 'male' }));
    expect(record.sex).toBe('unknown');
    expect(prepareRecord(record).sex).toBeUndefined();
  });
});

describe('patientToLinkRecord refusing what it cannot read', () => {
  it('refuses another resource type, naming it', () => {
    const result = patientToLinkRecord({ resourceType: 'Observation', id: 'o1' }, 'B82004');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('bad-input');
    expect(result.error.title).toContain('B82004/o1');
    expect(result.error.issues?.map((issue) => issue.path)).toEqual(['resourceType']);
  });

  it('refuses what is not a resource at all, and a Patient without an id', () => {
    expect(patientToLinkRecord('Patient', 'B82004').ok).toBe(false);
    expect(patientToLinkRecord(null, 'B82004').ok).toBe(false);
    const noId = patientToLinkRecord({ resourceType: 'Patient' }, 'B82004');
    expect(noId.ok ? [] : noId.error.issues?.map((issue) => issue.path)).toEqual(['id']);
  });

  it('reports every malformed element it reads, each with its path', () => {
    const result = patientToLinkRecord(
      withPatient({
        name: [{ use: 'official', family: 'Smith', given: 'Mary' }],
        gender: 'F',
        address: [{ use: 'home', postalCode: 1234 }],
      }),
      'B82004',
    );
    expect(result.ok ? [] : result.error.issues?.map((issue) => issue.path)).toEqual([
      'name.0.given',
      'gender',
      'address.0.postalCode',
    ]);
  });

  it('ignores elements linkage does not read, however they are shaped', () => {
    const record = mapped(withPatient({ extension: 'not an array', maritalStatus: 42, active: 'yes' }));
    expect(record.id).toBe('airedale-nhs-ft/p1');
  });
});
