import { describe, expect, it } from 'vitest';
import { dayOf } from '../life-course/days.js';
import { EVENT_KINDS, type EventKind } from '../life-course/events.js';
import { SETTINGS, type Setting } from '../life-course/model.js';
import { compileRules, holdingsOf, ITEM, itemDay, type Holding } from './holdings.js';
import type { CodeEntry, EventTable, PersonRecord } from './truth-chunks.js';

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

function table(rows: readonly Row[]): EventTable {
  const n = rows.length;
  const t = {
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
  return t;
}

function person(events: EventTable, overrides: Partial<PersonRecord> = {}): PersonRecord {
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
    ethnicCategory: 'A',
    addresses: [{ fromDay: dayOf('1950-01-01'), line: '1 High Street', town: 'Leeds', postcode: 'LS1 1AA' }],
    registrations: [{ practice: PRACTICE_A, fromDay: dayOf('1980-01-01'), toDay: Infinity }],
    firstEvent: 0,
    endEvent: events.length,
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
    const events = table([
      { date: '2012-05-01', kind: 'condition', code: DIABETES, organisation: PRACTICE_A }, // 0: before the window
      { date: '2016-01-01', kind: 'encounter', code: CONSULTATION, setting: 'gp', organisation: PRACTICE_A }, // 1
      { date: '2017-01-01', kind: 'observation', code: BMI, value: 31.2, organisation: PRACTICE_A }, // 2
      { date: '2019-01-01', kind: 'encounter', code: CONSULTATION, setting: 'gp', organisation: PRACTICE_B }, // 3
      { date: '2020-01-01', kind: 'observation', code: BMI, value: 30.1, organisation: PRACTICE_B }, // 4
    ]);
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
    const events = table([
      {
        date: '2021-01-01',
        kind: 'encounter',
        code: CONSULTATION,
        setting: 'emergency-department',
        organisation: ACUTE,
      },
      {
        date: '2021-02-01',
        kind: 'encounter',
        code: CONSULTATION,
        setting: 'community',
        organisation: COMMUNITY,
      },
      { date: '2021-03-01', kind: 'death', code: CONSULTATION },
    ]);
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

  it('a mental health service codes mental health conditions only; community services none', () => {
    const events = table([
      { date: '2016-01-01', kind: 'condition', code: DIABETES, organisation: PRACTICE_A },
      { date: '2016-02-01', kind: 'condition', code: DEPRESSION, organisation: PRACTICE_A },
      {
        date: '2017-01-01',
        kind: 'encounter',
        code: CONSULTATION,
        setting: 'mental-health',
        organisation: MENTAL_HEALTH,
      },
      {
        date: '2017-02-01',
        kind: 'encounter',
        code: CONSULTATION,
        setting: 'community',
        organisation: COMMUNITY,
      },
    ]);
    const holdings = holdingsOf(person(events), events, rules);
    expect(triples(holdings.find((h) => h.organisation === MENTAL_HEALTH))).toEqual([
      [2, -1, -1],
      [1, 2, -1],
    ]);
    expect(triples(holdings.find((h) => h.organisation === COMMUNITY))).toEqual([[3, -1, -1]]);
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
