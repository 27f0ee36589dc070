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

export class EventColumns {
  length = 0;
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
    const size = this.person.length * 2;
    const grow = <T extends Int32Array | Uint8Array | Int8Array | Float64Array>(
      old: T,
      make: (n: number) => T,
    ): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.person = grow(this.person, (n) => new Int32Array(n));
    this.day = grow(this.day, (n) => new Int32Array(n));
    this.kind = grow(this.kind, (n) => new Uint8Array(n));
    this.code = grow(this.code, (n) => new Int32Array(n));
    this.value = grow(this.value, (n) => new Float64Array(n));
    this.setting = grow(this.setting, (n) => new Int8Array(n));
    this.organisation = grow(this.organisation, (n) => new Int32Array(n));
    this.reason = grow(this.reason, (n) => new Int32Array(n));
  }
}
