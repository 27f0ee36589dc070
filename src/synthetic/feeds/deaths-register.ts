/**
 * @module synthetic/feeds/deaths-register
 * The deaths register: the civil registration of deaths (ONS), as the NHS receives it in the Primary Care Mortality
 * Database — for each death, the NHS number, name, sex, date of birth, address and practice at death, the date of
 * death and the underlying cause as an ICD-10 code. The partners' feeds say only that a patient died
 * (`Patient.deceasedDateTime`, and only where the organisation was told); mortality by cause (suicide, under-75
 * deaths from cardiovascular disease, cancer or respiratory disease) needs this source. It is sent as one more feed,
 * in its own folder (`deaths-register`), beside the partners':
 *
 * - `Patient.ndjson`: one Patient per person who died in the window (from its first day to its last, the feeds'
 *   transaction time), in the Patient shape of the other feeds (fhir.ts), numbered by the register (`D` and eight
 *   digits, a keyed permutation of the person as local-ids.ts makes for partners; REGISTRATION_ID_SYSTEM), with the
 *   NHS number, the address and practice at death, not active (as a practice's record of a death), and deceased on
 *   the date of death. No ethnic category: a death registration in England does not record one.
 * - `Observation.ndjson`: the death's underlying cause (fhir.ts, causeOfDeathJson), an ICD-10 code drawn within the
 *   cause the truth certified (causes-of-death.ts), from the record's own random stream (seed, register, person).
 *
 * No faults are planted: registration details are checked by the registrar with the informant and the NHS number
 * is traced before the record reaches the NHS, so the register is taken to be exact. Every person appears once.
 *
 * The register is no organisation of the partnership, so it is not in the truth's organisations and has no kind
 * (organisations.ts): no fault rates, no holdings. Its folder name is fixed and must not be a partnership
 * organisation's id (write-feeds.ts refuses a truth that has one so named).
 */
import { ageInYears } from '../life-course/days.js';
import { createRandom } from '../random.js';
import { drawCauseCode } from './causes-of-death.js';
import { causeOfDeathJson, patientJson, SYSTEMS } from './fhir.js';
import type { FeedFiles } from './feed-files.js';
import { appendGroundTruth } from './ground-truth.js';
import { keyedNumbers } from './local-ids.js';
import type { FeedOrganisation } from './organisations.js';
import { addressOn, isoDate, practiceOn, RESOURCE_TYPES, type LineSink } from './records.js';
import type { PersonRecord } from './truth-chunks.js';

export const DEATHS_REGISTER = {
  key: 'deaths-register',
  name: 'Deaths register (ONS death registrations, Primary Care Mortality Database)',
  /** As the manifest lists it among the organisations; no kind of organisations.ts. */
  kind: 'deaths-register',
} as const;

/** The register's own numbering of its entries. */
export const REGISTRATION_ID_SYSTEM = `https://accord.example/fhir/sid/${DEATHS_REGISTER.key}/registration-id`;

const PATIENT = RESOURCE_TYPES.indexOf('Patient');
const OBSERVATION = RESOURCE_TYPES.indexOf('Observation');

export interface DeathsRegister {
  readonly seed: number;
  /** The window's first and last days: deaths on these days are registered. */
  readonly windowStart: number;
  readonly windowEnd: number;
  /** The truth's organisations, by index (for the practice at death). */
  readonly organisations: readonly FeedOrganisation[];
  /** The register's number of a person (below 10^8). */
  readonly number: (personKey: number) => number;
}

export function deathsRegister(
  seed: number,
  windowStart: number,
  windowEnd: number,
  organisations: readonly FeedOrganisation[],
): DeathsRegister {
  const numbers = keyedNumbers(seed, DEATHS_REGISTER.key);
  return { seed, windowStart, windowEnd, organisations, number: (key) => numbers(key) };
}

/** Whether the register holds the person: a death in the window. */
export const registered = (person: PersonRecord, register: DeathsRegister): boolean =>
  person.deathDay !== undefined &&
  person.deathDay >= register.windowStart &&
  person.deathDay <= register.windowEnd;

/** The persons of a chunk the register holds, in the order of its numbers (as the register would list them). */
export function registrationsOf(persons: readonly PersonRecord[], register: DeathsRegister): PersonRecord[] {
  return persons
    .filter((person) => registered(person, register))
    .map((person) => ({ person, rank: register.number(person.key) }))
    .sort((a, b) => a.rank - b.rank)
    .map(({ person }) => person);
}

/** The register's entry of a person: its Patient and cause of death lines, and their ground truth rows. */
export function writeRegistration(
  person: PersonRecord,
  register: DeathsRegister,
  out: LineSink,
  truthRows: FeedFiles,
): void {
  const death = person.deathDay;
  if (death === undefined) throw new Error(`${person.id} did not die: not in the deaths register`);
  const id = `D${String(register.number(person.key)).padStart(8, '0')}`;
  const date = isoDate(death);
  const address = person.addresses[addressOn(person, death)];
  const practice = practiceOn(person, death);
  const gp = practice === undefined ? undefined : register.organisations[practice];
  out.line(
    PATIENT,
    patientJson({
      id,
      organisation: DEATHS_REGISTER.key,
      localIdSystem: REGISTRATION_ID_SYSTEM,
      nhsNumber: person.nhsNumber,
      family: person.family,
      given: person.middle === undefined ? [person.given] : [person.given, person.middle],
      gender: person.sex,
      birthDate: isoDate(person.birthDay),
      deceasedDate: date,
      active: false,
      address:
        address === undefined
          ? undefined
          : { line: address.line, city: address.town, postalCode: address.postcode },
      generalPractitioner: gp === undefined ? undefined : (gp.odsCode ?? gp.key),
    }),
  );
  const random = createRandom(register.seed, `feeds/${DEATHS_REGISTER.key}/${person.id}`);
  const cause = drawCauseCode(person.causeOfDeath, ageInYears(person.birthDay, death), person.sex, random);
  const observation = `${id}-1`;
  out.line(
    OBSERVATION,
    causeOfDeathJson({
      id: observation,
      patientId: id,
      date,
      cause: { system: SYSTEMS.icd10, code: cause.code, display: cause.display },
    }),
  );
  const row = { organisation: DEATHS_REGISTER.key, personId: person.id, duplicate: false, faults: [] };
  appendGroundTruth(truthRows, { ...row, id });
  appendGroundTruth(truthRows, { ...row, resourceType: 'Observation', id: observation });
}
