/**
 * @module synthetic/feeds/truth-fixture
 * A small ground truth for the feeds' tests and for measuring their speed, written by the generator's own
 * TruthWriter (so its files have exactly the generator's schema) from people drawn here rather than by the life-course
 * simulator: quick to make at any size, and with the cases the feeds must handle made common — names with nicknames,
 * transliterations and two-part surnames, moves and changes of practice, deaths, cancer with a stage, mental health
 * conditions, contacts in every setting, carers. Like the simulator's, its contacts in the routine settings (YEARLY:
 * general practice, outpatients, mental health and community services) are counted by calendar year, with the first
 * and last days, rather than dated one by one. Not a model of anything: its rates are made up.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nhsNumberOfStem } from '../../identity/nhs-number.js';
import type { Manifest } from '../generate.js';
import { dayOf, dayOfDate, yearOf } from '../life-course/days.js';
import {
  ActivityColumns,
  CodeBook,
  EventColumns,
  EVENT_KIND,
  OrganisationBook,
} from '../life-course/events.js';
import { CAUSES_OF_DEATH, SETTINGS, type Setting } from '../life-course/model.js';
import { PeopleColumns } from '../life-course/people-columns.js';
import type { Address, Person } from '../life-course/simulate.js';
import { createRandom, type Random } from '../random.js';
import { TruthWriter, type OrganisationRow } from '../truth-writer.js';
import { poisson } from '../life-course/simulate.js';
import { SETTING_TYPES } from './fhir.js';

export const FIXTURE_PRACTICES = ['B86001', 'B86002', 'B86003'] as const;
export const FIXTURE_PROVIDERS: Readonly<Record<Exclude<Setting, 'gp'>, string>> = {
  'emergency-department': 'leeds-teaching-hospitals-nhs-trust',
  'emergency-admission': 'leeds-teaching-hospitals-nhs-trust',
  'elective-admission': 'leeds-teaching-hospitals-nhs-trust',
  outpatient: 'leeds-teaching-hospitals-nhs-trust',
  'mental-health': 'leeds-and-york-partnership-nhs-ft',
  community: 'leeds-community-healthcare-nhs-trust',
  ambulance: 'yorkshire-ambulance-service-nhs-trust',
  'social-care': 'leeds-city-council',
};

const ORGANISATIONS: readonly OrganisationRow[] = [
  ...FIXTURE_PRACTICES.map((code, i) => ({
    organisation: code,
    name: `Fixture Practice ${i + 1}`,
    type: 'gp-practice',
    odsCode: code,
    onsCode: undefined,
  })),
  {
    organisation: 'leeds-teaching-hospitals-nhs-trust',
    name: 'Leeds Teaching Hospitals NHS Trust',
    type: 'acute-trust',
    odsCode: 'RR8',
    onsCode: undefined,
  },
  {
    organisation: 'leeds-and-york-partnership-nhs-ft',
    name: 'Leeds and York Partnership NHS Foundation Trust',
    type: 'mental-health-trust',
    odsCode: 'RGD',
    onsCode: undefined,
  },
  {
    organisation: 'leeds-community-healthcare-nhs-trust',
    name: 'Leeds Community Healthcare NHS Trust',
    type: 'community-trust',
    odsCode: 'RY6',
    onsCode: undefined,
  },
  {
    organisation: 'yorkshire-ambulance-service-nhs-trust',
    name: 'Yorkshire Ambulance Service NHS Trust',
    type: 'ambulance-trust',
    odsCode: 'RX8',
    onsCode: undefined,
  },
  {
    organisation: 'leeds-city-council',
    name: 'Leeds City Council',
    type: 'metropolitan-district-council',
    odsCode: undefined,
    onsCode: 'E08000035',
  },
];

const GIVEN = {
  female: [
    'Elizabeth',
    'Katherine',
    'Fatima',
    'Aisha',
    'Zofia',
    'Siobhán',
    'Emily',
    'Olivia',
    'Mary',
    'Margaret',
  ],
  male: ['William', 'Robert', 'Mohammed', 'Muhammad', 'Jan', 'Seán', 'James', 'Oliver', 'Stephen', 'Ali'],
} as const;
const FAMILY = [
  'Smith',
  'Jones',
  'Smith-Jones',
  'Al-Hassan',
  'Khan',
  'Wiśniewska',
  "O'Brien",
  'Hussain',
  'Taylor',
  'Brown',
  'Zhang',
  'Patel',
];
const STREETS = ['High Street', 'Church Lane', 'Park Road', 'Station Road', 'Mill Lane'];

const CODES = {
  diabetes: { code: '44054006', display: 'Diabetes mellitus type 2' },
  cancer: { code: '363346000', display: 'Malignant neoplastic disease' },
  depression: { code: '35489007', display: 'Depressive disorder' },
  psychosis: { code: '69322001', display: 'Psychotic disorder' },
  stages: [
    { code: '13104003', display: 'Clinical stage I' },
    { code: '60333009', display: 'Clinical stage II' },
    { code: '50283003', display: 'Clinical stage III' },
    { code: '2640006', display: 'Clinical stage IV' },
  ],
  smoking: [
    { code: '77176002', display: 'Smoker' },
    { code: '8517006', display: 'Ex-smoker' },
    { code: '266919005', display: 'Never smoked tobacco' },
  ],
  bmi: { code: '60621009', display: 'Body mass index' },
  flu: { code: '822851000000102', display: 'Seasonal influenza vaccination' },
  assault: { code: '52684005', display: 'Assault' },
  death: { code: '419620001', display: 'Death' },
  cause: { code: 'I21', display: 'Acute myocardial infarction' },
  isCarer: { code: '224484003', display: 'Patient themselves providing care' },
  hasCarer: { code: '407542009', display: 'Informal caregiver' },
  encounters: SETTING_TYPES,
};

/** The settings counted by year, as reference/life-course/encounters.yaml has them (`recorded: yearly`). */
export const FIXTURE_YEARLY: ReadonlySet<Setting> = new Set([
  'gp',
  'outpatient',
  'mental-health',
  'community',
]);

