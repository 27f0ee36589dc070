/**
 * @module synthetic/feeds/fhir
 * FHIR R4 resources as one line of JSON each, built as strings: tens of millions are written, so no object graph is
 * made and serialised — fixed parts are constants, codings are serialised once (`coding`) and reused, and only free
 * text (names, addresses) goes through JSON.stringify to be escaped. Pure functions; the tests parse what they build.
 *
 * Identifier systems: the NHS number (`https://fhir.nhs.uk/Id/nhs-number`) and ODS codes
 * (`https://fhir.nhs.uk/Id/ods-organization-code`) are NHS England's; an organisation's own record numbers
 * (local-ids.ts) and ONS area codes have no public system, so Accord names them under `https://accord.example/`.
 * Codes: SNOMED CT as the ground truth records them; LOINC beside SNOMED for BMI (39156-5) and smoking status
 * (72166-2); UCUM for units; the v3 ActCode value set for encounter classes; UK Core's ethnic category; ICD-10 for
 * the deaths register's underlying causes of death (the value of SNOMED CT 184305005 |Cause of death|).
 *
 * Routine contacts the truth counts by year rather than dates (outpatients, community and mental health services)
 * are sent as EpisodeOfCare: FHIR's resource for a period of care at one organisation, which is what a yearly count
 * with its first and last contact can honestly say — no Encounter is made up for contacts the truth does not date.
 */
import type { Setting } from '../life-course/model.js';

/** A fragment of JSON text, already serialised. */
export type Json = string & { readonly __json: true };

export const SYSTEMS = {
  snomed: 'http://snomed.info/sct',
  icd10: 'http://hl7.org/fhir/sid/icd-10',
  loinc: 'http://loinc.org',
  ucum: 'http://unitsofmeasure.org',
  nhsNumber: 'https://fhir.nhs.uk/Id/nhs-number',
  ods: 'https://fhir.nhs.uk/Id/ods-organization-code',
  ons: 'https://accord.example/fhir/sid/ons-area-code',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  actPriority: 'http://terminology.hl7.org/CodeSystem/v3-ActPriority',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  organisationType: 'http://terminology.hl7.org/CodeSystem/organization-type',
  ethnicCategory: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland',
  ethnicCategoryExtension: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory',
} as const;

export interface Coding {
  readonly system: string;
  readonly code: string;
  readonly display?: string | undefined;
}

export const coding = (c: Coding): Json =>
  JSON.stringify(c.display === undefined ? { system: c.system, code: c.code } : c) as Json;

const concept = (...codings: Json[]): string => `{"coding":[${codings.join(',')}]}`;
/** `concept` of the codings of a resource's code, made once per coding (the same few codes recur millions of times). */
const concepts = new Map<string, string>();
function conceptOf(c: Json, before?: Json): string {
  const key = before === undefined ? c : `${before}${c}`;
  let made = concepts.get(key);
  if (made === undefined) {
    made = before === undefined ? concept(c) : concept(before, c);
    concepts.set(key, made);
  }
  return made;
}
/**
 * A JSON string of free text. Names and addresses seldom hold anything JSON escapes (a control character, a quote, a
 * backslash, a lone surrogate), and looking is cheaper than JSON.stringify, run millions of times: only those that do
 * go through it.
 */
function text(value: string): string {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(value);
  }
  return `"${value}"`;
}
const patientRef = (id: string): string => `{"reference":"Patient/${id}"}`;
const organisationRef = (id: string): string => `{"reference":"Organization/${id}"}`;

/**
 * The SNOMED CT type of a contact in each setting: the encounter code the simulator records for it
 * (reference/life-course/encounters.yaml; fhir.test.ts checks they agree). Episodes of care carry it as their type,
 * since the truth keeps no event, and so no code, for the settings it counts by year.
 */
