import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyticStore } from '../store/analytic-store.js';
import { windowStart } from './cube.js';
import {
  EVENT_KINDS,
  parseIndicator,
  type CodeList,
  type Criterion,
  type EventCriterion,
  type Indicator,
  type Window,
} from './definition.js';
import { referenceCube, type EventRow, type PersonRow } from './reference-engine.js';
import { cellsOfRows, cubeSql, demographyTableSql, type CubeRow } from './sql-engine.js';

const CODE_LISTS: Record<string, CodeList> = {
  a: { title: 'a', system: 'snomed', codes: ['1', '2'], source: 'test' },
  b: { title: 'b', system: 'snomed', codes: ['3'], source: 'test' },
  c: { title: 'c', system: 'loinc', codes: ['1', '4'], source: 'test' },
  v: { title: 'v', system: 'snomed', codes: ['x', 'y'], source: 'test' },
};

/** Any day, or often one on an edge: a period's first or last day, or the first day of some window. */
const edges = [2016, 2017, 2018, 2019, 2020].flatMap((y) => [
  `${y}-01-01`,
  `${y}-10-01`,
  `${y}-12-01`,
  `${y}-12-31`,
]);
const day = fc.oneof(
  {
    weight: 1,
    arbitrary: fc
      .date({
        min: new Date('2012-01-01T00:00:00Z'),
        max: new Date('2022-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10)),
  },
  { weight: 3, arbitrary: fc.constantFrom(...edges) },
);
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null });

const personIds = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9', 'p10', 'p11', 'p12'];
const personArb = (id: string): fc.Arbitrary<PersonRow> =>
  fc.record({
    person: fc.constant(id),
    sex: maybe(fc.constantFrom('female', 'male', 'unknown')),
    birth_year: maybe(fc.integer({ min: 1925, max: 2021 })),
    birth_month: fc.integer({ min: 1, max: 12 }),
    death_date: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: day }),
    ethnic_category: maybe(fc.constantFrom('A', 'H', 'M', 'Z')),
    place: maybe(fc.constantFrom('leeds', 'wakefield')),
    imd_quintile: maybe(fc.integer({ min: 1, max: 5 })),
    registered: fc.oneof(
      { weight: 3, arbitrary: fc.constant(true) },
      { weight: 1, arbitrary: fc.constant(false) },
    ),
  });
const eventArb: fc.Arbitrary<EventRow> = fc.record({
  person: fc.constantFrom(...personIds),
  kind: fc.constantFrom(...EVENT_KINDS.slice(0, 3)),
  date: day,
  code_system: fc.constantFrom('snomed', 'snomed', 'loinc'),
  code: maybe(fc.constantFrom('1', '2', '3', '4')),
  value: maybe(fc.integer({ min: 10, max: 40 })),
  value_code: maybe(fc.constantFrom('x', 'y', 'z')),
  reason_code: maybe(fc.constantFrom('x', 'z')),
  setting: maybe(fc.constantFrom('IMP', 'EMER')),
});

