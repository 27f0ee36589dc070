/**
 * @module synthetic/feeds/r4-shapes
 * The FHIR R4 rules the feeds' resources are checked against in the tests (no validator package is a dependency):
 * for each resource type the feeds write, the elements R4 defines at the top level, those it requires (min 1), the
 * codes of its required bindings (statuses, gender), and the shapes of the few datatypes the feeds use — references
 * `Type/id`, dates and dateTimes, periods whose start is not after their end (per-1). Taken from the R4 (4.0.1)
 * specification's resource definitions; an element added to a writer without being added here fails the tests, which
 * is the point.
 */

interface Shape {
  readonly elements: readonly string[];
  readonly required: readonly string[];
  /** Elements bound to a required value set: the codes allowed. */
  readonly codes?: Readonly<Record<string, readonly string[]>>;
  /** Elements holding a Reference, or a list of them, and the resource types they may name. */
  readonly references?: Readonly<Record<string, readonly string[]>>;
  readonly periods?: readonly string[];
  readonly dates?: readonly string[];
}

const DOMAIN_RESOURCE = [
  'resourceType',
  'id',
  'meta',
  'implicitRules',
  'language',
  'text',
  'contained',
  'extension',
  'modifierExtension',
];

export const R4_SHAPES: Readonly<Record<string, Shape>> = {
  Organization: {
    elements: [
      'identifier',
      'active',
      'type',
      'name',
      'alias',
      'telecom',
      'address',
      'partOf',
      'contact',
      'endpoint',
    ],
    required: [],
  },
  Patient: {
    elements: [
      'identifier',
      'active',
      'name',
      'telecom',
      'gender',
      'birthDate',
      'deceasedBoolean',
      'deceasedDateTime',
      'address',
      'maritalStatus',
      'multipleBirthBoolean',
      'multipleBirthInteger',
      'photo',
      'contact',
      'communication',
      'generalPractitioner',
      'managingOrganization',
      'link',
    ],
    required: [],
    codes: { gender: ['male', 'female', 'other', 'unknown'] },
    references: { managingOrganization: ['Organization'] },
    dates: ['birthDate', 'deceasedDateTime'],
  },
  Encounter: {
    elements: [
      'identifier',
      'status',
      'statusHistory',
      'class',
      'classHistory',
      'type',
      'serviceType',
      'priority',
      'subject',
      'episodeOfCare',
      'basedOn',
      'participant',
      'appointment',
      'period',
      'length',
      'reasonCode',
      'reasonReference',
      'diagnosis',
      'account',
      'hospitalization',
      'location',
      'serviceProvider',
      'partOf',
    ],
    required: ['status', 'class'],
    codes: {
      status: [
        'planned',
        'arrived',
        'triaged',
        'in-progress',
        'onleave',
        'finished',
        'cancelled',
        'entered-in-error',
        'unknown',
      ],
    },
    references: { subject: ['Patient', 'Group'], serviceProvider: ['Organization'] },
    periods: ['period'],
  },
  EpisodeOfCare: {
    elements: [
      'identifier',
      'status',
      'statusHistory',
      'type',
      'diagnosis',
      'patient',
      'managingOrganization',
      'period',
      'referralRequest',
      'careManager',
      'team',
      'account',
    ],
    required: ['status', 'patient'],
    codes: {
      status: ['planned', 'waitlist', 'active', 'onhold', 'finished', 'cancelled', 'entered-in-error'],
    },
    references: { patient: ['Patient'], managingOrganization: ['Organization'] },
    periods: ['period'],
  },
  Condition: {
    elements: [
      'identifier',
      'clinicalStatus',
      'verificationStatus',
      'category',
      'severity',
      'code',
      'bodySite',
      'subject',
      'encounter',
      'onsetDateTime',
      'onsetAge',
      'onsetPeriod',
      'onsetRange',
      'onsetString',
      'abatementDateTime',
      'abatementAge',
      'abatementPeriod',
      'abatementRange',
      'abatementString',
      'recordedDate',
      'recorder',
      'asserter',
      'stage',
      'evidence',
      'note',
    ],
    required: ['subject'],
    references: { subject: ['Patient', 'Group'], encounter: ['Encounter'] },
    dates: ['onsetDateTime', 'recordedDate'],
  },
  Observation: {
    elements: [
      'identifier',
      'basedOn',
      'partOf',
      'status',
      'category',
      'code',
      'subject',
      'focus',
      'encounter',
      'effectiveDateTime',
      'effectivePeriod',
      'effectiveTiming',
      'effectiveInstant',
      'issued',
      'performer',
      'valueQuantity',
      'valueCodeableConcept',
      'valueString',
      'valueBoolean',
      'valueInteger',
      'valueRange',
      'valueRatio',
      'valueSampledData',
      'valueTime',
      'valueDateTime',
      'valuePeriod',
      'dataAbsentReason',
      'interpretation',
      'note',
      'bodySite',
      'method',
      'specimen',
      'device',
      'referenceRange',
      'hasMember',
      'derivedFrom',
      'component',
    ],
    required: ['status', 'code'],
    codes: {
      status: [
        'registered',
        'preliminary',
        'final',
        'amended',
        'corrected',
        'cancelled',
        'entered-in-error',
        'unknown',
      ],
    },
    references: { subject: ['Patient', 'Group', 'Device', 'Location'] },
    dates: ['effectiveDateTime'],
  },
  Immunization: {
    elements: [
      'identifier',
      'status',
      'statusReason',
      'vaccineCode',
      'patient',
      'encounter',
      'occurrenceDateTime',
      'occurrenceString',
      'recorded',
      'primarySource',
      'reportOrigin',
      'location',
      'manufacturer',
      'lotNumber',
      'expirationDate',
      'site',
      'route',
      'doseQuantity',
      'performer',
      'note',
      'reasonCode',
      'reasonReference',
      'isSubpotent',
      'subpotentReason',
      'education',
      'programEligibility',
      'fundingSource',
      'reaction',
      'protocolApplied',
    ],
    required: ['status', 'vaccineCode', 'patient'],
    codes: { status: ['completed', 'entered-in-error', 'not-done'] },
    references: { patient: ['Patient'] },
    dates: ['occurrenceDateTime'],
  },
};

