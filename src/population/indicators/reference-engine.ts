/**
 * @module population/indicators/reference-engine
 * The slow, obviously correct engine: the definition applied person by person, in memory, with loops that read as
 * the language's documentation does. It exists to be trusted, not to be fast: the SQL engine is checked against it
 * on generated populations and definitions (engines.test.ts), so the fast engine inherits its meaning.
 */
import { ageBandOf, ageOn, ethnicGroupOf, periodOf, sortCells, windowStart, type CubeCell } from './cube.js';
import type { CodeList, Criterion, EventCriterion, Indicator } from './definition.js';

export interface PersonRow {
  readonly person: string;
  readonly sex: string | null;
  readonly birth_year: number | null;
  readonly birth_month: number | null;
  readonly death_date: string | null;
  readonly ethnic_category: string | null;
  readonly place: string | null;
  readonly imd_quintile: number | null;
  readonly registered: boolean;
}

export interface EventRow {
  readonly person: string;
  readonly kind: string;
  readonly date: string;
  readonly code_system: string | null;
  readonly code: string | null;
  readonly value: number | null;
  readonly value_code: string | null;
  readonly reason_code: string | null;
  readonly setting: string | null;
}

interface Context {
  readonly year: number;
  /** The population's reference date: ages and survival are taken on it. */
  readonly on: string;
  readonly person: PersonRow;
  readonly events: readonly EventRow[];
  readonly codeLists: Readonly<Record<string, CodeList>>;
}

const inList = (
  lists: Readonly<Record<string, CodeList>>,
  id: string,
  system: string | null,
  code: string | null,
) => {
  const list = lists[id];
  return list !== undefined && system === list.system && code !== null && list.codes.includes(code);
};
const inCodes = (lists: Readonly<Record<string, CodeList>>, id: string, code: string | null) =>
  code !== null && (lists[id]?.codes.includes(code) ?? false);

/** Events of the criterion's kind and code list in its window: what `latest` picks from and `any` searches. */
function candidates(criterion: EventCriterion, context: Context): EventRow[] {
  const { end } = periodOf(context.year);
  const from = windowStart(criterion.within, context.year);
  return context.events.filter(
    (event) =>
      event.kind === criterion.kind &&
      (criterion.codes === undefined ||
        inList(context.codeLists, criterion.codes, event.code_system, event.code)) &&
      event.date <= end &&
      (from === undefined || event.date >= from),
  );
}

function passesFilters(criterion: EventCriterion, event: EventRow, context: Context): boolean {
  const { value, valueCodes, reasonCodes, setting } = criterion;
  if (value !== undefined) {
    if (event.value === null) return false;
    if (value.min !== undefined && event.value < value.min) return false;
    if (value.max !== undefined && event.value > value.max) return false;
  }
  if (valueCodes !== undefined && !inCodes(context.codeLists, valueCodes, event.value_code)) return false;
  if (reasonCodes !== undefined && !inCodes(context.codeLists, reasonCodes, event.reason_code)) return false;
  if (setting !== undefined && (event.setting === null || !setting.includes(event.setting))) return false;
  return true;
}

/** The events that satisfy an event criterion (for `latest`: those on the latest date that pass its filters). */
export function matchingEvents(criterion: EventCriterion, context: Context): EventRow[] {
  const found = candidates(criterion, context);
  if (criterion.latest) {
    const latest = found.reduce<string | undefined>(
      (max, e) => (max === undefined || e.date > max ? e.date : max),
      undefined,
    );
    return found.filter((event) => event.date === latest && passesFilters(criterion, event, context));
  }
  return found.filter((event) => passesFilters(criterion, event, context));
}

function holds(criterion: Criterion, context: Context): boolean {
  const { person } = context;
  if ('event' in criterion) return matchingEvents(criterion.event, context).length > 0;
  if ('died' in criterion) {
    const { start, end } = periodOf(context.year);
    return person.death_date !== null && person.death_date >= start && person.death_date <= end;
  }
  if ('age' in criterion) {
    if (person.birth_year === null || person.birth_month === null) return false;
    const age = ageOn(context.on, person.birth_year, person.birth_month);
    return (
      (criterion.age.min === undefined || age >= criterion.age.min) &&
      (criterion.age.max === undefined || age <= criterion.age.max)
    );
  }
  if ('sex' in criterion) return person.sex === criterion.sex;
  if ('allOf' in criterion) return criterion.allOf.every((c) => holds(c, context));
  if ('anyOf' in criterion) return criterion.anyOf.some((c) => holds(c, context));
  return !holds(criterion.not, context);
}

/** The indicator's cube, person by person. */
export function referenceCube(
  indicator: Indicator,
  persons: readonly PersonRow[],
  events: readonly EventRow[],
  codeLists: Readonly<Record<string, CodeList>>,
): CubeCell[] {
  const eventsOf = new Map<string, EventRow[]>();
  for (const event of events) {
    const list = eventsOf.get(event.person);
    if (list === undefined) eventsOf.set(event.person, [event]);
    else list.push(event);
  }
  const cells = new Map<
    string,
    { cell: Omit<CubeCell, 'numerator' | 'denominator'>; n: number; d: number }
  >();
  for (let year = indicator.years.from; year <= indicator.years.to; year++) {
    const period = periodOf(year);
    const on = indicator.population.at === 'start' ? period.start : period.end;
    for (const person of persons) {
      if (indicator.population.registered && !person.registered) continue;
      if (person.birth_year === null || person.birth_month === null) continue;
      const age = ageOn(on, person.birth_year, person.birth_month);
      if (age < 0) continue; // not yet born on the reference date
      if (person.death_date !== null && person.death_date < on) continue; // died before it
      const context: Context = { year, on, person, events: eventsOf.get(person.person) ?? [], codeLists };
      if (indicator.population.where !== undefined && !holds(indicator.population.where, context)) continue;
      const counted = indicator.numerator;
      const numerator =
        counted.count === 'events' && 'event' in counted.where
          ? matchingEvents(counted.where.event, context).length
          : holds(counted.where, context)
            ? 1
            : 0;
      const cell = {
        year,
        place: person.place,
        imdQuintile: person.imd_quintile,
        sex: person.sex ?? 'unknown',
        ageBand: ageBandOf(age),
        ethnicGroup: ethnicGroupOf(person.ethnic_category),
      };
      const key = JSON.stringify(cell);
      const entry = cells.get(key) ?? { cell, n: 0, d: 0 };
      entry.n += numerator;
      entry.d += 1;
      cells.set(key, entry);
    }
  }
  return sortCells([...cells.values()].map(({ cell, n, d }) => ({ ...cell, numerator: n, denominator: d })));
}
