/**
 * @module synthetic/life-course/events
 * The simulator's output buffers. Tens of millions of events cannot be JavaScript objects, so they are columns of
 * typed arrays (one row an event) that grow by doubling, with codes and organisations as indexes into fixed
 * dictionaries. The writer turns the columns into Parquet; the dictionaries become lookup tables beside them.
 */
import type { Coding } from './model.js';

export const EVENT_KINDS = [
  'condition', // a diagnosis recorded (onset)
  'stage', // cancer stage at diagnosis
  'observation', // a measurement or status: BMI, smoking status
  'immunisation',
  'encounter', // a contact in a care setting
  'death',
  'carer', // a carer or has-a-carer code in the GP record
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
export const eventKind = (kind: EventKind): number => EVENT_KINDS.indexOf(kind);
/** Each kind's index, as the event columns store it. */
export const EVENT_KIND = Object.fromEntries(EVENT_KINDS.map((kind, i) => [kind, i])) as Readonly<
  Record<EventKind, number>
>;

export type CodeSystem = 'snomed' | 'icd10';

/** Codes by index: each distinct (system, code) once. */
export class CodeBook {
  readonly entries: { readonly system: CodeSystem; readonly code: string; readonly display: string }[] = [];
  readonly #index = new Map<string, number>();

  add(coding: Coding, system: CodeSystem = 'snomed'): number {
    const key = `${system}|${coding.code}`;
    const known = this.#index.get(key);
    if (known !== undefined) return known;
    this.entries.push({ system, code: coding.code, display: coding.display });
    this.#index.set(key, this.entries.length - 1);
    return this.entries.length - 1;
  }
}

/** Organisation keys (practice ODS codes, partnership organisation ids) by index. */
export class OrganisationBook {
  readonly keys: string[] = [];
  readonly #index = new Map<string, number>();

  add(key: string): number {
    const known = this.#index.get(key);
    if (known !== undefined) return known;
    this.keys.push(key);
    this.#index.set(key, this.keys.length - 1);
    return this.keys.length - 1;
  }

  indexOf(key: string): number {
    const index = this.#index.get(key);
    if (index === undefined) throw new Error(`unknown organisation ${key}`);
    return index;
  }
}

type Column = Int8Array | Uint8Array | Int16Array | Int32Array | Float64Array;

/** A column twice as long, holding the old one's values (the buffers grow by doubling). */
function doubled<T extends Column>(old: T): T {
  const next = new (old.constructor as new (length: number) => T)(old.length * 2);
  next.set(old);
  return next;
}

export class EventColumns {
  length = 0;

  /** Empties the columns, keeping their memory for the next chunk. */
  clear(): void {
    this.length = 0;
  }

  person = new Int32Array(1024);
  day = new Int32Array(1024);
  kind = new Uint8Array(1024);
  code = new Int32Array(1024);
  /** NaN when the event has no value. */
  value = new Float64Array(1024);
  /** Index into SETTINGS, or -1. */
  setting = new Int8Array(1024);
  /** Index into the organisation book, or -1. */
  organisation = new Int32Array(1024);
  /** A second code: the reason for an encounter (a condition, an assault), or -1. */
  reason = new Int32Array(1024);

  push(
    person: number,
    day: number,
    kind: number,
    code: number,
    value = Number.NaN,
    setting = -1,
    organisation = -1,
    reason = -1,
  ): void {
    if (this.length === this.person.length) this.#grow();
    const i = this.length++;
    this.person[i] = person;
    this.day[i] = day;
    this.kind[i] = kind;
    this.code[i] = code;
    this.value[i] = value;
    this.setting[i] = setting;
    this.organisation[i] = organisation;
    this.reason[i] = reason;
  }

  #grow(): void {
    this.person = doubled(this.person);
    this.day = doubled(this.day);
    this.kind = doubled(this.kind);
    this.code = doubled(this.code);
    this.value = doubled(this.value);
    this.setting = doubled(this.setting);
    this.organisation = doubled(this.organisation);
    this.reason = doubled(this.reason);
  }
}

/**
 * Routine contacts counted by year (the settings whose EncounterModule.recorded is 'yearly'): one row a person,
 * calendar year, setting and organisation, with the number of contacts and the days of the first and last.
 */
export class ActivityColumns {
  length = 0;

  /** Empties the columns, keeping their memory for the next chunk. */
  clear(): void {
    this.length = 0;
  }

  person = new Int32Array(1024);
  year = new Int16Array(1024);
  /** Index into SETTINGS. */
  setting = new Int8Array(1024);
  organisation = new Int32Array(1024);
  contacts = new Int16Array(1024);
  first = new Int32Array(1024);
  last = new Int32Array(1024);

  push(
    person: number,
    year: number,
    setting: number,
    organisation: number,
    contacts: number,
    first: number,
    last: number,
  ): void {
    if (this.length === this.person.length) this.#grow();
    const i = this.length++;
    this.person[i] = person;
    this.year[i] = year;
    this.setting[i] = setting;
    this.organisation[i] = organisation;
    this.contacts[i] = Math.min(contacts, 32767);
    this.first[i] = first;
    this.last[i] = last;
  }

  #grow(): void {
    this.person = doubled(this.person);
    this.year = doubled(this.year);
    this.setting = doubled(this.setting);
    this.organisation = doubled(this.organisation);
    this.contacts = doubled(this.contacts);
    this.first = doubled(this.first);
    this.last = doubled(this.last);
  }
}
