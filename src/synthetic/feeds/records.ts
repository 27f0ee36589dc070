/**
 * @module synthetic/feeds/records
 * One organisation's record of one person, as FHIR lines: the Patient in the organisation's own numbering with the
 * faults planted in its copy of the person's details, and a resource for each item the organisation holds
 * (holdings.ts): an Encounter for a dated contact, an EpisodeOfCare for a run of years of counted contacts, a
 * Condition, Observation or Immunization for the rest. When the record draws a duplicate, the person gets a second
 * Patient at the organisation, with its own number and its own faults, holding the items of one day of contact (the
 * day the second record was made, when the first was not found: an encounter's, or an episode's first) with the
 * diagnoses recorded at them; the first record keeps the rest.
 *
 * Each record draws from its own random stream, keyed by the seed, the organisation and the person, so a record is
 * the same whatever else the feeds hold.
 */
import { ETHNIC_GROUPS, NOT_STATED, ethnicGroupInfo, isEthnicGroup } from '../people.js';
import { createRandom } from '../random.js';
import { yearOf } from '../life-course/days.js';
import { EVENT_KINDS, type EventKind } from '../life-course/events.js';
import { SETTINGS } from '../life-course/model.js';
import type { NameVariantIndex } from '../name-variants.js';
import type { FaultProfile, FaultRates, FaultTally } from './faults.js';
import {
  conditionJson,
  encounterJson,
  episodeOfCareJson,
  immunizationJson,
  observationJson,
  patientJson,
  type Coding,
  type Json,
} from './fhir.js';
import type { GroundTruthRow } from './ground-truth.js';
import {
  episodeFirst,
  isEpisode,
  ITEM,
  itemDay,
  linkedEpisode,
  recordingRow,
  type Holding,
} from './holdings.js';
import { localEpisodeIdSystem, localIdSystem, type LocalIds } from './local-ids.js';
import type { FeedOrganisation } from './organisations.js';
import { plantFaults, type Details, type Planted } from './plant.js';
import type { ChunkTables, PersonRecord } from './truth-chunks.js';

/** The resource types of the feeds: the organisation itself, then a person's record. */
export const RESOURCE_TYPES = [
  'Organization',
  'Patient',
  'Encounter',
  'EpisodeOfCare',
  'Condition',
  'Observation',
  'Immunization',
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];
const LINE = Object.fromEntries(RESOURCE_TYPES.map((type, i) => [type, i])) as Record<ResourceType, number>;

/** Where the lines go: `type` indexes RESOURCE_TYPES. */
export interface LineSink {
  line(type: number, text: string): void;
}

/** A record, planned: its number, its place in the organisation's listing, its details and what it holds. */
export interface RecordPlan {
  readonly id: string;
  readonly rank: number;
  readonly person: PersonRecord;
  readonly holding: Holding;
  readonly details: Details;
  /** The items it holds (triples, as Holding.items). */
  readonly items: readonly number[];
  readonly truth: GroundTruthRow;
}

export interface RecordContext {
  readonly seed: number;
  readonly organisations: readonly FeedOrganisation[];
  readonly profile: FaultProfile;
  readonly names: NameVariantIndex;
  /** Codings of the truth's codes by index, with FHIR system URIs, and the same serialised. */
  readonly codings: readonly Coding[];
  readonly codeJson: readonly Json[];
  /** The SNOMED CT type of each setting's episodes of care (by SETTINGS index), serialised. */
  readonly settingTypes: readonly Json[];
  /** The last day of the window: an episode reaching its year, of a person alive then, is still active. */
  readonly windowEnd: number;
  localIds(organisation: number): LocalIds;
  readonly tally: FaultTally;
}

const KIND = Object.fromEntries(EVENT_KINDS.map((kind, i) => [kind, i])) as Record<EventKind, number>;

/** Days of the dates kept (from 1 January 1800, day −62,091): an array lookup, not a Map's, for millions of dates. */
const ISO_FROM = -62_091;
const ISO_DAYS = 150_000;
const ISO = new Array<string | undefined>(ISO_DAYS).fill(undefined);
/** YYYY-MM-DD of a day number (days since 1970-01-01). */
export function isoDate(day: number): string {
  const at = day - ISO_FROM;
  let text = at >= 0 && at < ISO_DAYS ? ISO[at] : undefined;
  if (text === undefined) {
    text = new Date(day * 86_400_000).toISOString().slice(0, 10);
    if (at >= 0 && at < ISO_DAYS) ISO[at] = text;
  }
  return text;
}

const ETHNIC_NAMES = new Map<string, string>([
  ...ETHNIC_GROUPS.map((g) => [g.nhsCode, g.nhsName] as [string, string]).reverse(),
  [NOT_STATED.nhsCode, NOT_STATED.nhsName],
]);

