/**
 * Synthetic records for the linkage scale benchmark (`linkage-scale.ts`): people in households, some with two or
 * three records, each record an imperfect copy of its person — and the truth (the person behind each record).
 *
 * What matters at scale is the skew, because blocking blows up on common values: surnames are drawn with their
 * published frequencies (Smith 1.2% of the 1996 electoral register, from `reference/names/surnames.csv`) and a long
 * tail of rare made-up surnames for the rest; forenames from the birth cohort's top ten (ONS) and the wider table,
 * again with a rare tail; dates of birth from a rough age pyramid; about 30 people per postcode and house numbers on
 * shared street names (High Street, Church Road). Faults are those partner feeds show: nicknames, typing errors,
 * transposed names, a married surname, day and month swapped, a day or year off, moves, missing NHS numbers (about
 * 5% of records), missing sex, abbreviated streets. Seeded: the same arguments give the same records.
 *
 * Separate from `src/identity/linkage/testing.ts`, which stays small for unit tests; this one reads the reference
 * name tables and is only for benchmarks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testRangeNhsNumber } from '../src/identity/nhs-number.js';
import { NICKNAME_GROUPS } from '../src/identity/linkage/nicknames.js';
import { type Rng, seededRng } from '../src/identity/linkage/random.js';
import type { LinkRecord } from '../src/identity/linkage/record.js';
import { parseCsv } from '../src/synthetic/csv.js';

export interface ScalePopulation {
  readonly records: LinkRecord[];
  /** The person behind each record, by record index. */
  readonly person: Int32Array;
  readonly people: number;
}

interface Weighted {
  readonly values: readonly string[];
  /** Cumulative weights, for drawing by binary search. */
  readonly cumulative: Float64Array;
}

function weighted(entries: readonly (readonly [string, number])[]): Weighted {
  const cumulative = new Float64Array(entries.length);
  let total = 0;
  entries.forEach(([, weight], i) => {
    total += weight;
    cumulative[i] = total;
  });
  return { values: entries.map(([value]) => value), cumulative };
}

function draw(table: Weighted, rng: Rng): string {
  const total = table.cumulative[table.cumulative.length - 1] ?? 0;
  const target = rng.next() * total;
  let lo = 0;
  let hi = table.cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((table.cumulative[mid] ?? 0) > target) hi = mid;
    else lo = mid + 1;
  }
  return table.values[lo] ?? '';
}

const pick = <T>(items: readonly T[], rng: Rng): T => {
  const item = items[rng.int(items.length)];
  if (item === undefined) throw new Error('empty list');
  return item;
};

function readTable(file: string): Record<string, string>[] {
  const parsed = parseCsv(readFileSync(join(import.meta.dirname, '..', 'reference', file), 'utf8'), file);
  if (!parsed.ok) throw new Error(`${file}: ${parsed.error.map((issue) => issue.message).join('; ')}`);
  const [header, ...rows] = parsed.value;
  const names = header?.fields ?? [];
  return rows.map((row) => Object.fromEntries(names.map((name, i) => [name, row.fields[i] ?? ''])));
}

const CONSONANTS = 'BCDFGHJKLMNPRSTVWY';
const VOWELS = 'AEIOU';
const ENDINGS = [
  '',
  'ER',
  'SON',
  'TON',
  'LEY',
  'WOOD',
  'FIELD',
  'MAN',
  'ING',
  'INS',
  'ELL',
  'HURST',
  'BY',
  'IN',
];

/** A pronounceable made-up name: a few consonant–vowel syllables and an English-looking ending. */
function madeUpName(rng: Rng, syllables: number): string {
  let name = '';
  for (let s = 0; s < syllables; s++) name += CONSONANTS.charAt(rng.int(18)) + VOWELS.charAt(rng.int(5));
  return name + pick(ENDINGS, rng);
}

/**
 * A long tail of rare names with flattened Zipf weights (1/(rank + offset)): some repeats, but no tail name as common
 * as the published common names.
 */
function tail(size: number, rng: Rng, syllables: () => number, offset: number): Weighted {
  const names = new Set<string>();
  while (names.size < size) names.add(madeUpName(rng, syllables()));
  return weighted([...names].map((name, rank) => [name, 1 / (rank + offset)]));
}

const STREET_KINDS = [
  'ROAD',
  'STREET',
  'LANE',
  'AVENUE',
  'CLOSE',
  'DRIVE',
  'GROVE',
  'WAY',
  'CRESCENT',
  'TERRACE',
];
const ABBREVIATIONS: Record<string, string> = {
  ROAD: 'RD',
  STREET: 'ST',
  LANE: 'LN',
  AVENUE: 'AVE',
  DRIVE: 'DR',
};
const TOWNS = [
  'LEEDS',
  'BRADFORD',
  'WAKEFIELD',
  'HALIFAX',
  'HUDDERSFIELD',
  'HARROGATE',
  'KEIGHLEY',
  'DEWSBURY',
];
const AREAS = ['LS', 'BD', 'WF', 'HX', 'HD', 'HG'];
const LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