export const SETTING_TYPES: Readonly<Record<Setting, { readonly code: string; readonly display: string }>> = {
  gp: { code: '11429006', display: 'Consultation' },
  'emergency-department': { code: '4525004', display: 'Emergency department patient visit' },
  'emergency-admission': { code: '183452005', display: 'Emergency hospital admission' },
  'elective-admission': { code: '8715000', display: 'Hospital admission, elective' },
  outpatient: { code: '185347001', display: 'Encounter for problem' },
  'mental-health': { code: '90407005', display: 'Evaluation of psychiatric state of patient' },
  community: { code: '439708006', display: 'Home visit' },
  ambulance: { code: '11424001', display: 'Ambulance-based care' },
  'social-care': { code: '410606002', display: 'Social service procedure' },
};

// --- Patient --------------------------------------------------------------------------------------------------------

export interface PatientInput {
  /** The organisation's record number, used as the resource id too. */
  readonly id: string;
  /** The organisation's key (its Organization resource id in the feed). */
  readonly organisation: string;
  readonly localIdSystem: string;
  readonly nhsNumber?: string | undefined;
  readonly family: string;
  readonly given: readonly string[];
  readonly gender: 'female' | 'male';
  readonly birthDate: string;
  readonly deceasedDate?: string | undefined;
  readonly active: boolean;
  readonly address?:
    { readonly line: string; readonly city: string; readonly postalCode: string } | undefined;
  readonly ethnicCategory?: { readonly code: string; readonly display?: string | undefined } | undefined;
  /** The ODS code of the practice the person is registered with, as the organisation knows it. */
  readonly generalPractitioner?: string | undefined;
}

/** The ethnic category extension of each category, made once (a score of categories, millions of patients). */
const ethnicExtensions = new Map<string, string>();
function ethnicExtension(category: { readonly code: string; readonly display?: string | undefined }): string {
  const key = `${category.code}|${category.display ?? ''}`;
  let made = ethnicExtensions.get(key);
  if (made === undefined) {
    const value = concept(coding({ system: SYSTEMS.ethnicCategory, ...category }));
    made = `,"extension":[{"url":"${SYSTEMS.ethnicCategoryExtension}","valueCodeableConcept":${value}}]`;
    ethnicExtensions.set(key, made);
  }
  return made;
}

export function patientJson(p: PatientInput): string {
  let out = `{"resourceType":"Patient","id":"${p.id}"`;
  if (p.ethnicCategory !== undefined) out += ethnicExtension(p.ethnicCategory);
  out += `,"identifier":[{"system":"${p.localIdSystem}","value":"${p.id}"}`;
  if (p.nhsNumber !== undefined) out += `,{"system":"${SYSTEMS.nhsNumber}","value":${text(p.nhsNumber)}}`;
  out += `],"active":${p.active},"name":[{"use":"official","family":${text(p.family)},"given":[${p.given.map(text).join(',')}]}]`;
  out += `,"gender":"${p.gender}","birthDate":${text(p.birthDate)}`;
  if (p.deceasedDate !== undefined) out += `,"deceasedDateTime":"${p.deceasedDate}"`;
  if (p.address !== undefined) {
    const a = p.address;
    out += `,"address":[{"use":"home","line":[${text(a.line)}],"city":${text(a.city)},"postalCode":${text(a.postalCode)},"country":"GB"}]`;
  }
  if (p.generalPractitioner !== undefined) {
    out += `,"generalPractitioner":[{"type":"Organization","identifier":{"system":"${SYSTEMS.ods}","value":${text(p.generalPractitioner)}}}]`;
  }
  return `${out},"managingOrganization":${organisationRef(p.organisation)}}`;
}

// --- Organization ---------------------------------------------------------------------------------------------------

export interface OrganizationInput {
  readonly id: string;
  readonly name: string;
  readonly odsCode?: string | undefined;
  readonly onsCode?: string | undefined;
  /** A council is `govt`; everyone else a healthcare provider, `prov`. */
  readonly type: 'prov' | 'govt';
}

