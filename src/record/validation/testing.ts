/**
 * @module record/validation/testing
 * Valid FHIR R4 resources of the types the shared care record holds most, for tests here and in the record's
 * routes: each passes `validateResource` (a test says so), uses UK Core's NHS number identifier and SNOMED CT codes,
 * and points at the others by reference. The NHS number is from the test range, never a real person's.
 */
import { testRangeNhsNumber } from '../../identity/nhs-number.js';
import type { Resource } from './fhir-types.js';
import { NHS_NUMBER_SYSTEM } from './nhs-number-identifiers.js';

const SNOMED = 'http://snomed.info/sct';

/** A valid test-range NHS number (999 000 001 + its check digit). */
export const TEST_NHS_NUMBER = testRangeNhsNumber(1) ?? '';

const nhsIdentifier = { system: NHS_NUMBER_SYSTEM, value: TEST_NHS_NUMBER };
const patientRef = { reference: 'Patient/example-patient' };
const encounterRef = { reference: 'Encounter/example-encounter' };
const snomed = (
  code: string,
  display: string,
): { coding: { system: string; code: string; display: string }[] } => ({
  coding: [{ system: SNOMED, code, display }],
});

export const examplePatient: Resource = {
  resourceType: 'Patient',
  id: 'example-patient',
  meta: { lastUpdated: '2025-01-01T09:00:00Z' },
  text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Jo Smith</div>' },
  identifier: [nhsIdentifier],
  active: true,
  name: [{ use: 'official', family: 'Smith', given: ['Jo', 'Ann'], prefix: ['Ms'] }],
  telecom: [{ system: 'phone', value: '0113 496 0000', use: 'home' }],
  gender: 'female',
  birthDate: '1970-01-01',
  address: [{ use: 'home', type: 'physical', line: ['1 High Street'], city: 'Leeds', postalCode: 'LS1 1AA' }],
  maritalStatus: {
    coding: [
      { system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'M', display: 'Married' },
    ],
  },
  contact: [
    {
      relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0131', code: 'N' }] }],
      name: { family: 'Smith', given: ['Sam'] },
      gender: 'male',
    },
  ],
  communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'en-GB' }] }, preferred: true }],
  generalPractitioner: [{ reference: 'Organization/example-practice' }],
};

export const exampleEncounter: Resource = {
  resourceType: 'Encounter',
  id: 'example-encounter',
  status: 'finished',
  class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
  type: [snomed('185349003', 'Encounter for check up')],
  subject: patientRef,
  participant: [{ individual: { reference: 'Practitioner/example-gp' } }],
  period: { start: '2025-01-02T10:00:00Z', end: '2025-01-02T10:30:00Z' },
  serviceProvider: { reference: 'Organization/example-practice' },
};

export const exampleCondition: Resource = {
  resourceType: 'Condition',
  id: 'example-condition',
  clinicalStatus: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
  },
  verificationStatus: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }],
  },
  category: [
    {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' },
      ],
    },
  ],
  code: snomed('44054006', 'Diabetes mellitus type 2'),
  subject: patientRef,
  encounter: encounterRef,
  onsetDateTime: '2019-06-01',
  recordedDate: '2019-06-03',
};

export const exampleObservation: Resource = {
  resourceType: 'Observation',
  id: 'example-observation',
  status: 'final',
  category: [
    {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }],
    },
  ],
  code: snomed('271649006', 'Systolic blood pressure'),
  subject: patientRef,
  encounter: encounterRef,
  effectiveDateTime: '2025-01-02T10:10:00Z',
  valueQuantity: { value: 128, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
  interpretation: [
    {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'N' }],
    },
  ],
};

export const exampleMedicationRequest: Resource = {
  resourceType: 'MedicationRequest',
  id: 'example-medication-request',
  status: 'active',
  intent: 'order',
  medicationCodeableConcept: snomed('325072002', 'Metformin 500mg modified-release tablets'),
  subject: patientRef,
  encounter: encounterRef,
  authoredOn: '2025-01-02',
  requester: { reference: 'Practitioner/example-gp' },
  dosageInstruction: [
    {
      text: 'One tablet twice a day with food',
      timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd' } },
      doseAndRate: [{ doseQuantity: { value: 1, unit: 'tablet' } }],
    },
  ],
};

export const exampleAllergyIntolerance: Resource = {
  resourceType: 'AllergyIntolerance',
  id: 'example-allergy',
  clinicalStatus: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }],
  },
  verificationStatus: {
    coding: [
      { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'confirmed' },
    ],
  },
  type: 'allergy',
  category: ['medication'],
  criticality: 'high',
  code: snomed('91936005', 'Allergy to penicillin'),
  patient: patientRef,
  recordedDate: '2010-05-01',
  reaction: [{ manifestation: [snomed('271807003', 'Eruption of skin')], severity: 'moderate' }],
};

export const exampleImmunization: Resource = {
  resourceType: 'Immunization',
  id: 'example-immunization',
  status: 'completed',
  vaccineCode: snomed('39114911000001105', 'COVID-19 vaccine'),
  patient: patientRef,
  occurrenceDateTime: '2024-10-01',
  primarySource: true,
  lotNumber: 'AB1234',
  route: snomed('78421000', 'Intramuscular route'),
  doseQuantity: { value: 0.5, unit: 'mL', system: 'http://unitsofmeasure.org', code: 'mL' },
};

export const exampleCarePlan: Resource = {
  resourceType: 'CarePlan',
  id: 'example-care-plan',
  status: 'active',
  intent: 'plan',
  title: 'Diabetes care plan',
  subject: patientRef,
  period: { start: '2025-01-02' },
  addresses: [{ reference: 'Condition/example-condition' }],
  activity: [
    {
      detail: {
        kind: 'ServiceRequest',
        code: snomed('698472009', 'Diabetic retinopathy screening'),
        status: 'scheduled',
        description: 'Annual eye screening',
      },
    },
  ],
};

export const exampleRelatedPerson: Resource = {
  resourceType: 'RelatedPerson',
  id: 'example-related-person',
  active: true,
  patient: patientRef,
  relationship: [
    {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'SPS', display: 'spouse' },
      ],
    },
  ],
  name: [{ family: 'Smith', given: ['Sam'] }],
  telecom: [{ system: 'email', value: 'sam@example.org' }],
  gender: 'male',
};

export const exampleProcedure: Resource = {
  resourceType: 'Procedure',
  id: 'example-procedure',
  status: 'completed',
  code: snomed('80146002', 'Appendectomy'),
  subject: patientRef,
  encounter: encounterRef,
  performedPeriod: { start: '2015-03-01T08:00:00Z', end: '2015-03-01T09:10:00Z' },
  performer: [{ actor: { reference: 'Practitioner/example-surgeon' } }],
  outcome: snomed('385669000', 'Successful'),
};

export const exampleEpisodeOfCare: Resource = {
  resourceType: 'EpisodeOfCare',
  id: 'example-episode',
  status: 'active',
  statusHistory: [{ status: 'planned', period: { start: '2024-12-01', end: '2025-01-01' } }],
  type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/episodeofcare-type', code: 'hacc' }] }],
  patient: patientRef,
  managingOrganization: { reference: 'Organization/example-practice' },
  period: { start: '2025-01-01' },
};

/** One valid resource of each common type, by type. */
export const exampleResources: readonly Resource[] = [
  examplePatient,
  exampleEncounter,
  exampleCondition,
  exampleObservation,
  exampleMedicationRequest,
  exampleAllergyIntolerance,
  exampleImmunization,
  exampleCarePlan,
  exampleRelatedPerson,
  exampleProcedure,
  exampleEpisodeOfCare,
];