interface Address {
  readonly number: number;
  readonly street: string;
  readonly town: string;
  readonly postcode: string;
}

interface Person {
  readonly forename: string;
  readonly surname: string;
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly sex: 'male' | 'female';
  readonly nhsNumber: string;
  readonly email: string | undefined;
  readonly address: Address;
}

const pad = (n: number) => String(n).padStart(2, '0');
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function typo(name: string, rng: Rng): string {
  if (name.length < 2) return name;
  const at = rng.int(name.length);
  const kind = rng.int(3);
  if (kind === 0)
    return `${name.slice(0, at)}${LETTERS.charAt(rng.int(LETTERS.length))}${name.slice(at + 1)}`;
  if (kind === 1) return name.slice(0, at) + name.slice(at + 1);
  const i = Math.min(at, name.length - 2);
  return name.slice(0, i) + name.charAt(i + 1) + name.charAt(i) + name.slice(i + 2);
}

export function scalePopulation(records: number, seed: number): ScalePopulation {
  const rng = seededRng(seed);
  const forenameRows = readTable('names/forenames.csv');
  const surnameRows = readTable('names/surnames.csv');
  // English surnames are weighted per million people, so their share of all surnames is their sum over a million;
  // other families' tables are relative, and together stand for the 15% of people from those families.
  const english = surnameRows.filter((row) => row.family === 'english');
  const englishShare = english.reduce((sum, row) => sum + Number(row.weight), 0) / 1_000_000;
  const englishSurnames = weighted(english.map((row) => [row.name ?? '', Number(row.weight)]));
  const otherSurnames = weighted(
    surnameRows.filter((row) => row.family !== 'english').map((row) => [row.name ?? '', Number(row.weight)]),
  );
  const rareSurnames = tail(80_000, rng, () => 1 + rng.int(3), 300);
  const cohorts = new Map<string, [string, number][]>();
  const bySex = { male: new Map<string, number>(), female: new Map<string, number>() };
  for (const row of forenameRows) {
    const sex = row.sex === 'male' ? 'male' : 'female';
    const key = `${row.family ?? ''}|${sex}|${row.born_from ?? ''}|${row.born_to ?? ''}`;
    const list = cohorts.get(key) ?? [];
    list.push([row.name ?? '', Number(row.weight)]);
    cohorts.set(key, list);
    bySex[sex].set(row.name ?? '', (bySex[sex].get(row.name ?? '') ?? 0) + Number(row.weight));
  }
  const englishCohorts = [...cohorts.entries()]
    .filter(([key]) => key.startsWith('english|'))
    .map(([key, list]) => {
      const [, sex, from, to] = key.split('|');
      return { sex, from: Number(from), to: Number(to), names: weighted(list) };
    });
  const wider = { male: weighted([...bySex.male]), female: weighted([...bySex.female]) };
  const rareForenames = tail(20_000, rng, () => 2 + rng.int(2), 100);

  const forenameOf = (sex: 'male' | 'female', year: number): string => {
    const roll = rng.next();
    if (roll < 0.45) {
      const cohort = englishCohorts.find((c) => c.sex === sex && year >= c.from && year <= c.to);
      if (cohort !== undefined) return draw(cohort.names, rng);
    }
    return roll < 0.9 ? draw(wider[sex], rng) : draw(rareForenames, rng);
  };
  const surnameOf = (): string => {
    const roll = rng.next();
    if (roll < 0.15) return draw(otherSurnames, rng);
    return rng.next() < englishShare ? draw(englishSurnames, rng) : draw(rareSurnames, rng);
  };

  // Streets: made-up and common first words (High, Church, Station) with a kind; postcodes from a pool of 200 units
  // per district, so about 30 people share a postcode.
  const districts = AREAS.flatMap((area) => Array.from({ length: 24 }, (_, d) => `${area}${d + 1}`));
  const unit = () =>
    `${rng.int(10)}${LETTERS.charAt(rng.int(LETTERS.length))}${LETTERS.charAt(rng.int(LETTERS.length))}`;
  const postcodes = new Map(
    districts.map((district) => [district, Array.from({ length: 200 }, () => `${district} ${unit()}`)]),
  );
  const commonStreetWords = [
    'HIGH',
    'CHURCH',
    'STATION',
    'MAIN',
    'PARK',
    'MILL',
    'VICTORIA',
    'GREEN',
    'MANOR',
  ];
  const streetWords = tail(6_000, rng, () => 2, 50);
  const streetOf = (): string =>
    `${rng.next() < 0.08 ? pick(commonStreetWords, rng) : draw(streetWords, rng)} ${pick(STREET_KINDS, rng)}`;
  const newAddress = (district?: string): Address => {
    const where = district ?? pick(districts, rng);
    return {
      number: 1 + rng.int(rng.next() < 0.8 ? 60 : 300),
      street: streetOf(),
      town: pick(TOWNS, rng),
      postcode: pick(postcodes.get(where) ?? [`${where} ${unit()}`], rng),
    };
  };

  // Records per person: 1 (62%), 2 (28%) or 3 (10%); people to make about `records` records.
  const meanRecords = 0.62 + 2 * 0.28 + 3 * 0.1;
  const peopleWanted = Math.max(1, Math.round(records / meanRecords));
  const people: Person[] = [];
  let stem = 0;
  const nextNhs = (): string => {
    for (;;) {
      const number = testRangeNhsNumber(stem++);
      if (number !== undefined) return number;
    }
  };
  while (people.length < peopleWanted) {
    const address = newAddress();
    const familyName = surnameOf();
    const size = [1, 1, 1, 2, 2, 2, 2, 3, 3, 4, 4, 5][rng.int(12)] ?? 1;
    const adultYear = 1930 + rng.int(75);
    const childYears = Math.max(1, Math.min(25, 2025 - adultYear - 18));
    const twins = rng.next() < 0.02;
    for (let member = 0; member < size && people.length < peopleWanted; member++) {
      const sex = rng.next() < 0.5 ? 'female' : 'male';
      const forenameYear = member < 2 ? adultYear + rng.int(7) - 3 : adultYear + 18 + rng.int(childYears);
      const month = 1 + rng.int(12);
      let date = { year: forenameYear, month, day: 1 + rng.int(DAYS_IN_MONTH[month - 1] ?? 28) };
      // Twins: the fourth member shares the third's date of birth (and surname and address, as all members do).
      const previous = people.at(-1);
      if (twins && member === 3 && previous !== undefined) date = previous;
      const forename = forenameOf(sex, date.year);
      people.push({
        forename,
        surname: member === 1 && rng.next() < 0.2 ? surnameOf() : familyName,
        year: date.year,
        month: date.month,
        day: date.day,
        sex,
        nhsNumber: nextNhs(),
        email:
          rng.next() < 0.3 ? `${forename}.${familyName}${rng.int(100)}@example.com`.toLowerCase() : undefined,
        address,
      });
    }
  }

  const nicknamesOf = new Map<string, string[]>();
  for (const group of NICKNAME_GROUPS) {
    for (const name of group)
      nicknamesOf.set(name, [...(nicknamesOf.get(name) ?? []), ...group.filter((n) => n !== name)]);
  }

  const out: { record: LinkRecord; person: number }[] = [];
  people.forEach((person, p) => {
    const roll = rng.next();
    const copies = roll < 0.62 ? 1 : roll < 0.9 ? 2 : 3;
    for (let copy = 0; copy < copies; copy++) {
      // The first record is the cleaner one (the registration); later ones carry the feeds' faults.
      const rate = copy === 0 ? 0.3 : 1;
      const chance = (p: number) => rng.next() < p * rate;
      let forename = person.forename.toUpperCase();
      let surname = person.surname.toUpperCase();
      const nick = nicknamesOf.get(forename);
      if (nick !== undefined && chance(0.12)) forename = pick(nick, rng);
      else if (chance(0.04)) forename = typo(forename, rng);
      if (chance(0.04)) surname = typo(surname, rng);
      else if (person.sex === 'female' && person.year < 1995 && chance(0.03))
        surname = surnameOf().toUpperCase();
      if (chance(0.01)) [forename, surname] = [surname, forename];
      let [year, month, day] = [person.year, person.month, person.day];
      const dateFault = rng.next() / rate;
      if (dateFault < 0.02 && day <= 12) [month, day] = [day, month];
      else if (dateFault < 0.04) day = day === 1 ? 2 : day - 1;
      else if (dateFault < 0.05) year += rng.next() < 0.5 ? 1 : 10;
      let address = person.address;
      if (chance(0.12))
        address = newAddress(rng.next() < 0.5 ? person.address.postcode.split(' ')[0] : undefined);
      let street = address.street;
      const [first, kind] = street.split(' ');
      const short = kind === undefined ? undefined : ABBREVIATIONS[kind];
      if (short !== undefined && rng.next() < 0.3) street = `${first ?? ''} ${short}`;
      if (chance(0.03)) street = typo(street, rng);
      const lines = [`${address.number} ${street}`, ...(rng.next() < 0.4 ? [address.town] : [])].join(', ');
      out.push({
        person: p,
        record: {
          id: `r${out.length}`,
          forename,
          surname,
          dateOfBirth: chance(0.01) ? undefined : `${year}-${pad(month)}-${pad(day)}`,
          sex: chance(0.03) ? undefined : person.sex,
          postcode: chance(0.03) ? undefined : chance(0.02) ? typo(address.postcode, rng) : address.postcode,
          nhsNumber: rng.next() < 0.05 ? undefined : person.nhsNumber,
          address: chance(0.05) ? undefined : lines,
          email: person.email !== undefined && rng.next() < 0.4 ? person.email : undefined,
        },
      });
    }
  });

  // Shuffled (Fisher–Yates), so a person's records are not neighbours and ids say nothing about the truth.
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j] as (typeof out)[number], out[i] as (typeof out)[number]];
  }
  return {
    records: out.map(({ record }, i) => ({ ...record, id: `r${i}` })),
    person: Int32Array.from(out, ({ person }) => person),
    people: people.length,
  };
}