export function organizationJson(o: OrganizationInput): string {
  const identifiers = [
    ...(o.odsCode === undefined ? [] : [`{"system":"${SYSTEMS.ods}","value":${text(o.odsCode)}}`]),
    ...(o.onsCode === undefined ? [] : [`{"system":"${SYSTEMS.ons}","value":${text(o.onsCode)}}`]),
  ];
  const type = concept(coding({ system: SYSTEMS.organisationType, code: o.type }));
  // R4 allows no empty array: an organisation with neither code (the deaths register) has no identifier.
  const identifier = identifiers.length === 0 ? '' : `"identifier":[${identifiers.join(',')}],`;
  return `{"resourceType":"Organization","id":"${o.id}",${identifier}"active":true,"type":[${type}],"name":${text(o.name)}}`;
}

// --- Encounter ------------------------------------------------------------------------------------------------------

/**
 * The class (v3 ActCode) and priority (v3 ActPriority) of an encounter in each setting: consultations, outpatient and
 * mental health contacts are ambulatory; A&E is emergency; admissions are inpatient, emergency or elective; community
 * and social care are seen at home (home health); an ambulance attends in the field.
 */
const CLASSES: Readonly<Record<Setting, { code: string; display: string; priority?: [string, string] }>> = {
  gp: { code: 'AMB', display: 'ambulatory' },
  'emergency-department': { code: 'EMER', display: 'emergency' },
  'emergency-admission': { code: 'IMP', display: 'inpatient encounter', priority: ['EM', 'emergency'] },
  'elective-admission': { code: 'IMP', display: 'inpatient encounter', priority: ['EL', 'elective'] },
  outpatient: { code: 'AMB', display: 'ambulatory' },
  'mental-health': { code: 'AMB', display: 'ambulatory' },
  community: { code: 'HH', display: 'home health' },
  ambulance: { code: 'FLD', display: 'field' },
  'social-care': { code: 'HH', display: 'home health' },
};

const CLASS_JSON = Object.fromEntries(
  Object.entries(CLASSES).map(([setting, c]) => {
    let json = `"class":${coding({ system: SYSTEMS.actCode, code: c.code, display: c.display })}`;
    if (c.priority !== undefined) {
      const [code, display] = c.priority;
      json += `,"priority":${concept(coding({ system: SYSTEMS.actPriority, code, display }))}`;
    }
    return [setting, json];
  }),
) as Record<Setting, string>;

export const encounterClassOf = (setting: Setting): string => CLASSES[setting].code;

export interface EncounterInput {
  readonly id: string;
  readonly patientId: string;
  readonly organisation: string;
  readonly setting: Setting;
  /** The encounter's SNOMED CT type. */
  readonly type: Json;
  readonly date: string;
  /** Why it happened, when the ground truth says (an assault). */
  readonly reason?: Json | undefined;
}

/** A finished encounter of one day (the ground truth holds no lengths of stay: an admission's end is left out). */
export function encounterJson(e: EncounterInput): string {
  const admitted = e.setting === 'emergency-admission' || e.setting === 'elective-admission';
  const period = admitted ? `{"start":"${e.date}"}` : `{"start":"${e.date}","end":"${e.date}"}`;
  const reason = e.reason === undefined ? '' : `,"reasonCode":[${conceptOf(e.reason)}]`;
  return `{"resourceType":"Encounter","id":"${e.id}","status":"finished",${CLASS_JSON[e.setting]},"type":[${conceptOf(e.type)}],"subject":${patientRef(e.patientId)},"period":${period}${reason},"serviceProvider":${organisationRef(e.organisation)}}`;
}

// --- EpisodeOfCare --------------------------------------------------------------------------------------------------

export interface EpisodeOfCareInput {
  readonly id: string;
  /** The organisation's system for its own episode numbers (local-ids.ts); the value is the id. */
  readonly identifierSystem: string;
  readonly patientId: string;
  readonly organisation: string;
  /** The setting's SNOMED CT type (SETTING_TYPES). */
  readonly type: Json;
  readonly start: string;
  /** The day of the last contact; none while the episode is active. */
  readonly end?: string | undefined;
  /** Still going at the end of the window ('active'), or over ('finished'). */
  readonly active: boolean;
  /** Ids of the Conditions diagnosed in the episode (in the same feed). */
  readonly diagnoses: readonly string[];
}

