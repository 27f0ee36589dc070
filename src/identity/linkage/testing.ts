/**
 * @module identity/linkage/testing
 * Small seeded synthetic people and a second, imperfect copy of each (nicknames, typing errors, swapped day and month,
 * moves, missing NHS numbers), for the linkage tests: the truth is that left[i] and right[i] are the same person.
 * Deliberately independent of the synthetic population module, so these tests stay small and fast and the identity
 * module imports nothing from it.
 */
import { testRangeNhsNumber } from '../nhs-number.js';
import { NICKNAME_GROUPS } from './nicknames.js';
import { type Rng, seededRng } from './random.js';
import type { LinkRecord } from './record.js';

const SURNAMES = [
  'SMITH',
  'JONES',
  'TAYLOR',
  'BROWN',
  'WILLIAMS',
  'WILSON',
  'JOHNSON',
  'DAVIES',
  'ROBINSON',
  'WRIGHT',
  'THOMPSON',
  'EVANS',
  'WALKER',
  'WHITE',
  'ROBERTS',
  'GREEN',
  'HALL',
  'WOOD',
  'JACKSON',
  'CLARKE',
  'PATEL',
  'KHAN',
  'HUSSAIN',
  'ALI',
  'AHMED',
  'SHAH',
  'BUTT',
  'NOWAK',
  'KOWALSKI',
  "O'BRIEN",
  'MCDONALD',
  'SMITH-JONES',
  'HEPWORTH',
  'ACKROYD',
  'HOLROYD',
  'SUTCLIFFE',
  'BAIRSTOW',
  'FIRTH',
  'OLDROYD',
  'GREENWOOD',
  'BARRACLOUGH',
  'HAIGH',
  'MIDGLEY',
  'ILLINGWORTH',
];
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

const pick = <T>(items: readonly T[], rng: Rng): T => {
  const item = items[rng.int(items.length)];
  if (item === undefined) throw new Error('empty list');
  return item;
};
const letter = (rng: Rng) => LETTERS.charAt(rng.int(LETTERS.length));
const pad = (n: number) => String(n).padStart(2, '0');

function postcode(rng: Rng): string {
  return `LS${1 + rng.int(28)} ${rng.int(10)}${letter(rng)}${letter(rng)}`;
}

function typo(name: string, rng: Rng): string {
  const at = rng.int(name.length);
  return `${name.slice(0, at)}${letter(rng)}${name.slice(at + 1)}`;
}

export interface SyntheticPairs {
  readonly left: LinkRecord[];
  readonly right: LinkRecord[];
}

export function syntheticPairs(people: number, seed: number): SyntheticPairs {
  const rng = seededRng(seed);
  const left: LinkRecord[] = [];
  const right: LinkRecord[] = [];
  for (let i = 0; i < people; i++) {
    const group = pick(NICKNAME_GROUPS, rng);
    const forename = group[0] ?? 'JOHN';
    const surname = pick(SURNAMES, rng);
    const [year, month, day] = [1930 + rng.int(90), 1 + rng.int(12), 1 + rng.int(28)];
    const sex = rng.next() < 0.5 ? 'female' : 'male';
    let nhs: string | undefined;
    while (nhs === undefined) nhs = testRangeNhsNumber(rng.int(1_000_000));
    const home = postcode(rng);
    left.push({
      id: `a${i}`,
      forename,
      surname,
      dateOfBirth: `${year}-${pad(month)}-${pad(day)}`,
      sex,
      postcode: home,
      nhsNumber: nhs,
    });
    let [y2, m2, d2] = [year, month, day];
    const dateFault = rng.next();
    if (dateFault < 0.05 && day <= 12) [m2, d2] = [day, month];
    else if (dateFault < 0.1) d2 = d2 === 28 ? 1 : d2 + 1;
    else if (dateFault < 0.13) y2 = y2 + 1;
    const forenameFault = rng.next();
    right.push({
      id: `b${i}`,
      forename:
        forenameFault < 0.1
          ? pick(group.slice(1), rng)
          : forenameFault < 0.2
            ? typo(forename, rng)
            : forename,
      surname: rng.next() < 0.1 ? typo(surname, rng) : surname,
      dateOfBirth: `${y2}-${pad(m2)}-${pad(d2)}`,
      sex: rng.next() < 0.1 ? undefined : sex,
      postcode: rng.next() < 0.15 ? postcode(rng) : home,
      nhsNumber: rng.next() < 0.2 ? undefined : nhs,
    });
  }
  return { left, right };
}
