/**
 * @module population/store/feed-resources
 * How each FHIR resource type in a partner's feed becomes rows of the analytic store, as DuckDB SQL over
 * `read_ndjson` with typed columns: DuckDB reads only the elements named here, so a Patient's name, NHS number,
 * address lines and full date of birth are parsed past and never land in a table. Each reading also yields a
 * `problem` for a resource that cannot be used (not the type the file is for, no patient, no date), reported with
 * its place in the file and left out.
 *
 * Lines that are not JSON read as rows of nulls (`ignore_errors`), so a bad line never stops a file; an element of
 * the wrong type (a string where FHIR has a Quantity) reads as null, which the problem column catches where the
 * element is needed. Full validation against the R4 definitions is the shared care record's job (record/validation);
 * here the question is only what a resource says about a person's health.
 */

/** A resource type the analytic store reads, with the columns DuckDB parses and the SQL that maps them. */
export interface FeedResource {
  readonly resourceType: string;
  /** `read_ndjson`'s `columns` argument. */
  readonly columns: string;
  /** SELECT list over the read rows (`r`) giving the store's columns, `local_id` and `problem`. */
  readonly select: string;
}

const CODING = 'STRUCT(system VARCHAR, code VARCHAR)[]';
const CONCEPT = `STRUCT(coding ${CODING})`;
const REFERENCE = 'STRUCT(reference VARCHAR)';
const PERIOD = 'STRUCT("start" VARCHAR, "end" VARCHAR)';

/** The code systems the indicators name, by short name; other systems are kept as their URI. */
export const CODE_SYSTEMS: Readonly<Record<string, string>> = {
  'http://snomed.info/sct': 'snomed',
  'http://loinc.org': 'loinc',
  'http://hl7.org/fhir/sid/icd-10': 'icd10',
  'http://hl7.org/fhir/sid/icd-10-uk': 'icd10',
  'http://terminology.hl7.org/CodeSystem/v3-ActCode': 'act-code',
};

const systemName = (system: string) =>
  `CASE ${system} ${Object.entries(CODE_SYSTEMS)
    .map(([uri, name]) => `WHEN '${uri}' THEN '${name}'`)
    .join(' ')} ELSE ${system} END`;

/** The coding a CodeableConcept is counted by: its first SNOMED CT coding, else its first. */
const chosen = (concept: string) =>
  `coalesce(list_filter(${concept}.coding, c -> c.system = 'http://snomed.info/sct')[1], ${concept}.coding[1])`;
const codeSystem = (concept: string) => systemName(`(${chosen(concept)}).system`);
const code = (concept: string) => `(${chosen(concept)}).code`;
/** A FHIR date or dateTime as a DATE (its first ten characters), null when it is not one. */
const day = (text: string) => `try_cast(left(${text}, 10) AS DATE)`;
const patientOf = (reference: string) => `regexp_extract(${reference}.reference, '^Patient/([^/]+)$', 1)`;

/** The problem shared by every clinical resource: the wrong type, no patient or no date. */
const problem = (resourceType: string, patient: string, date: string) => `CASE
  WHEN r.resourceType IS NULL THEN 'is not a FHIR resource (not JSON, or no resourceType)'
  WHEN r.resourceType <> '${resourceType}' THEN 'is a ' || r.resourceType || ' in a file of ${resourceType}'
  WHEN coalesce(${patientOf(patient)}, '') = '' THEN 'names no Patient (a reference Patient/<id> is needed)'
  WHEN ${date} IS NULL THEN 'has no full date (a day is needed)'
END`;

const clinical = (
  resourceType: string,
  columns: string,
  fields: {
    readonly kind: string;
    readonly patient: string;
    readonly date: string;
    readonly endDate?: string;
    readonly concept: string;
    readonly value?: string;
    readonly valueCode?: string;
    readonly reasonCode?: string;
    readonly setting?: string;
    /** Statuses that mean the resource did not happen or was recorded in error. */
    readonly voidStatus: string;
  },
): FeedResource => ({
  resourceType,
  columns: `{resourceType: 'VARCHAR', id: 'VARCHAR', ${columns}}`,
  select: `
    ${patientOf(fields.patient)} AS local_id,
    '${fields.kind}' AS kind,
    ${fields.date} AS date,
    ${fields.endDate ?? 'NULL'} AS end_date,
    ${codeSystem(fields.concept)} AS code_system,
    ${code(fields.concept)} AS code,
    ${fields.value ?? 'NULL'} AS value,
    ${fields.valueCode ?? 'NULL'} AS value_code,
    ${fields.reasonCode ?? 'NULL'} AS reason_code,
    ${fields.setting ?? 'NULL'} AS setting,
    coalesce(${fields.voidStatus}, false) AS void,
    ${problem(resourceType, fields.patient, fields.date)} AS problem`,
});

const condition = clinical(
  'Condition',
  `subject: '${REFERENCE}', code: '${CONCEPT}', onsetDateTime: 'VARCHAR', recordedDate: 'VARCHAR',
   abatementDateTime: 'VARCHAR', verificationStatus: '${CONCEPT}', stage: 'STRUCT(summary ${CONCEPT})[]'`,
  {
    kind: 'condition',
    patient: 'r.subject',
    date: day('coalesce(r.onsetDateTime, r.recordedDate)'),
    endDate: day('r.abatementDateTime'),
    concept: 'r.code',
    valueCode: code('r.stage[1].summary'),
    voidStatus: `list_has_any(list_transform(r.verificationStatus.coding, c -> c.code), ['refuted', 'entered-in-error'])`,
  },
);