/** An episode of care at one organisation in one setting: the run of years in which the person had contacts there. */
export function episodeOfCareJson(e: EpisodeOfCareInput): string {
  let out = `{"resourceType":"EpisodeOfCare","id":"${e.id}","identifier":[{"system":"${e.identifierSystem}","value":"${e.id}"}],"status":"${e.active ? 'active' : 'finished'}","type":[${conceptOf(e.type)}]`;
  if (e.diagnoses.length > 0) {
    out += `,"diagnosis":[${e.diagnoses.map((id) => `{"condition":{"reference":"Condition/${id}"}}`).join(',')}]`;
  }
  const period = e.end === undefined ? `{"start":"${e.start}"}` : `{"start":"${e.start}","end":"${e.end}"}`;
  return `${out},"patient":${patientRef(e.patientId)},"managingOrganization":${organisationRef(e.organisation)},"period":${period}}`;
}

// --- Condition ------------------------------------------------------------------------------------------------------

const ACTIVE = concept(coding({ system: SYSTEMS.conditionClinical, code: 'active', display: 'Active' }));
const CONFIRMED = concept(
  coding({ system: SYSTEMS.conditionVerification, code: 'confirmed', display: 'Confirmed' }),
);
const CONDITION_CATEGORY = {
  'problem-list-item': concept(
    coding({ system: SYSTEMS.conditionCategory, code: 'problem-list-item', display: 'Problem List Item' }),
  ),
  'encounter-diagnosis': concept(
    coding({
      system: SYSTEMS.conditionCategory,
      code: 'encounter-diagnosis',
      display: 'Encounter Diagnosis',
    }),
  ),
} as const;

export interface ConditionInput {
  readonly id: string;
  readonly patientId: string;
  readonly code: Json;
  /**
   * A problem list entry (in general practice, and a mental health service's diagnosis held over an episode of
   * care), or a diagnosis recorded at a hospital encounter.
   */
  readonly category: keyof typeof CONDITION_CATEGORY;
  readonly onsetDate?: string | undefined;
  readonly recordedDate: string;
  readonly encounterId?: string | undefined;
  /** The stage at diagnosis (cancer), as its SNOMED CT coding. */
  readonly stage?: Json | undefined;
}

export function conditionJson(c: ConditionInput): string {
  let out = `{"resourceType":"Condition","id":"${c.id}","clinicalStatus":${ACTIVE},"verificationStatus":${CONFIRMED},"category":[${CONDITION_CATEGORY[c.category]}],"code":${conceptOf(c.code)},"subject":${patientRef(c.patientId)}`;
  if (c.encounterId !== undefined) out += `,"encounter":{"reference":"Encounter/${c.encounterId}"}`;
  if (c.onsetDate !== undefined) out += `,"onsetDateTime":"${c.onsetDate}"`;
  out += `,"recordedDate":"${c.recordedDate}"`;
  if (c.stage !== undefined) out += `,"stage":[{"summary":${conceptOf(c.stage)}}]`;
  return `${out}}`;
}

// --- Observation ----------------------------------------------------------------------------------------------------

const CATEGORY = {
  'vital-signs': `[${concept(coding({ system: SYSTEMS.observationCategory, code: 'vital-signs', display: 'Vital Signs' }))}]`,
  'social-history': `[${concept(coding({ system: SYSTEMS.observationCategory, code: 'social-history', display: 'Social History' }))}]`,
};
const BMI_LOINC = coding({
  system: SYSTEMS.loinc,
  code: '39156-5',
  display: 'Body mass index (BMI) [Ratio]',
});
const SMOKING_CONCEPT = concept(
  coding({ system: SYSTEMS.loinc, code: '72166-2', display: 'Tobacco smoking status' }),
);

/**
 * How an observation of the ground truth is sent, by its SNOMED CT code (the codes of
 * reference/life-course/bmi.yaml, smoking.yaml and carers.yaml): BMI as a quantity in kg/m2 coded with LOINC and
 * SNOMED; smoking status as the LOINC observable with the SNOMED finding as its value; carer status as the finding.
 */