/** The NHS ethnic category of the truth's value: a letter, or (from an older truth) a Census group id. */
function ethnicCategory(value: string | undefined): { code: string; display?: string } | undefined {
  if (value === undefined || value === '') return undefined;
  const code = isEthnicGroup(value) ? ethnicGroupInfo(value).nhsCode : value;
  return { code, display: ETHNIC_NAMES.get(code) };
}

/** The index of the address the person lived at on `day` (the first, before any), or −1 without addresses. */
export function addressOn(person: PersonRecord, day: number): number {
  let index = person.addresses.length > 0 ? 0 : -1;
  person.addresses.forEach((address, i) => {
    if (address.fromDay <= day) index = i;
  });
  return index;
}

/** The practice the person was registered with on `day`, if any. */
export function practiceOn(person: PersonRecord, day: number): number | undefined {
  return person.registrations.findLast((r) => r.fromDay <= day && r.toDay >= day)?.practice;
}

/** The rates of a second record: it never draws a third. */
const secondRates = new WeakMap<FaultRates, FaultRates>();
function withoutDuplicate(rates: FaultRates): FaultRates {
  let without = secondRates.get(rates);
  if (without === undefined) {
    without = { ...rates, duplicateRecord: 0 };
    secondRates.set(rates, without);
  }
  return without;
}

/** Counts a record's faults; a second record's (never) drawing a duplicate is not counted. */
function tallyFaults(tally: FaultTally[keyof FaultTally], planted: Planted, duplicate: boolean): void {
  for (const fault of planted.eligible)
    if (!duplicate || fault !== 'duplicateRecord') tally[fault].eligible++;
  for (const fault of planted.faults) if (!duplicate || fault !== 'duplicateRecord') tally[fault].applied++;
}

/** An organisation's identifier systems, made once (each record names them). */
const systems = new Map<string, { readonly patients: string; readonly episodes: string }>();
function systemsOf(organisation: string): { readonly patients: string; readonly episodes: string } {
  let made = systems.get(organisation);
  if (made === undefined) {
    made = { patients: localIdSystem(organisation), episodes: localEpisodeIdSystem(organisation) };
    systems.set(organisation, made);
  }
  return made;
}

/** The record (and, when drawn, the second record) of `person` at the organisation of `holding`. */
export function planRecords(
  person: PersonRecord,
  holding: Holding,
  tables: ChunkTables,
  context: RecordContext,
): RecordPlan[] {
  const organisation = context.organisations[holding.organisation] as FeedOrganisation;
  const rates = context.profile[organisation.kind];
  const tally = context.tally[organisation.kind];
  const details: Details = {
    nhsNumber: person.nhsNumber,
    given: person.given,
    middle: person.middle,
    family: person.family,
    birthDate: isoDate(person.birthDay),
    address: addressOn(person, holding.asOf),
  };
  const stream = `feeds/${organisation.key}/${person.id}`;
  const random = createRandom(context.seed, stream);
  const first = plantFaults(details, rates, random, context.names);
  tallyFaults(tally, first, false);
  const ids = context.localIds(holding.organisation);
  const plan = (planted: Planted, duplicate: boolean, items: readonly number[]): RecordPlan => {
    const id = ids.of(person.key, duplicate);
    return {
      id,
      rank: ids.rank(person.key, duplicate),
      person,
      holding,
      details: planted.details,
      items,
      truth: { organisation: organisation.key, id, personId: person.id, duplicate, faults: planted.faults },
    };
  };
  if (!first.faults.includes('duplicateRecord')) return [plan(first, false, holding.items)];

  const secondRandom = createRandom(context.seed, `${stream}/duplicate`);
  const second = plantFaults(details, withoutDuplicate(rates), secondRandom, context.names);
  tallyFaults(tally, second, true);
  // The second record holds the items of one day of contact, drawn among the items; the first keeps the rest.
  const all = holding.items;
  const items = all.length / ITEM;
  const split = items === 0 ? undefined : itemDay(all, random.int(items) * ITEM, tables);
  const kept: number[] = [];
  const moved: number[] = [];
  for (let i = 0; i < all.length; i += ITEM) {
    (itemDay(all, i, tables) === split ? moved : kept).push(
      all[i] as number,
      all[i + 1] as number,
      all[i + 2] as number,
    );
  }
  return [plan(first, false, kept), plan(second, true, moved)];
}