/** R4 date or dateTime (the feeds write dates: YYYY, YYYY-MM or YYYY-MM-DD, or a full dateTime). */
const DATE =
  /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The problems of one resource against R4 (none: it keeps the rules above). */
export function r4Problems(resource: Json): string[] {
  const type = String(resource.resourceType);
  const shape = R4_SHAPES[type];
  const where = `${type}/${String(resource.id)}`;
  if (shape === undefined) return [`${where}: no shape for ${type}`];
  const problems: string[] = [];
  if (typeof resource.id !== 'string' || !ID.test(resource.id)) problems.push(`${where}: bad id`);
  const known = new Set([...DOMAIN_RESOURCE, ...shape.elements]);
  for (const [element, value] of Object.entries(resource)) {
    if (!known.has(element)) problems.push(`${where}: ${element} is not an R4 ${type} element`);
    // FHIR JSON has no empty objects, arrays or strings, and no nulls.
    if (value === null || value === '' || (Array.isArray(value) && value.length === 0)) {
      problems.push(`${where}: ${element} is empty`);
    }
  }
  for (const element of shape.required) {
    if (resource[element] === undefined) problems.push(`${where}: lacks ${element}`);
  }
  for (const [element, codes] of Object.entries(shape.codes ?? {})) {
    const value = resource[element];
    if (value !== undefined && (typeof value !== 'string' || !codes.includes(value))) {
      problems.push(`${where}: ${element} ${JSON.stringify(value)} is not one of ${codes.join('|')}`);
    }
  }
  for (const [element, types] of Object.entries(shape.references ?? {})) {
    const value = resource[element];
    if (value === undefined) continue;
    for (const reference of Array.isArray(value) ? value : [value]) {
      const text = isObject(reference) ? reference.reference : undefined;
      const [target, id, ...rest] = typeof text === 'string' ? text.split('/') : [];
      if (rest.length > 0 || !types.includes(target ?? '') || !ID.test(id ?? '')) {
        problems.push(
          `${where}: ${element} ${JSON.stringify(reference)} is not a reference to ${types.join('|')}`,
        );
      }
    }
  }
  for (const element of shape.dates ?? []) {
    const value = resource[element];
    if (value !== undefined && (typeof value !== 'string' || !DATE.test(value))) {
      problems.push(`${where}: ${element} ${JSON.stringify(value)} is not a date`);
    }
  }
  for (const element of shape.periods ?? []) {
    const value = resource[element];
    if (value === undefined) continue;
    const start = isObject(value) ? value.start : undefined;
    const end = isObject(value) ? value.end : undefined;
    if (!isObject(value) || (start === undefined && end === undefined)) {
      problems.push(`${where}: ${element} is an empty period`);
      continue;
    }
    for (const date of [start, end]) {
      if (date !== undefined && (typeof date !== 'string' || !DATE.test(date))) {
        problems.push(`${where}: ${element} has a bad date ${JSON.stringify(date)}`);
      }
    }
    if (typeof start === 'string' && typeof end === 'string' && end < start) {
      problems.push(`${where}: ${element} ends before it starts (per-1)`);
    }
  }
  if (type === 'EpisodeOfCare') {
    const diagnoses = resource.diagnosis;
    for (const diagnosis of Array.isArray(diagnoses) ? diagnoses : []) {
      const condition = isObject(diagnosis) ? diagnosis.condition : undefined;
      const text = isObject(condition) ? condition.reference : undefined;
      if (typeof text !== 'string' || !/^Condition\/[A-Za-z0-9\-.]{1,64}$/.test(text)) {
        problems.push(`${where}: diagnosis ${JSON.stringify(diagnosis)} lacks its condition (1..1)`);
      }
    }
  }
  return problems;
}
