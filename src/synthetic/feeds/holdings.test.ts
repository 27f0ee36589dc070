import { describe, expect, it } from 'vitest';
import { dayOf } from '../life-course/days.js';
import { EVENT_KINDS, type EventKind } from '../life-course/events.js';
import { SETTINGS, type Setting } from '../life-course/model.js';
import {
  compileRules,
  episodeLink,
  holdingsOf,
  ITEM,
  itemDay,
  recordingRow,
  type Holding,
} from './holdings.js';
import type { ActivityTable, ChunkTables, CodeEntry, PersonRecord } from './truth-chunks.js';

// Organisations by index, and codes by index.
const PRACTICE_A = 0;
const PRACTICE_B = 1;
const ACUTE = 2;
const MENTAL_HEALTH = 3;
const COMMUNITY = 4;
const kinds = ['gp', 'gp', 'acute', 'mental-health', 'community'] as const;
const codes: CodeEntry[] = [
  { system: 'snomed', code: '44054006', display: 'Diabetes mellitus type 2' },
  { system: 'snomed', code: '35489007', display: 'Depressive disorder' },
  { system: 'snomed', code: '363346000', display: 'Malignant neoplastic disease' },
  { system: 'snomed', code: '50283003', display: 'Clinical stage III' },
  { system: 'snomed', code: '11429006', display: 'Consultation' },
  { system: 'snomed', code: '60621009', display: 'Body mass index' },
];
const [DIABETES, DEPRESSION, CANCER, STAGE, CONSULTATION, BMI] = [0, 1, 2, 3, 4, 5];
const rules = compileRules(codes, kinds, dayOf('2015-01-01'), dayOf('2025-12-31'));

interface Row {
  readonly date: string;
  readonly kind: EventKind;
  readonly code: number;
  readonly setting?: Setting;
  readonly organisation?: number;
  readonly value?: number;
}

/** A year of counted contacts: rows must be given as the reader sorts them (organisation, setting, year). */
interface Year {
  readonly year: number;
  readonly setting: Setting;
  readonly organisation: number;
  readonly first: string;
  readonly last: string;
}

function table(rows: readonly Row[], years: readonly Year[] = []): ChunkTables {
  const n = rows.length;
  const events = {
    length: n,
    person: new Int32Array(n),
    day: Int32Array.from(rows, (r) => dayOf(r.date)),
    kind: Int8Array.from(rows, (r) => EVENT_KINDS.indexOf(r.kind)),
    code: Int32Array.from(rows, (r) => r.code),
    value: Float64Array.from(rows, (r) => r.value ?? Number.NaN),
    setting: Int8Array.from(rows, (r) => (r.setting === undefined ? -1 : SETTINGS.indexOf(r.setting))),
    organisation: Int32Array.from(rows, (r) => r.organisation ?? -1),
    reason: new Int32Array(n).fill(-1),
  };
  const activity: ActivityTable = {
    length: years.length,
    person: new Int32Array(years.length),
    year: Int16Array.from(years, (y) => y.year),
    setting: Int8Array.from(years, (y) => SETTINGS.indexOf(y.setting)),
    organisation: Int32Array.from(years, (y) => y.organisation),
    contacts: new Int16Array(years.length).fill(1),
    first: Int32Array.from(years, (y) => dayOf(y.first)),
    last: Int32Array.from(years, (y) => dayOf(y.last)),
  };
  return { events, activity };
}

function person(tables: ChunkTables, overrides: Partial<PersonRecord> = {}): PersonRecord {
  return {
    key: 0,
    id: 'P000000000',
    nhsNumber: '9990000018',
    given: 'Ann',
    middle: undefined,
    family: 'Lee',
    sex: 'female',
    birthDay: dayOf('1950-01-01'),
    deathDay: undefined,
    causeOfDeath: undefined,
    ethnicCategory: 'A',
    addresses: [{ fromDay: dayOf('1950-01-01'), line: '1 High Street', town: 'Leeds', postcode: 'LS1 1AA' }],
    registrations: [{ practice: PRACTICE_A, fromDay: dayOf('1980-01-01'), toDay: Infinity }],
    firstEvent: 0,
    endEvent: tables.events.length,
    firstActivity: 0,
    endActivity: tables.activity.length,
    ...overrides,
  };
}

/** The events of a holding's items, as [event, encounter, stage] triples. */
const triples = (h: Holding | undefined) => {
  const items = h?.items ?? [];
  const out: number[][] = [];
  for (let i = 0; i < items.length; i += ITEM) out.push(items.slice(i, i + ITEM));
  return out;
};