/** Writes a planned record's lines: its Patient, then a resource for each item. */
export function writeRecord(
  plan: RecordPlan,
  tables: ChunkTables,
  context: RecordContext,
  out: LineSink,
): void {
  const { events, activity } = tables;
  const { person, holding, details, id, items } = plan;
  const organisation = context.organisations[holding.organisation] as FeedOrganisation;
  const address = person.addresses[details.address];
  const practice = organisation.kind === 'gp' ? holding.organisation : practiceOn(person, holding.asOf);
  const gp = practice === undefined ? undefined : context.organisations[practice];
  out.line(
    LINE.Patient,
    patientJson({
      id,
      organisation: organisation.key,
      localIdSystem: systemsOf(organisation.key).patients,
      nhsNumber: details.nhsNumber,
      family: details.family,
      given: details.middle === undefined ? [details.given] : [details.given, details.middle],
      gender: person.sex,
      birthDate: details.birthDate,
      deceasedDate: holding.deceased && person.deathDay !== undefined ? isoDate(person.deathDay) : undefined,
      active: holding.active,
      address:
        address === undefined
          ? undefined
          : { line: address.line, city: address.town, postalCode: address.postcode },
      ethnicCategory: ethnicCategory(person.ethnicCategory),
      generalPractitioner: gp === undefined ? undefined : (gp.odsCode ?? gp.key),
    }),
  );
  // A resource's id is the record's number and the item's place in the record. An episode lists the Conditions
  // diagnosed in it, which follow it among the items: their ids are gathered first.
  const resourceId = (i: number) => `${id}-${i / ITEM + 1}`;
  let diagnosed: Map<number, string[]> | undefined;
  for (let i = 0; i < items.length; i += ITEM) {
    const at = items[i + 1] as number;
    if (isEpisode(items, i) || at >= -1) continue;
    diagnosed ??= new Map();
    const first = linkedEpisode(at);
    const list = diagnosed.get(first) ?? [];
    list.push(resourceId(i));
    diagnosed.set(first, list);
  }
  const alive = person.deathDay === undefined || person.deathDay > context.windowEnd;
  const lastYear = yearOf(context.windowEnd);
  const encounters = new Map<number, string>();
  for (let i = 0; i < items.length; i += ITEM) {
    const resource = resourceId(i);
    if (isEpisode(items, i)) {
      const first = episodeFirst(items, i);
      const last = items[i + 1] as number;
      const active = alive && activity.year[last] === lastYear;
      out.line(
        LINE.EpisodeOfCare,
        episodeOfCareJson({
          id: resource,
          identifierSystem: systemsOf(organisation.key).episodes,
          patientId: id,
          organisation: organisation.key,
          type: context.settingTypes[activity.setting[first] as number] as Json,
          start: isoDate(activity.first[first] as number),
          end: active ? undefined : isoDate(activity.last[last] as number),
          active,
          diagnoses: diagnosed?.get(first) ?? [],
        }),
      );
      continue;
    }
    const e = items[i] as number;
    const at = items[i + 1] as number;
    const stage = items[i + 2] as number;
    const code = events.code[e] as number;
    switch (events.kind[e] as number) {
      case KIND.encounter: {
        const reason = events.reason[e] as number;
        encounters.set(e, resource);
        out.line(
          LINE.Encounter,
          encounterJson({
            id: resource,
            patientId: id,
            organisation: organisation.key,
            setting: SETTINGS[events.setting[e] as number] ?? 'gp',
            type: context.codeJson[code] as Json,
            date: isoDate(events.day[e] as number),
            reason: reason < 0 ? undefined : context.codeJson[reason],
          }),
        );
        break;
      }
      case KIND.condition: {
        const onset = events.day[e] as number;
        // At an encounter, on its day; in an episode, at the onset or the first contact of the year it was
        // recorded in, whichever is later; in general practice, at the onset.
        let recorded = onset;
        if (at >= 0) recorded = events.day[at] as number;
        else if (at < -1)
          recorded = Math.max(
            onset,
            activity.first[recordingRow(activity, linkedEpisode(at), onset)] as number,
          );
        out.line(
          LINE.Condition,
          conditionJson({
            id: resource,
            patientId: id,
            code: context.codeJson[code] as Json,
            // A diagnosis a mental health service holds over an episode is on its problem list, not an encounter's.
            category: at >= 0 ? 'encounter-diagnosis' : 'problem-list-item',
            onsetDate: at === -1 ? isoDate(onset) : undefined,
            recordedDate: isoDate(recorded),
            encounterId: at >= 0 ? encounters.get(at) : undefined,
            stage: stage < 0 ? undefined : context.codeJson[events.code[stage] as number],
          }),
        );
        break;
      }
      case KIND.observation:
      case KIND.carer: {
        const value = events.value[e] as number;
        out.line(
          LINE.Observation,
          observationJson({
            id: resource,
            patientId: id,
            date: isoDate(events.day[e] as number),
            code: context.codings[code] as Coding,
            codeJson: context.codeJson[code] as Json,
            value: Number.isNaN(value) ? undefined : value,
          }),
        );
        break;
      }
      case KIND.immunisation:
        out.line(
          LINE.Immunization,
          immunizationJson({
            id: resource,
            patientId: id,
            date: isoDate(events.day[e] as number),
            vaccine: context.codeJson[code] as Json,
          }),
        );
        break;
      default: // stages go with their diagnosis; deaths are not items
        break;
    }
  }
}