/** Yearly contacts per person by setting (made up; the mental health rate applies to those with a condition). */
const CONTACTS: Readonly<Record<Setting, number>> = {
  gp: 0.45,
  'emergency-department': 0.08,
  'emergency-admission': 0.03,
  'elective-admission': 0.03,
  outpatient: 0.12,
  'mental-health': 0.6,
  community: 0.04,
  ambulance: 0.03,
  'social-care': 0.02,
};

export interface FixtureOptions {
  /** Residents; about 1 in 10 more persons died before or were born after the reference date. */
  readonly residents: number;
  readonly seed?: number;
  readonly chunkSize?: number;
  /** Multiplies every contact rate (about 8 events and 3 activity rows per person at 1). */
  readonly activity?: number;
}

const WINDOW = { start: '2015-01-01', end: '2025-12-31', reference: '2020-06-30' };

function between(random: Random, from: number, to: number): number {
  return to <= from ? from : from + random.int(to - from + 1);
}

/** Writes a ground truth of `residents` residents (and the others) into `dir`, with its manifest. */
export async function writeTruthFixture(dir: string, options: FixtureOptions): Promise<Manifest> {
  const seed = options.seed ?? 1;
  const chunkSize = options.chunkSize ?? 50_000;
  const activity = options.activity ?? 1;
  const start = dayOf(WINDOW.start);
  const end = dayOf(WINDOW.end);
  const reference = dayOf(WINDOW.reference);
  mkdirSync(dir, { recursive: true });

  const codes = new CodeBook();
  const organisations = new OrganisationBook();
  for (const row of ORGANISATIONS) organisations.add(row.organisation);
  const code = {
    diabetes: codes.add(CODES.diabetes),
    cancer: codes.add(CODES.cancer),
    depression: codes.add(CODES.depression),
    psychosis: codes.add(CODES.psychosis),
    stages: CODES.stages.map((c) => codes.add(c)),
    smoking: CODES.smoking.map((c) => codes.add(c)),
    bmi: codes.add(CODES.bmi),
    flu: codes.add(CODES.flu),
    assault: codes.add(CODES.assault),
    death: codes.add(CODES.death),
    cause: codes.add(CODES.cause, 'icd10'),
    isCarer: codes.add(CODES.isCarer),
    hasCarer: codes.add(CODES.hasCarer),
    encounters: SETTINGS.map((s) => codes.add(CODES.encounters[s])),
  };
  const kind = EVENT_KIND;

  const writer = await TruthWriter.open(codes, organisations);
  try {
    await writer.writeDictionaries(dir, ORGANISATIONS);
    const chunks = Math.max(1, Math.ceil(options.residents / chunkSize));
    let stem = 999_000_000;
    const nextNhsNumber = () => {
      for (;;) {
        const number = nhsNumberOfStem(stem++);
        if (number !== undefined) return number;
      }
    };
    for (let chunk = 0; chunk < chunks; chunk++) {
      const persons: Person[] = [];
      const nhsNumbers = new Map<number, string>();
      const events = new EventColumns();
      const activityRows = new ActivityColumns();
      const practiceOn = (p: Person, day: number) => {
        let practice = p.registrations[0]?.practice;
        for (const r of p.registrations) if (r.fromDay <= day) practice = r.practice;
        return practice === undefined ? -1 : organisations.indexOf(practice);
      };
      const first = chunk * chunkSize;
      const last = Math.min(options.residents, first + chunkSize);
      for (let slot = first; slot < last; slot++) {
        const random = createRandom(seed, `fixture/${slot}`);
        const others = random.next() < 0.1 ? [random.next() < 0.5 ? 1 : 3] : [];
        for (const offset of [0, ...others]) {
          const key = slot * 4 + offset;
          const sex = random.next() < 0.5 ? 'female' : 'male';
          const origin =
            offset === 0 ? 'resident' : offset === 3 ? 'born-after-reference' : 'died-before-reference';
          const birthDay =
            origin === 'born-after-reference'
              ? between(random, reference + 1, end)
              : between(random, -14_600, reference);
          let deathDay: number | undefined;
          if (origin === 'died-before-reference')
            deathDay = between(random, Math.max(start, birthDay + 1), reference);
          else if (random.next() < 0.05)
            deathDay = between(random, Math.max(reference + 1, birthDay + 1), end);
          const lastDay = Math.min(end, deathDay ?? end);
          const firstDay = Math.max(start, birthDay);
          const names = GIVEN[sex];
          const given = names[random.int(names.length)] as string;
          const middle = random.next() < 0.3 ? (names[random.int(names.length)] as string) : undefined;
          const family = FAMILY[random.int(FAMILY.length)] as string;
          const moves = random.int(3);
          const addresses: Address[] = [];
          let from = birthDay;
          for (let m = 0; m <= moves; m++) {
            const district = 1 + random.int(28);
            addresses.push({
              fromDay: from,
              lsoa11: `E0100${String(1000 + random.int(9000))}`,
              lad19: 'E08000035',
              place: 'leeds',
              imdDecile: 1 + random.int(10),
              postcodeDistrict: `LS${district}`,
              houseNumber: 1 + random.int(200),
              street: STREETS[random.int(STREETS.length)] ?? '',
              town: 'Leeds',
              inward: `${1 + random.int(9)}${'ABDEFGHJLNPQRSTUWXYZ'[random.int(20)] ?? 'A'}${'ABDEFGHJLNPQRSTUWXYZ'[random.int(20)] ?? 'A'}`,
            });
            from = between(random, Math.max(from + 30, firstDay), lastDay);
            if (from >= lastDay) break;
          }
          const registration = (fromDay: number) => {
            const practice = FIXTURE_PRACTICES[random.int(3)] as string;
            return { fromDay, practice, organisation: organisations.indexOf(practice) };
          };
          const registrations = [registration(birthDay)];
          const moved = addresses[1];
          if (moved !== undefined && random.next() < 0.5) registrations.push(registration(moved.fromDay));
          const person: Person = {
            key,
            origin,
            sex,
            birthDay,
            ethnicity: 'ABCDEFGHJKLMNPRSZ'[random.int(17)] ?? 'Z',
            given,
            middle,
            family,
            deathDay,
            // Every cause in turn (by key, drawing nothing, so the rest of the fixture is as it was).
            cause: deathDay === undefined ? undefined : CAUSES_OF_DEATH[key % CAUSES_OF_DEATH.length],
            addresses,
            registrations,
            onsets: [],
            needsCare: false,
          };
          persons.push(person);
          nhsNumbers.set(key, nextNhsNumber());
          if (firstDay > lastDay) continue;

          // Conditions, some before the window; cancer with its stage.
          const adult = birthDay + 18 * 365;
          const conditions: number[] = [];
          for (const [condition, chance] of [
            [code.diabetes, 0.1],
            [code.cancer, 0.06],
            [code.depression, 0.15],
            [code.psychosis, 0.03],
          ] as const) {
            if (random.next() >= chance || adult > lastDay) continue;
            const onset = between(random, Math.max(adult, start - 3650), lastDay);
            conditions.push(condition);
            events.push(key, onset, kind.condition, condition, Number.NaN, -1, practiceOn(person, onset));
            if (condition === code.cancer) {
              const stage = random.int(4);
              events.push(
                key,
                onset,
                kind.stage,
                code.stages[stage] ?? 0,
                stage + 1,
                -1,
                practiceOn(person, onset),
              );
            }
          }
          for (let n = poisson(1.5 * activity, random); n > 0; n--) {
            const day = between(random, firstDay, lastDay);
            events.push(
              key,
              day,
              kind.observation,
              code.smoking[random.int(3)] ?? 0,
              Number.NaN,
              -1,
              practiceOn(person, day),
            );
          }
          for (let n = poisson(1.5 * activity, random); n > 0; n--) {
            const day = between(random, firstDay, lastDay);
            const bmi = Math.round((18 + random.next() * 22) * 10) / 10;
            events.push(key, day, kind.observation, code.bmi, bmi, -1, practiceOn(person, day));
          }
          for (let n = poisson(2 * activity, random); n > 0; n--) {
            const day = between(random, firstDay, lastDay);
            events.push(key, day, kind.immunisation, code.flu, Number.NaN, -1, practiceOn(person, day));
          }
          const years = (lastDay - firstDay + 1) / 365.25;
          SETTINGS.forEach((setting, s) => {
            const mentalHealth = setting === 'mental-health';
            if (mentalHealth && !conditions.includes(code.depression) && !conditions.includes(code.psychosis))
              return;
            const providerOn = (day: number) =>
              setting === 'gp' ? practiceOn(person, day) : organisations.indexOf(FIXTURE_PROVIDERS[setting]);
            if (FIXTURE_YEARLY.has(setting)) {
              // A count for each calendar year with contacts, with the first and last of its days.
              for (let year = yearOf(firstDay); year <= yearOf(lastDay); year++) {
                const from = Math.max(firstDay, dayOfDate(year, 1, 1));
                const to = Math.min(lastDay, dayOfDate(year, 12, 31));
                const contacts = poisson((CONTACTS[setting] * (to - from + 1) * activity) / 365.25, random);
                if (contacts === 0) continue;
                let first = Infinity;
                let last = -Infinity;
                for (let n = 0; n < contacts; n++) {
                  const day = between(random, from, to);
                  first = Math.min(first, day);
                  last = Math.max(last, day);
                }
                activityRows.push(key, year, s, providerOn(first), contacts, first, last);
              }
              return;
            }
            for (let n = poisson(CONTACTS[setting] * years * activity, random); n > 0; n--) {
              const day = between(random, firstDay, lastDay);
              const organisation = providerOn(day);
              const reason = setting === 'emergency-admission' && random.next() < 0.1 ? code.assault : -1;
              events.push(
                key,
                day,
                kind.encounter,
                code.encounters[s] ?? 0,
                Number.NaN,
                s,
                organisation,
                reason,
              );
            }
          });
          if (deathDay !== undefined)
            events.push(key, deathDay, kind.death, code.death, Number.NaN, -1, -1, code.cause);
        }
      }
      // Carers: every 20th resident alive on the reference date cares for the next one.
      const carers: { carer: number; caredFor: number; fromDay: number; recorded: boolean }[] = [];
      const alive = persons.filter(
        (p) =>
          p.origin === 'resident' && p.birthDay < reference - 5 * 365 && (p.deathDay ?? Infinity) > reference,
      );
      for (let i = 0; i + 1 < alive.length; i += 20) {
        const carer = alive[i] as Person;
        const caredFor = alive[i + 1] as Person;
        const fromDay = reference - 365;
        carers.push({ carer: carer.key, caredFor: caredFor.key, fromDay, recorded: true });
        events.push(carer.key, fromDay, kind.carer, code.isCarer, Number.NaN, -1, practiceOn(carer, fromDay));
        events.push(
          caredFor.key,
          fromDay,
          kind.carer,
          code.hasCarer,
          Number.NaN,
          -1,
          practiceOn(caredFor, fromDay),
        );
      }
      // The fixture's persons carry the NHS letter already.
      const people = new PeopleColumns();
      for (const person of persons) people.add(person);
      await writer.writeChunk(dir, chunk, {
        people,
        nhsNumbers: Float64Array.from(persons, (p) => Number(nhsNumbers.get(p.key))),
        carers,
        events,
        activity: activityRows,
        ethnicCategory: (group) => group,
      });
    }
  } finally {
    writer.close();
  }
  const manifest: Manifest = {
    format: 3,
    partnership: 'feeds-fixture',
    scale: 0,
    seed,
    residents: options.residents,
    chunkSize,
    referenceDate: WINDOW.reference,
    windowStart: WINDOW.start,
    windowEnd: WINDOW.end,
    nhsNumberRange: 'test',
  };
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
