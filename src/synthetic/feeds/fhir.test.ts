import { describe, expect, it } from 'vitest';
import { loadLifeCourseReference, verhoeffValid } from '../life-course/reference.js';
import { SETTINGS } from '../life-course/model.js';
import {
  CAUSE_OF_DEATH_CODE,
  causeOfDeathJson,
  coding,
  conditionJson,
  encounterJson,
  episodeOfCareJson,
  immunizationJson,
  observationJson,
  organizationJson,
  patientJson,
  SETTING_TYPES,
  SYSTEMS,
} from './fhir.js';
import { r4Problems } from './r4-shapes.js';

const snomed = (code: string, display: string) => ({ system: SYSTEMS.snomed, code, display });
/** A resource line, parsed and held to R4's shape (r4-shapes.ts). */
const parse = (line: string) => {
  const resource = JSON.parse(line) as Record<string, unknown> & { resourceType: string; id: string };
  expect(r4Problems(resource)).toEqual([]);
  return resource;
};

describe('FHIR resources as lines', () => {
  it('Patient: local number and NHS number, escaped names, address, practice, ethnic category, death', () => {
    const patient = parse(
      patientJson({
        id: 'RR812345678',
        organisation: 'leeds-teaching-hospitals-nhs-trust',
        localIdSystem: 'https://accord.example/fhir/sid/leeds-teaching-hospitals-nhs-trust/patient-id',
        nhsNumber: '9990000018',
        family: 'O"Brien\\',
        given: ['Seán', 'Óg'],
        gender: 'male',
        birthDate: '1950-02-03',
        deceasedDate: '2021-05-06',
        active: true,
        address: { line: '1 "High" Street', city: 'Leeds', postalCode: 'LS1 1AA' },
        ethnicCategory: { code: 'B', display: 'White - Irish' },
        generalPractitioner: 'B86001',
      }),
    );
    expect(patient).toMatchObject({
      resourceType: 'Patient',
      id: 'RR812345678',
      identifier: [
        {
          system: 'https://accord.example/fhir/sid/leeds-teaching-hospitals-nhs-trust/patient-id',
          value: 'RR812345678',
        },
        { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990000018' },
      ],
      name: [{ use: 'official', family: 'O"Brien\\', given: ['Seán', 'Óg'] }],
      gender: 'male',
      birthDate: '1950-02-03',
      deceasedDateTime: '2021-05-06',
      address: [{ line: ['1 "High" Street'], city: 'Leeds', postalCode: 'LS1 1AA' }],
      generalPractitioner: [
        {
          type: 'Organization',
          identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'B86001' },
        },
      ],
      managingOrganization: { reference: 'Organization/leeds-teaching-hospitals-nhs-trust' },
      extension: [
        {
          url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory',
          valueCodeableConcept: {
            coding: [
              { system: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland', code: 'B' },
            ],
          },
        },
      ],
    });
  });

  it('Patient without an NHS number, address or practice has only its local identifier', () => {
    const patient = parse(
      patientJson({
        id: '00000001',
        organisation: 'B86001',
        localIdSystem: 'x',
        family: 'Lee',
        given: ['Ann'],
        gender: 'female',
        birthDate: '2000-01-01',
        active: false,
      }),
    );
    expect(patient.identifier).toEqual([{ system: 'x', value: '00000001' }]);
    expect(patient).not.toHaveProperty('address');
    expect(patient).not.toHaveProperty('deceasedDateTime');
    expect(patient.active).toBe(false);
  });

  it('Encounter: class by setting, priority for admissions, SNOMED type, period, reason, provider', () => {
    const encounter = (setting: Parameters<typeof encounterJson>[0]['setting']) =>
      parse(
        encounterJson({
          id: 'E1',
          patientId: 'P1',
          organisation: 'org',
          setting,
          type: coding(snomed('183452005', 'Emergency hospital admission')),
          date: '2020-01-02',
          reason: coding(snomed('52684005', 'Assault')),
        }),
      );
    const admission = encounter('emergency-admission');
    expect(admission).toMatchObject({
      resourceType: 'Encounter',
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' },
      priority: { coding: [{ code: 'EM' }] },
      type: [{ coding: [{ system: 'http://snomed.info/sct', code: '183452005' }] }],
      subject: { reference: 'Patient/P1' },
      period: { start: '2020-01-02' },
      reasonCode: [{ coding: [{ code: '52684005' }] }],
      serviceProvider: { reference: 'Organization/org' },
    });
    expect(encounter('emergency-department').class).toMatchObject({ code: 'EMER' });
    expect(encounter('gp').class).toMatchObject({ code: 'AMB' });
    expect(encounter('community').class).toMatchObject({ code: 'HH' });
    expect(encounter('ambulance').class).toMatchObject({ code: 'FLD' });
    expect(encounter('elective-admission').priority).toMatchObject({ coding: [{ code: 'EL' }] });
    expect(encounter('outpatient').period).toEqual({ start: '2020-01-02', end: '2020-01-02' });
  });

  it('EpisodeOfCare: local identifier, status, SNOMED type, diagnoses, patient, organisation, period', () => {
    const type = coding(snomed('90407005', 'Evaluation of psychiatric state of patient'));
    const finished = parse(
      episodeOfCareJson({
        id: 'RGD-12345678-1',
        identifierSystem: 'https://accord.example/fhir/sid/mh/episode-id',
        patientId: 'RGD-12345678',
        organisation: 'mh',
        type,
        start: '2016-03-04',
        end: '2018-11-02',
        active: false,
        diagnoses: ['RGD-12345678-2', 'RGD-12345678-3'],
      }),
    );
    expect(finished).toEqual({
      resourceType: 'EpisodeOfCare',
      id: 'RGD-12345678-1',
      identifier: [{ system: 'https://accord.example/fhir/sid/mh/episode-id', value: 'RGD-12345678-1' }],
      status: 'finished',
      type: [
        {
          coding: [
            {
              system: SYSTEMS.snomed,
              code: '90407005',
              display: 'Evaluation of psychiatric state of patient',
            },
          ],
        },
      ],
      diagnosis: [
        { condition: { reference: 'Condition/RGD-12345678-2' } },
        { condition: { reference: 'Condition/RGD-12345678-3' } },
      ],
      patient: { reference: 'Patient/RGD-12345678' },
      managingOrganization: { reference: 'Organization/mh' },
      period: { start: '2016-03-04', end: '2018-11-02' },
    });
    // Still going at the end of the window: no end, and no diagnoses to list.
    const active = parse(
      episodeOfCareJson({
        id: 'E2',
        identifierSystem: 'x',
        patientId: 'P1',
        organisation: 'mh',
        type,
        start: '2024-01-02',
        active: true,
        diagnoses: [],
      }),
    );
    expect(active).toMatchObject({ status: 'active', period: { start: '2024-01-02' } });
    expect(active).not.toHaveProperty('diagnosis');
    expect(active.period).not.toHaveProperty('end');
  });

  it('the shape check refuses what R4 does not allow', () => {
    const base = { resourceType: 'EpisodeOfCare', id: 'E1', patient: { reference: 'Patient/P1' } };
    expect(r4Problems({ ...base, status: 'finished' })).toEqual([]);
    expect(r4Problems({ ...base, status: 'closed' })).toEqual([
      'EpisodeOfCare/E1: status "closed" is not one of planned|waitlist|active|onhold|finished|cancelled|entered-in-error',
    ]);
    expect(r4Problems({ resourceType: 'EpisodeOfCare', id: 'E1', status: 'active' })).toEqual([
      'EpisodeOfCare/E1: lacks patient',
    ]);
    expect(
      r4Problems({
        ...base,
        status: 'active',
        subject: { reference: 'Patient/P1' },
        period: { start: '2020-02-01', end: '2020-01-01' },
        diagnosis: [{ reference: 'Condition/C1' }],
      }),
    ).toEqual([
      'EpisodeOfCare/E1: subject is not an R4 EpisodeOfCare element',
      'EpisodeOfCare/E1: period ends before it starts (per-1)',
      'EpisodeOfCare/E1: diagnosis {"reference":"Condition/C1"} lacks its condition (1..1)',
    ]);
  });

  it('each setting’s type is the encounter code the simulator records for it (reference encounters.yaml)', () => {
    const reference = loadLifeCourseReference();
    if (!reference.ok) throw new Error('the reference does not load');
    for (const setting of SETTINGS) {
      const module = reference.value.encounters.find((e) => e.setting === setting);
      expect(SETTING_TYPES[setting], setting).toEqual({
        code: module?.snomed.code,
        display: module?.snomed.display,
      });
    }
  });

  it('Condition: statuses, category, onset, recorded date, encounter and stage', () => {
    const condition = parse(
      conditionJson({
        id: 'C1',
        patientId: 'P1',
        code: coding(snomed('363346000', 'Malignant neoplastic disease')),
        category: 'encounter-diagnosis',
        recordedDate: '2020-03-04',
        encounterId: 'E1',
        stage: coding(snomed('50283003', 'Clinical stage III')),
      }),
    );
    expect(condition).toMatchObject({
      resourceType: 'Condition',
      clinicalStatus: { coding: [{ code: 'active' }] },
      verificationStatus: { coding: [{ code: 'confirmed' }] },
      category: [{ coding: [{ code: 'encounter-diagnosis' }] }],
      code: { coding: [{ code: '363346000' }] },
      subject: { reference: 'Patient/P1' },
      encounter: { reference: 'Encounter/E1' },
      recordedDate: '2020-03-04',
      stage: [{ summary: { coding: [{ code: '50283003' }] } }],
    });
    expect(condition).not.toHaveProperty('onsetDateTime');
  });

  it('Observation: BMI in kg/m2 with LOINC and SNOMED; smoking status as social history with the finding as value', () => {
    const bmiCode = snomed('60621009', 'Body mass index');
    const bmi = parse(
      observationJson({
        id: 'O1',
        patientId: 'P1',
        date: '2020-01-01',
        code: bmiCode,
        codeJson: coding(bmiCode),
        value: 27.4,
      }),
    );
    expect(bmi).toMatchObject({
      status: 'final',
      category: [{ coding: [{ code: 'vital-signs' }] }],
      code: {
        coding: [
          { system: 'http://loinc.org', code: '39156-5' },
          { system: 'http://snomed.info/sct', code: '60621009' },
        ],
      },
      valueQuantity: { value: 27.4, unit: 'kg/m2', system: 'http://unitsofmeasure.org', code: 'kg/m2' },
      effectiveDateTime: '2020-01-01',
    });
    const smokerCode = snomed('77176002', 'Smoker');
    const smoker = parse(
      observationJson({
        id: 'O2',
        patientId: 'P1',
        date: '2020-01-01',
        code: smokerCode,
        codeJson: coding(smokerCode),
      }),
    );
    expect(smoker).toMatchObject({
      category: [{ coding: [{ code: 'social-history' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '72166-2' }] },
      valueCodeableConcept: { coding: [{ code: '77176002' }] },
    });
    const carerCode = snomed('224484003', 'Patient themselves providing care');
    const carer = parse(
      observationJson({
        id: 'O3',
        patientId: 'P1',
        date: '2020-01-01',
        code: carerCode,
        codeJson: coding(carerCode),
      }),
    );
    expect(carer).toMatchObject({
      category: [{ coding: [{ code: 'social-history' }] }],
      code: { coding: [{ code: '224484003' }] },
    });
  });

  it('Immunization and Organization', () => {
    expect(
      parse(
        immunizationJson({
          id: 'I1',
          patientId: 'P1',
          date: '2020-10-01',
          vaccine: coding(snomed('822851000000102', 'Seasonal influenza vaccination')),
        }),
      ),
    ).toMatchObject({
      resourceType: 'Immunization',
      status: 'completed',
      patient: { reference: 'Patient/P1' },
      occurrenceDateTime: '2020-10-01',
      vaccineCode: { coding: [{ code: '822851000000102' }] },
    });
    expect(
      parse(
        organizationJson({
          id: 'leeds-city-council',
          name: 'Leeds City Council',
          onsCode: 'E08000035',
          type: 'govt',
        }),
      ),
    ).toMatchObject({
      resourceType: 'Organization',
      id: 'leeds-city-council',
      identifier: [{ value: 'E08000035' }],
      type: [{ coding: [{ code: 'govt' }] }],
    });
    // Without an ODS or ONS code (the deaths register), no identifier at all: R4 allows no empty array.
    expect(
      parse(organizationJson({ id: 'deaths-register', name: 'Deaths register', type: 'govt' })),
    ).not.toHaveProperty('identifier');
  });

  it('Observation of a cause of death: SNOMED CT observable, ICD-10 value, dated at the death', () => {
    const observation = parse(
      causeOfDeathJson({
        id: 'D00000001-1',
        patientId: 'D00000001',
        date: '2021-03-04',
        cause: { system: SYSTEMS.icd10, code: 'X70', display: 'Intentional self-harm by hanging' },
      }),
    );
    expect(observation).toEqual({
      resourceType: 'Observation',
      id: 'D00000001-1',
      status: 'final',
      code: { coding: [{ system: SYSTEMS.snomed, code: '184305005', display: 'Cause of death' }] },
      subject: { reference: 'Patient/D00000001' },
      effectiveDateTime: '2021-03-04',
      valueCodeableConcept: {
        coding: [
          {
            system: 'http://hl7.org/fhir/sid/icd-10',
            code: 'X70',
            display: 'Intentional self-harm by hanging',
          },
        ],
      },
    });
    expect(verhoeffValid(CAUSE_OF_DEATH_CODE.code)).toBe(true);
  });
});