describe('who holds what', () => {
  it('a practice holds the whole GP record up to the end of the registration, and only its own consultations', () => {
    const events = table(
      [
        { date: '2012-05-01', kind: 'condition', code: DIABETES, organisation: PRACTICE_A }, // 0: before the window
        {
          date: '2016-01-01',
          kind: 'encounter',
          code: CONSULTATION,
          setting: 'gp',
          organisation: PRACTICE_A,
        }, // 1
        { date: '2017-01-01', kind: 'observation', code: BMI, value: 31.2, organisation: PRACTICE_A }, // 2
        {
          date: '2019-01-01',
          kind: 'encounter',
          code: CONSULTATION,
          setting: 'gp',
          organisation: PRACTICE_B,
        }, // 3
        { date: '2020-01-01', kind: 'observation', code: BMI, value: 30.1, organisation: PRACTICE_B }, // 4
      ],
      // Consultations counted by year are not sent: they add nothing to either record.
      [
        { year: 2016, setting: 'gp', organisation: PRACTICE_A, first: '2016-02-01', last: '2016-11-01' },
        { year: 2017, setting: 'gp', organisation: PRACTICE_A, first: '2017-02-01', last: '2017-11-01' },
        { year: 2019, setting: 'gp', organisation: PRACTICE_B, first: '2019-02-01', last: '2019-11-01' },
      ],
    );
    const moved = person(events, {
      registrations: [
        { practice: PRACTICE_A, fromDay: dayOf('1980-01-01'), toDay: dayOf('2018-06-30') },
        { practice: PRACTICE_B, fromDay: dayOf('2018-07-01'), toDay: Infinity },
      ],
    });
    const [a, b, ...others] = holdingsOf(moved, events, rules);
    expect(others).toEqual([]);
    expect(a).toMatchObject({
      organisation: PRACTICE_A,
      asOf: dayOf('2018-06-30'),
      active: false,
      deceased: false,
    });
    expect(triples(a)).toEqual([
      [0, -1, -1],
      [1, -1, -1],
      [2, -1, -1],
    ]);
    // The record followed the patient: the diagnosis and the first BMI are in the new practice's record too.
    expect(b).toMatchObject({ organisation: PRACTICE_B, asOf: dayOf('2025-12-31'), active: true });
    expect(triples(b)).toEqual([
      [0, -1, -1],
      [2, -1, -1],
      [3, -1, -1],
      [4, -1, -1],
    ]);
  });

  it('knows of a death at the practice the patient was registered with, and at an acute trust', () => {
    const events = table(
      [
        {
          date: '2021-01-01',
          kind: 'encounter',
          code: CONSULTATION,
          setting: 'emergency-department',
          organisation: ACUTE,
        },
        { date: '2021-03-01', kind: 'death', code: CONSULTATION },
      ],
      [
        {
          year: 2021,
          setting: 'community',
          organisation: COMMUNITY,
          first: '2021-02-01',
          last: '2021-02-20',
        },
      ],
    );
    const holdings = holdingsOf(person(events, { deathDay: dayOf('2021-03-01') }), events, rules);
    expect(holdings.map((h) => [h.organisation, h.deceased, h.active])).toEqual([
      [PRACTICE_A, true, false],
      [ACUTE, true, true],
      [COMMUNITY, false, true],
    ]);
  });

  it('an acute trust codes every condition held at the first admission after its onset, with the stage, once', () => {
    const events = table([
      { date: '2016-01-01', kind: 'condition', code: DIABETES, organisation: PRACTICE_A }, // 0
      {
        date: '2017-01-01',
        kind: 'encounter',
        code: CONSULTATION,
        setting: 'emergency-department',
        organisation: ACUTE,
      }, // 1
      { date: '2018-01-01', kind: 'condition', code: CANCER, organisation: PRACTICE_A }, // 2
      { date: '2018-01-01', kind: 'stage', code: STAGE, value: 3, organisation: PRACTICE_A }, // 3
      {
        date: '2018-02-01',
        kind: 'encounter',
        code: CONSULTATION,
        setting: 'elective-admission',
        organisation: ACUTE,
      }, // 4
      {
        date: '2019-02-01',
        kind: 'encounter',
        code: CONSULTATION,
        setting: 'emergency-admission',
        organisation: ACUTE,
      }, // 5
    ]);
    const acute = holdingsOf(person(events), events, rules).find((h) => h.organisation === ACUTE);
    expect(triples(acute)).toEqual([
      [1, -1, -1], // A&E records no diagnosis
      [4, -1, -1],
      [0, 4, -1], // diabetes, at the elective admission
      [2, 4, 3], // cancer with its stage
      [5, -1, -1], // nothing recorded again
    ]);
    expect(acute?.asOf).toBe(dayOf('2019-02-01'));
    expect(itemDay(acute?.items ?? [], 2 * ITEM, events)).toBe(dayOf('2018-02-01'));
    // In general practice the stage goes with the diagnosis too.
    const practice = holdingsOf(person(events), events, rules)[0];
    expect(triples(practice)).toContainEqual([2, -1, 3]);
  });

  it('a mental health service codes mental health conditions with the first episode whose year ends after the onset', () => {
    const events = table(
      [
        { date: '2016-01-01', kind: 'condition', code: DIABETES, organisation: PRACTICE_A }, // 0
        { date: '2016-02-01', kind: 'condition', code: DEPRESSION, organisation: PRACTICE_A }, // 1
      ],
      [
        // Rows 0–2: one episode, 2015–2017; the onset falls after the last contact of 2016, so 2017 records it.
        {
          year: 2015,
          setting: 'mental-health',
          organisation: MENTAL_HEALTH,
          first: '2015-03-01',
          last: '2015-06-01',
        },
        {
          year: 2016,
          setting: 'mental-health',
          organisation: MENTAL_HEALTH,
          first: '2016-01-10',
          last: '2016-01-20',
        },
        {
          year: 2017,
          setting: 'mental-health',
          organisation: MENTAL_HEALTH,
          first: '2017-01-05',
          last: '2017-04-01',
        },
        // Row 3: a year apart, a second episode, which records nothing again.
        {
          year: 2019,
          setting: 'mental-health',
          organisation: MENTAL_HEALTH,
          first: '2019-05-01',
          last: '2019-05-01',
        },
        // Row 4: community services record no diagnoses.
        {
          year: 2017,
          setting: 'community',
          organisation: COMMUNITY,
          first: '2017-02-01',
          last: '2017-03-01',
        },
      ],
    );
    const holdings = holdingsOf(person(events), events, rules);
    const mentalHealth = holdings.find((h) => h.organisation === MENTAL_HEALTH);
    expect(triples(mentalHealth)).toEqual([
      [-1, 2, -1], // the episode of rows 0–2
      [1, episodeLink(0), -1], // depression, listed in it; diabetes is not a mental health condition
      [-4, 3, -1], // the episode of row 3
    ]);
    expect(recordingRow(events.activity, 0, dayOf('2016-02-01'))).toBe(2);
    expect(recordingRow(events.activity, 0, dayOf('2015-05-01'))).toBe(0);
    expect(mentalHealth?.asOf).toBe(dayOf('2019-05-01'));
    // The diagnosis goes with its episode: both are of the episode's first day.
    expect(itemDay(mentalHealth?.items ?? [], ITEM, events)).toBe(dayOf('2015-03-01'));
    expect(triples(holdings.find((h) => h.organisation === COMMUNITY))).toEqual([[-5, 4, -1]]);
    // Organisations by first contact: the mental health service's episode began first.
    expect(holdings.map((h) => h.organisation)).toEqual([PRACTICE_A, MENTAL_HEALTH, COMMUNITY]);
  });

  it('an episode is a run of consecutive years at one organisation in one setting, placed among the encounters by its first day', () => {
    const events = table(
      [
        {
          date: '2017-06-01',
          kind: 'encounter',
          code: CONSULTATION,
          setting: 'emergency-department',
          organisation: ACUTE,
        }, // 0
      ],
      [
        { year: 2016, setting: 'outpatient', organisation: ACUTE, first: '2016-04-01', last: '2016-09-01' }, // 0
        { year: 2017, setting: 'outpatient', organisation: ACUTE, first: '2017-07-01', last: '2017-07-01' }, // 1
        { year: 2019, setting: 'outpatient', organisation: ACUTE, first: '2019-01-01', last: '2019-12-01' }, // 2
        {
          year: 2016,
          setting: 'community',
          organisation: COMMUNITY,
          first: '2016-01-01',
          last: '2016-01-02',
        }, // 3
        {
          year: 2017,
          setting: 'community',
          organisation: COMMUNITY,
          first: '2017-01-01',
          last: '2017-01-02',
        }, // 4
        // Another organisation in the same setting the next year (a move): another episode.
        {
          year: 2018,
          setting: 'community',
          organisation: MENTAL_HEALTH,
          first: '2018-01-01',
          last: '2018-01-02',
        }, // 5
      ],
    );
    const holdings = holdingsOf(person(events), events, rules);
    expect(holdings.map((h) => h.organisation)).toEqual([PRACTICE_A, COMMUNITY, ACUTE, MENTAL_HEALTH]);
    const acute = holdings.find((h) => h.organisation === ACUTE);
    expect(triples(acute)).toEqual([
      [-1, 1, -1], // outpatients 2016–2017, begun before the A&E attendance
      [0, -1, -1],
      [-3, 2, -1], // outpatients 2019
    ]);
    expect(acute?.asOf).toBe(dayOf('2019-12-01'));
    expect(triples(holdings.find((h) => h.organisation === COMMUNITY))).toEqual([[-4, 4, -1]]);
    expect(triples(holdings.find((h) => h.organisation === MENTAL_HEALTH))).toEqual([[-6, 5, -1]]);
  });

  it('a registration that ended before the window, or began after a death, holds nothing', () => {
    const events = table([]);
    const holdings = holdingsOf(
      person(events, {
        deathDay: dayOf('2016-01-01'),
        registrations: [
          { practice: PRACTICE_A, fromDay: dayOf('1980-01-01'), toDay: dayOf('2010-01-01') },
          { practice: PRACTICE_B, fromDay: dayOf('2017-01-01'), toDay: Infinity },
        ],
      }),
      events,
      rules,
    );
    expect(holdings).toEqual([]);
  });
});