const PROFILES: ReadonlyMap<string, 'bmi' | 'smoking' | 'carer'> = new Map([
  ['60621009', 'bmi'], // Body mass index
  ['77176002', 'smoking'], // Smoker
  ['8517006', 'smoking'], // Ex-smoker
  ['266919005', 'smoking'], // Never smoked tobacco
  ['224484003', 'carer'], // Patient themselves providing care (is a carer)
  ['407542009', 'carer'], // Informal caregiver (has a carer)
]);

export interface ObservationInput {
  readonly id: string;
  readonly patientId: string;
  readonly date: string;
  readonly code: Coding;
  /** The coding, serialised (the caller's cache). */
  readonly codeJson: Json;
  readonly value?: number | undefined;
}

export function observationJson(o: ObservationInput): string {
  const profile = o.code.system === SYSTEMS.snomed ? PROFILES.get(o.code.code) : undefined;
  let head = `{"resourceType":"Observation","id":"${o.id}","status":"final"`;
  let value = '';
  switch (profile) {
    case 'bmi':
      head += `,"category":${CATEGORY['vital-signs']},"code":${conceptOf(o.codeJson, BMI_LOINC)}`;
      break;
    case 'smoking':
      head += `,"category":${CATEGORY['social-history']},"code":${SMOKING_CONCEPT}`;
      value = `,"valueCodeableConcept":${conceptOf(o.codeJson)}`;
      break;
    case 'carer':
      head += `,"category":${CATEGORY['social-history']},"code":${conceptOf(o.codeJson)}`;
      break;
    case undefined:
      head += `,"code":${conceptOf(o.codeJson)}`;
      break;
  }
  if (o.value !== undefined && value === '') {
    const unit = profile === 'bmi' ? `,"unit":"kg/m2","system":"${SYSTEMS.ucum}","code":"kg/m2"` : '';
    value = `,"valueQuantity":{"value":${o.value}${unit}}`;
  }
  return `${head},"subject":${patientRef(o.patientId)},"effectiveDateTime":"${o.date}"${value}}`;
}

/** SNOMED CT's observable of a death's cause, whose value is the cause itself (here an ICD-10 code). */
export const CAUSE_OF_DEATH_CODE = { code: '184305005', display: 'Cause of death' } as const;
const CAUSE_OF_DEATH_CONCEPT = concept(coding({ system: SYSTEMS.snomed, ...CAUSE_OF_DEATH_CODE }));

export interface CauseOfDeathInput {
  readonly id: string;
  readonly patientId: string;
  /** The date of death. */
  readonly date: string;
  /** The underlying cause, a three-character ICD-10 code. */
  readonly cause: Coding;
}

/**
 * A registered death's underlying cause: SNOMED CT 184305005 |Cause of death| (an observable entity, made for this:
 * its value is the cause) with the ICD-10 code as value, dated at the death. No category: none of FHIR's
 * observation categories (survey, exam, social history, …) is a certified cause of death, and the US vital records
 * guide (VRDR) gives its cause of death observations none either.
 */
export function causeOfDeathJson(o: CauseOfDeathInput): string {
  return `{"resourceType":"Observation","id":"${o.id}","status":"final","code":${CAUSE_OF_DEATH_CONCEPT},"subject":${patientRef(o.patientId)},"effectiveDateTime":"${o.date}","valueCodeableConcept":${concept(coding(o.cause))}}`;
}

// --- Immunization ---------------------------------------------------------------------------------------------------

export interface ImmunizationInput {
  readonly id: string;
  readonly patientId: string;
  readonly date: string;
  /** The SNOMED CT code the ground truth records (the vaccination procedure). */
  readonly vaccine: Json;
}

export function immunizationJson(i: ImmunizationInput): string {
  return `{"resourceType":"Immunization","id":"${i.id}","status":"completed","vaccineCode":${conceptOf(i.vaccine)},"patient":${patientRef(i.patientId)},"occurrenceDateTime":"${i.date}","primarySource":true}`;
}