const observation = clinical(
  'Observation',
  `status: 'VARCHAR', subject: '${REFERENCE}', code: '${CONCEPT}', effectiveDateTime: 'VARCHAR',
   effectivePeriod: '${PERIOD}', valueQuantity: 'STRUCT(value DOUBLE)', valueCodeableConcept: '${CONCEPT}'`,
  {
    kind: 'observation',
    patient: 'r.subject',
    date: day('coalesce(r.effectiveDateTime, r.effectivePeriod."start")'),
    concept: 'r.code',
    value: 'r.valueQuantity.value',
    valueCode: code('r.valueCodeableConcept'),
    voidStatus: `r.status IN ('entered-in-error', 'cancelled')`,
  },
);

const immunization = clinical(
  'Immunization',
  `status: 'VARCHAR', patient: '${REFERENCE}', vaccineCode: '${CONCEPT}', occurrenceDateTime: 'VARCHAR'`,
  {
    kind: 'immunisation',
    patient: 'r.patient',
    date: day('r.occurrenceDateTime'),
    concept: 'r.vaccineCode',
    voidStatus: `r.status <> 'completed'`,
  },
);

const encounter = clinical(
  'Encounter',
  `status: 'VARCHAR', subject: '${REFERENCE}', class: 'STRUCT(code VARCHAR)', type: '${CONCEPT}[]',
   priority: '${CONCEPT}', period: '${PERIOD}', reasonCode: '${CONCEPT}[]'`,
  {
    kind: 'encounter',
    patient: 'r.subject',
    date: day('r.period."start"'),
    endDate: day('r.period."end"'),
    concept: 'r.type[1]',
    valueCode: code('r.priority'),
    reasonCode: code('r.reasonCode[1]'),
    setting: 'r.class.code',
    voidStatus: `r.status IN ('cancelled', 'entered-in-error')`,
  },
);

const episodeOfCare = clinical(
  'EpisodeOfCare',
  `status: 'VARCHAR', patient: '${REFERENCE}', type: '${CONCEPT}[]', period: '${PERIOD}'`,
  {
    kind: 'episode',
    patient: 'r.patient',
    date: day('r.period."start"'),
    endDate: day('r.period."end"'),
    concept: 'r.type[1]',
    voidStatus: `r.status IN ('cancelled', 'entered-in-error')`,
  },
);

export const ETHNIC_CATEGORY_EXTENSION =
  'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory';
const ODS = 'https://fhir.nhs.uk/Id/ods-organization-code';

/**
 * A Patient: sex, year and month of birth, death, ethnic category, the LSOA of the current home address (looked up
 * from its postcode in `postcode_lsoa`, the postcode itself not kept), the registered practice and whether the
 * record is active. The select reads `r` joined to `postcode_lsoa` as `p`.
 */
export const PATIENT: FeedResource = {
  resourceType: 'Patient',
  columns: `{resourceType: 'VARCHAR', id: 'VARCHAR', gender: 'VARCHAR', birthDate: 'VARCHAR',
    deceasedDateTime: 'VARCHAR', deceasedBoolean: 'BOOLEAN', active: 'BOOLEAN',
    extension: 'STRUCT(url VARCHAR, valueCodeableConcept ${CONCEPT})[]',
    address: 'STRUCT(use VARCHAR, postalCode VARCHAR, period ${PERIOD})[]',
    generalPractitioner: 'STRUCT(identifier STRUCT(system VARCHAR, value VARCHAR))[]'}`,
  select: `
    r.id AS local_id,
    CASE WHEN r.gender IN ('female', 'male', 'other', 'unknown') THEN r.gender END AS sex,
    try_cast(substr(r.birthDate, 1, 4) AS SMALLINT) AS birth_year,
    -- A year-only birthDate (valid FHIR) is taken as born mid-year rather than dropped from every indicator.
    CASE WHEN try_cast(substr(r.birthDate, 1, 4) AS SMALLINT) IS NOT NULL
         THEN coalesce(try_cast(substr(r.birthDate, 6, 2) AS TINYINT), 7) END AS birth_month,
    ${day('r.deceasedDateTime')} AS death_date,
    (r.deceasedDateTime IS NOT NULL OR coalesce(r.deceasedBoolean, false)) AS deceased,
    (list_filter(r.extension, e -> e.url = '${ETHNIC_CATEGORY_EXTENSION}')[1]).valueCodeableConcept.coding[1].code
      AS ethnic_category,
    (list_filter(r.generalPractitioner, g -> g.identifier.system = '${ODS}')[1]).identifier.value AS practice,
    coalesce(r.active, true) AS active,
    CASE
      WHEN r.resourceType IS NULL THEN 'is not a FHIR resource (not JSON, or no resourceType)'
      WHEN r.resourceType <> 'Patient' THEN 'is a ' || r.resourceType || ' in a file of Patient'
      WHEN coalesce(r.id, '') = '' THEN 'has no id'
    END AS problem`,
};

/**
 * The postcode of a Patient's current home: the first `home` address without an ended period, else the first
 * address without an ended period. Normalised to capitals with one space, as the lookup holds them.
 */
export const CURRENT_POSTCODE = `upper(regexp_replace(trim(coalesce(
  (list_filter(r.address, a -> a.use = 'home' AND a.period."end" IS NULL)[1]).postalCode,
  (list_filter(r.address, a -> coalesce(a.use, '') <> 'old' AND a.period."end" IS NULL)[1]).postalCode)),
  '\\s+', ' ', 'g'))`;

export const CLINICAL_RESOURCES: readonly FeedResource[] = [
  condition,
  observation,
  immunization,
  encounter,
  episodeOfCare,
];

/** Every type the store reads, by name; a feed's other types (Organization, …) are passed over. */
export const FEED_RESOURCES: ReadonlyMap<string, FeedResource> = new Map(
  [PATIENT, ...CLINICAL_RESOURCES].map((resource) => [resource.resourceType, resource]),
);
