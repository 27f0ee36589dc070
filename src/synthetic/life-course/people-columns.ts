/**
 * @module synthetic/life-course/people-columns
 * Who the simulated people of a chunk are, where they lived and which practices they were registered with: a row a
 * person, a row a home, a row a registration, in key order and each person's rows in date order — kept as columns,
 * like the events. The simulator works on one person as an object and copies it here when done: holding a chunk's
 * tens of thousands of people, homes and registrations as objects until the chunk was written made the garbage
 * collector copy and promote every one of them, a fifth of the whole simulation's time.
 */
import type { Sex } from '../demography.js';
import { CAUSES_OF_DEATH } from './model.js';
import type { Origin, Person } from './simulate.js';

export const ORIGINS: readonly Origin[] = ['resident', 'died-before-reference', 'born-after-reference'];
const SEXES: readonly Sex[] = ['female', 'male'];

/** A day column's "none" (no death): far outside any date the simulator makes. */
export const NO_DAY = -2_147_483_648;

type Column = Int8Array | Uint8Array | Int16Array | Int32Array;

/** The column at least `needed` long, its values kept (the columns grow by doubling). */
function atLeast<T extends Column>(column: T, needed: number): T {
  if (needed <= column.length) return column;
  const next = new (column.constructor as new (length: number) => T)(Math.max(needed, column.length * 2));
  next.set(column);
  return next;
}

export class PeopleColumns {
  /** Rows of each table. */
  length = 0;
  addresses = 0;
  registrations = 0;

  // A row a person.
  key = new Int32Array(1024);
  /** Index into ORIGINS. */
  origin = new Uint8Array(1024);
  /** Index into ['female', 'male']. */
  sex = new Uint8Array(1024);
  birth = new Int32Array(1024);
  /** NO_DAY while alive at the window's end. */
  death = new Int32Array(1024);
  /** Index into CAUSES_OF_DEATH, or −1. */
  cause = new Int8Array(1024);
  needsCare = new Uint8Array(1024);
  /** The person's first row of the addresses and of the registrations (the next person's first ends them). */
  firstAddress = new Int32Array(1024);
  firstRegistration = new Int32Array(1024);
  // The strings come from the reference tables, so these arrays hold references to strings that already exist.
  readonly ethnicity: string[] = [];
  readonly given: string[] = [];
  readonly middle: (string | undefined)[] = [];
  readonly family: string[] = [];

  // A row a home, from the day the person moved in.
  addressPerson = new Int32Array(1024);
  addressFrom = new Int32Array(1024);
  imdDecile = new Int8Array(1024);
  readonly lsoa11: string[] = [];
  readonly lad19: string[] = [];
  readonly place: string[] = [];
  readonly postcodeDistrict: string[] = [];
  houseNumber = new Int16Array(1024);
  readonly street: string[] = [];
  readonly town: string[] = [];
  /** The postcode's inward code (the full postcode is the district, a space and this). */
  readonly inward: string[] = [];

  // A row a registration with a practice, from the day it began.
  registrationPerson = new Int32Array(1024);
  registrationFrom = new Int32Array(1024);
  /** The practice's index in the organisation book. */
  registrationOrganisation = new Int32Array(1024);
  readonly practice: string[] = [];

  /** Empties the columns, keeping their memory for the next chunk. */
  clear(): void {
    this.length = 0;
    this.addresses = 0;
    this.registrations = 0;
  }

  /** Appends a person (persons must come in key order, as the simulator makes them). */
  add(person: Person): void {
    const i = this.length++;
    this.key = atLeast(this.key, this.length);
    this.origin = atLeast(this.origin, this.length);
    this.sex = atLeast(this.sex, this.length);
    this.birth = atLeast(this.birth, this.length);
    this.death = atLeast(this.death, this.length);
    this.cause = atLeast(this.cause, this.length);
    this.needsCare = atLeast(this.needsCare, this.length);
    this.firstAddress = atLeast(this.firstAddress, this.length);
    this.firstRegistration = atLeast(this.firstRegistration, this.length);
    this.key[i] = person.key;
    this.origin[i] = ORIGINS.indexOf(person.origin);
    this.sex[i] = SEXES.indexOf(person.sex);
    this.birth[i] = person.birthDay;
    this.death[i] = person.deathDay ?? NO_DAY;
    this.cause[i] = person.cause === undefined ? -1 : CAUSES_OF_DEATH.indexOf(person.cause);
    this.needsCare[i] = person.needsCare ? 1 : 0;
    this.firstAddress[i] = this.addresses;
    this.firstRegistration[i] = this.registrations;
    this.ethnicity[i] = person.ethnicity;
    this.given[i] = person.given;
    this.middle[i] = person.middle;
    this.family[i] = person.family;

    const homes = this.addresses + person.addresses.length;
    this.addressPerson = atLeast(this.addressPerson, homes);
    this.addressFrom = atLeast(this.addressFrom, homes);
    this.imdDecile = atLeast(this.imdDecile, homes);
    this.houseNumber = atLeast(this.houseNumber, homes);
    for (const address of person.addresses) {
      const a = this.addresses++;
      this.addressPerson[a] = person.key;
      this.addressFrom[a] = address.fromDay;
      this.imdDecile[a] = address.imdDecile;
      this.lsoa11[a] = address.lsoa11;
      this.lad19[a] = address.lad19;
      this.place[a] = address.place;
      this.postcodeDistrict[a] = address.postcodeDistrict;
      this.houseNumber[a] = address.houseNumber;
      this.street[a] = address.street;
      this.town[a] = address.town;
      this.inward[a] = address.inward;
    }

    const registrations = this.registrations + person.registrations.length;
    this.registrationPerson = atLeast(this.registrationPerson, registrations);
    this.registrationFrom = atLeast(this.registrationFrom, registrations);
    this.registrationOrganisation = atLeast(this.registrationOrganisation, registrations);
    for (const registration of person.registrations) {
      const r = this.registrations++;
      this.registrationPerson[r] = person.key;
      this.registrationFrom[r] = registration.fromDay;
      this.registrationOrganisation[r] = registration.organisation;
      this.practice[r] = registration.practice;
    }
  }

  sexOf(row: number): Sex {
    return SEXES[this.sex[row] ?? 0] as Sex;
  }

  originOf(row: number): Origin {
    return ORIGINS[this.origin[row] ?? 0] as Origin;
  }

  /** The address row of person `row`'s home on `day`: the last they moved into by then, else their first. */
  homeOn(row: number, day: number): number {
    const first = this.firstAddress[row] ?? 0;
    const end = row + 1 < this.length ? (this.firstAddress[row + 1] ?? 0) : this.addresses;
    let home = first;
    for (let a = first + 1; a < end; a++) if ((this.addressFrom[a] ?? 0) <= day) home = a;
    return home;
  }

  /** The organisation index of person `row`'s practice on `day` (their first before any began; −1 if none). */
  practiceOn(row: number, day: number): number {
    const first = this.firstRegistration[row] ?? 0;
    const end = row + 1 < this.length ? (this.firstRegistration[row + 1] ?? 0) : this.registrations;
    let practice = first < end ? (this.registrationOrganisation[first] ?? -1) : -1;
    for (let r = first; r < end; r++) {
      if ((this.registrationFrom[r] ?? 0) <= day) practice = this.registrationOrganisation[r] ?? -1;
    }
    return practice;
  }
}