const windowArb = fc.oneof(
  fc.constant('ever' as const),
  fc.constant('period' as const),
  fc.record({ monthsBefore: fc.constantFrom(1, 12, 15, 27) }),
);
/** Mostly absent: a criterion with every filter set would almost never hold, and the engines would agree on zeros. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
const eventCriterionArb = fc
  .record({
    kind: fc.constantFrom(...EVENT_KINDS.slice(0, 2)),
    codes: fc.oneof(
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 3, arbitrary: fc.constantFrom('a', 'b', 'c') },
    ),
    within: windowArb,
    latest: fc.boolean(),
    value: rarely(fc.record({ min: fc.integer({ min: 10, max: 25 }) })),
    valueCodes: rarely(fc.constant('v')),
    reasonCodes: rarely(fc.constant('v')),
    setting: rarely(fc.constant(['IMP'])),
  })
  .map(
    (criterion) =>
      Object.fromEntries(
        Object.entries(criterion).filter(([, value]) => value !== undefined),
      ) as unknown as EventCriterion, // absent filters dropped, not set to undefined
  );
const criterionArb: fc.Arbitrary<Criterion> = fc.letrec<{ criterion: Criterion }>((tie) => ({
  criterion: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    eventCriterionArb.map((event) => ({ event })),
    fc.constant({ died: { within: 'period' as const } }),
    fc
      .record(
        { min: fc.integer({ min: 0, max: 60 }), max: fc.integer({ min: 61, max: 100 }) },
        { requiredKeys: ['min'] },
      )
      .map((age) => ({ age })),
    fc.constantFrom('female' as const, 'male' as const).map((sex) => ({ sex })),
    fc.array(tie('criterion'), { minLength: 1, maxLength: 3 }).map((allOf) => ({ allOf })),
    fc.array(tie('criterion'), { minLength: 1, maxLength: 3 }).map((anyOf) => ({ anyOf })),
    tie('criterion').map((not) => ({ not })),
  ),
})).criterion;

const indicatorArb: fc.Arbitrary<Indicator> = fc
  .record({
    registered: fc.boolean(),
    at: fc.constantFrom('start' as const, 'end' as const),
    where: rarely(criterionArb),
    numerator: fc.oneof(
      criterionArb.map((where) => ({ count: 'persons' as const, where })),
      eventCriterionArb.map((event) => ({
        count: 'events' as const,
        where: { event: { ...event, within: 'period' as const, latest: false } },
      })),
    ),
  })
  .map(({ registered, at, where, numerator }) => {
    const parsed = parseIndicator(
      {
        id: 'generated',
        title: 'Generated',
        description: 'A generated indicator.',
        rationale: 'To compare the engines.',
        source: 'engines.test.ts',
        priority: ['test'],
        measure: numerator.count === 'events' ? 'crude-rate' : 'proportion',
        per: 100,
        polarity: 'no-judgement',
        years: { from: 2018, to: 2020 },
        population: {
          registered,
          // Deaths and events in the period are counted among those alive at its start (definition.ts).
          at:
            numerator.count === 'events' || JSON.stringify(numerator.where).includes('"died"') ? 'start' : at,
          ...(where === undefined ? {} : { where }),
        },
        numerator,
      },
      'generated',
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
    return parsed.value;
  });

let store: AnalyticStore;
beforeAll(async () => {
  const opened = await AnalyticStore.open(':memory:', 'test');
  if (!opened.ok) throw new Error(opened.error);
  store = opened.value;
});
afterAll(() => store.close());

const sqlValue = (value: string | number | boolean | null) =>
  value === null ? 'NULL' : typeof value === 'string' ? `'${value.replaceAll("'", "''")}'` : String(value);

async function load(persons: readonly PersonRow[], events: readonly EventRow[]): Promise<void> {
  await store.connection.run('DELETE FROM person; DELETE FROM event;');
  for (const p of persons) {
    await store.connection.run(
      `INSERT INTO person (person, sex, birth_year, birth_month, death_date, ethnic_category, place, imd_quintile, registered)
       VALUES (${[p.person, p.sex, p.birth_year, p.birth_month, p.death_date, p.ethnic_category, p.place, p.imd_quintile, p.registered].map(sqlValue).join(', ')})`,
    );
  }
  for (const e of events) {
    await store.connection.run(
      `INSERT INTO event (person, kind, date, code_system, code, value, value_code, reason_code, setting, organisation)
       VALUES (${[e.person, e.kind, e.date, e.code_system, e.code, e.value, e.value_code, e.reason_code, e.setting, 'org'].map(sqlValue).join(', ')})`,
    );
  }
}

describe('the SQL engine', () => {
  it('gives the reference engine’s cube for generated populations and definitions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(...personIds.map(personArb)),
        fc.array(eventArb, { maxLength: 100 }),
        indicatorArb,
        fc.boolean(),
        async (persons, events, indicator, shared) => {
          await load(persons, events);
          // Half the runs read the demography table a catalogue run shares, made for more years than the
          // indicator's; the others the statement's own demography CTE.
          if (shared) {
            await store.connection.run('DROP TABLE IF EXISTS demography_test');
            await store.connection.run(demographyTableSql('demography_test', [2017, 2018, 2019, 2020, 2021]));
          }
          const rows = await store.rows<CubeRow & Record<string, unknown>>(
            cubeSql(indicator, CODE_LISTS, shared ? 'demography_test' : undefined),
          );
          expect(cellsOfRows(rows)).toEqual(referenceCube(indicator, persons, events, CODE_LISTS));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('tests only the latest event when asked: an ex-smoker who once smoked is not a smoker', async () => {
    const person = (id: string): PersonRow => ({
      person: id,
      sex: 'female',
      birth_year: 1970,
      birth_month: 6,
      death_date: null,
      ethnic_category: 'A',
      place: 'leeds',
      imd_quintile: 1,
      registered: true,
    });
    const status = (id: string, date: string, valueCode: string): EventRow => ({
      person: id,
      kind: 'observation',
      date,
      code_system: 'loinc',
      code: '4',
      value: null,
      value_code: valueCode,
      reason_code: null,
      setting: null,
    });
    const persons = [person('quit'), person('smokes')];
    const events = [
      status('quit', '2019-03-01', 'x'),
      status('quit', '2020-03-01', 'z'),
      status('smokes', '2019-03-01', 'z'),
      status('smokes', '2020-05-01', 'y'),
    ];
    const parsed = parseIndicator(
      {
        id: 'smoking',
        title: 'Smoking',
        description: 'x',
        rationale: 'x',
        source: 'x',
        priority: ['x'],
        measure: 'proportion',
        per: 100,
        polarity: 'low-is-good',
        years: { from: 2020, to: 2020 },
        population: {},
        numerator: {
          where: {
            event: {
              kind: 'observation',
              codes: 'c',
              within: { monthsBefore: 24 },
              latest: true,
              valueCodes: 'v',
            },
          },
        },
      },
      'smoking',
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
    await load(persons, events);
    const sql = cellsOfRows(
      await store.rows<CubeRow & Record<string, unknown>>(cubeSql(parsed.value, CODE_LISTS)),
    );
    const reference = referenceCube(parsed.value, persons, events, CODE_LISTS);
    expect(sql).toEqual(reference);
    expect(reference.map((cell) => [cell.numerator, cell.denominator])).toEqual([[1, 2]]);
  });

  it('counts an event on the first and last day of every window, and not one a day outside it', async () => {
    const persons: PersonRow[] = [
      {
        person: 'p1',
        sex: 'male',
        birth_year: 1950,
        birth_month: 1,
        death_date: null,
        ethnic_category: null,
        place: null,
        imd_quintile: null,
        registered: true,
      },
    ];
    const event = (date: string): EventRow => ({
      person: 'p1',
      kind: 'condition',
      date,
      code_system: 'snomed',
      code: '1',
      value: null,
      value_code: null,
      reason_code: null,
      setting: null,
    });
    const dayBefore = (iso: string) =>
      new Date(Date.parse(`${iso}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const windows: Window[] = [
      'ever',
      'period',
      ...[3, 12, 15, 24, 27, 60].map((monthsBefore) => ({ monthsBefore })),
    ];
    for (const [within, latest] of windows.flatMap((w) => [[w, false] as const, [w, true] as const])) {
      const start = windowStart(within, 2020);
      const parsed = parseIndicator(
        {
          id: 'edge',
          title: 'Edge',
          description: 'x',
          rationale: 'x',
          source: 'x',
          priority: ['x'],
          measure: 'proportion',
          per: 100,
          polarity: 'no-judgement',
          years: { from: 2020, to: 2020 },
          population: {},
          numerator: { where: { event: { kind: 'condition', codes: 'a', within, latest } } },
        },
        'edge',
      );
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
      const days: [string, number][] = [
        ['2020-12-31', 1],
        ['2021-01-01', 0],
        ...(start === undefined
          ? []
          : ([
              [start, 1],
              [dayBefore(start), 0],
            ] as [string, number][])),
      ];
      for (const [day, expected] of days) {
        await load(persons, [event(day)]);
        const sql = cellsOfRows(
          await store.rows<CubeRow & Record<string, unknown>>(cubeSql(parsed.value, CODE_LISTS)),
        );
        expect(sql).toEqual(referenceCube(parsed.value, persons, [event(day)], CODE_LISTS));
        expect(sql.map((cell) => cell.numerator)).toEqual([expected]);
      }
    }
  });

  it('reads a monthsBefore window as the months up to the period end', () => {
    expect(windowStart({ monthsBefore: 12 }, 2020)).toBe('2020-01-01');
    expect(windowStart({ monthsBefore: 15 }, 2020)).toBe('2019-10-01');
    expect(windowStart({ monthsBefore: 1 }, 2020)).toBe('2020-12-01');
    expect(windowStart({ monthsBefore: 24 }, 2020)).toBe('2019-01-01');
  });
});

describe('an indicator definition', () => {
  it('is refused with the field named when it is malformed', () => {
    const parsed = parseIndicator(
      {
        id: 'Bad Id',
        title: 'x',
        description: 'x',
        rationale: 'x',
        source: 'x',
        priority: ['x'],
        measure: 'proportion',
        per: 7,
        polarity: 'no-judgement',
        years: { from: 2020, to: 2019 },
        population: {},
        numerator: { count: 'events', where: { event: { kind: 'condition', within: 'ever' } } },
      },
      'indicators/bad.yaml',
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const messages = parsed.error.map((issue) => issue.message);
    expect(messages).toContain('id: must be lower-case letters, digits and hyphens');
    expect(messages.some((m) => m.startsWith('per: '))).toBe(true);
    expect(parsed.error.every((issue) => issue.file === 'indicators/bad.yaml')).toBe(true);
  });
});
