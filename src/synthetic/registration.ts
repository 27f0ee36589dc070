/**
 * @module synthetic/registration
 * Where a synthetic resident is registered and what their address looks like: a postcode district for their home, a
 * GP practice to be registered with, and a street address that partner feeds can carry. Compiled once from the
 * calibration's practices table (`practices.csv`) into alias samplers; each draw is constant time.
 *
 * The shared data hold no postcode-to-LSOA lookup, so the link from where a resident lives to a postcode district is
 * approximated from the practices: a resident of a local authority district gets one of the postcode districts its
 * practices stand in, in proportion to their registered patients. Within a district that is blind to the resident's
 * LSOA (a south Leeds LSOA can get LS21, Otley), and districts without a practice never occur. Then the resident is
 * registered, with probability SAME_DISTRICT_SHARE, at a practice of that postcode district, otherwise anywhere in
 * their place, in proportion to list sizes either way — which, when a place is one district, gives each practice
 * exactly its share of the place's patients (see calibration/README.md for the derivation and for the two-district
 * place, Bradford District and Craven, where it is close but not exact).
 *
 * Addresses are synthetic: a house number, a street name from `reference/streets.csv` (a made-up list of generic
 * English street names, not drawn from any source), the post town of the postcode district, and a full postcode made
 * of the district and a random inward code. The inward code has the valid form, so a synthetic postcode may by chance
 * be a real one, and a whole address may by chance match a real one; it still describes no one, since every part is
 * drawn independently of any real address.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { referenceDir } from '../core/paths.js';
import type { Issue } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import { buildAlias, drawAlias, type AliasTable } from './alias.js';
import type { Calibration, Practice } from './calibration.js';
import { parseCsv } from './csv.js';
import type { Random } from './random.js';

/**
 * The chance that a resident registers with a practice in their own postcode district (when it has one) rather than
 * anywhere in their place. An assumption, not a calibrated figure: most people register close to home, but the
 * shared data say nothing about how close. It moves where each practice's patients live, not how many it has.
 */
export const SAME_DISTRICT_SHARE = 0.8;

/** The letters of a postcode's unit (the last two characters): never C, I, K, M, O or V. */
export const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

/** House numbers run from 1 to this, evenly: an assumption, to give addresses plausible numbers. */
export const HIGHEST_HOUSE_NUMBER = 150;

/** The street names shipped with Accord. */
export const defaultStreetsFile = join(referenceDir, 'streets.csv');

/**
 * An address in parts; `addressLine` and `fullPostcode` put them together. Kept apart because every part comes from
 * a short list — the same strings shared by millions of addresses — and the ground truth's writer joins them in SQL.
 */
export interface SyntheticAddress {
  /** From 1 to HIGHEST_HOUSE_NUMBER. */
  readonly houseNumber: number;
  /** A street of the list, e.g. `Church Lane`. */
  readonly street: string;
  /** Post town in capitals, as Royal Mail prints it, e.g. `LEEDS`. */
  readonly town: string;
  /** The postcode's inward code: sector digit and unit letters, e.g. `2QT` of `LS6 2QT`. */
  readonly inward: string;
}

/** House number and street, e.g. `12 Church Lane`. */
export const addressLine = (address: Pick<SyntheticAddress, 'houseNumber' | 'street'>): string =>
  `${address.houseNumber} ${address.street}`;

/** The full postcode of a district and inward code, e.g. `LS6 2QT`. */
export const fullPostcode = (postcodeDistrict: string, inward: string): string =>
  `${postcodeDistrict} ${inward}`;

/** Every inward code, by sector digit · 400 + first letter · 20 + second letter: built once, shared by every address. */
const INWARD_CODES = Array.from(
  { length: 10 * INWARD_LETTERS.length ** 2 },
  (_, i) =>
    `${Math.floor(i / INWARD_LETTERS.length ** 2)}${INWARD_LETTERS[Math.floor(i / INWARD_LETTERS.length) % INWARD_LETTERS.length]}${INWARD_LETTERS[i % INWARD_LETTERS.length]}`,
);

export interface Registration {
  /**
   * A postcode district (outward code, e.g. `LS6`) for a resident of local authority district `lad19`. Throws for a
   * district with no practice in the calibration: compiling checked every district of `lsoa.csv`, so that is a bug.
   */
  drawPostcodeDistrict(lad19: string, random: Random): string;
  /** The ODS code of a practice of `place` for a resident living in `postcodeDistrict`. Throws for an unknown place. */
  drawPractice(place: string, postcodeDistrict: string, random: Random): string;
  /** A synthetic address in `postcodeDistrict`. Throws for a district with no practice (its post town is unknown). */
  syntheticAddress(postcodeDistrict: string, random: Random): SyntheticAddress;
}

interface Pool<T> {
  readonly items: readonly T[];
  readonly table: AliasTable;
}

/** An alias sampler over items weighted by their registered patients, summed per key. */
function poolOf<T>(entries: readonly (readonly [T, number])[]): Result<Pool<T>, string> {
  const weights = new Map<T, number>();
  for (const [item, weight] of entries) weights.set(item, (weights.get(item) ?? 0) + weight);
  const items = [...weights.keys()];
  const table = buildAlias(items.map((item) => weights.get(item) ?? 0));
  return table.ok ? ok({ items, table: table.value }) : err(table.error);
}

function draw<T>(pool: Pool<T>, random: Random): T {
  return pool.items[drawAlias(pool.table, random)] as T;
}

function grouped(
  practices: readonly Practice[],
  key: (practice: Practice) => string,
): Map<string, Practice[]> {
  const groups = new Map<string, Practice[]>();
  for (const practice of practices) {
    const k = key(practice);
    groups.set(k, [...(groups.get(k) ?? []), practice]);
  }
  return groups;
}

/** Compiles the samplers; fails (naming what is missing) if a district with residents has no practice. */
export function compileRegistration(
  calibration: Calibration,
  streets: readonly string[],
): Result<Registration, string> {
  if (streets.length === 0) return err('there are no street names to build addresses from');
  const { practices } = calibration;
  const byDistrict = new Map<string, Pool<string>>();
  for (const [lad, group] of grouped(practices, (p) => p.lad19)) {
    const pool = poolOf(group.map((p) => [p.postcodeDistrict, p.registeredPatients] as const));
    if (!pool.ok) return err(`postcode districts of ${lad}: ${pool.error}`);
    byDistrict.set(lad, pool.value);
  }
  for (const lsoa of calibration.lsoas) {
    if (!byDistrict.has(lsoa.lad19))
      return err(`no practice in district ${lsoa.lad19} (needed by ${lsoa.lsoa11})`);
  }
  const byPlace = new Map<string, Pool<string>>();
  for (const [place, group] of grouped(practices, (p) => p.place)) {
    const pool = poolOf(group.map((p) => [p.practice, p.registeredPatients] as const));
    if (!pool.ok) return err(`practices of ${place}: ${pool.error}`);
    byPlace.set(place, pool.value);
  }
  for (const lsoa of calibration.lsoas) {
    if (!byPlace.has(lsoa.place)) return err(`no practice in place ${lsoa.place} (needed by ${lsoa.lsoa11})`);
  }
  const byPlaceAndDistrict = new Map<string, Pool<string>>();
  for (const [key, group] of grouped(practices, (p) => `${p.place} ${p.postcodeDistrict}`)) {
    const pool = poolOf(group.map((p) => [p.practice, p.registeredPatients] as const));
    if (!pool.ok) return err(`practices of ${key}: ${pool.error}`);
    byPlaceAndDistrict.set(key, pool.value);
  }
  const postTowns = new Map<string, string>();
  for (const practice of practices) {
    const town = postTowns.get(practice.postcodeDistrict);
    if (town !== undefined && town !== practice.postTown) {
      return err(`${practice.postcodeDistrict} has two post towns, ${town} and ${practice.postTown}`);
    }
    postTowns.set(practice.postcodeDistrict, practice.postTown);
  }

  return ok({
    drawPostcodeDistrict(lad19, random) {
      const pool = byDistrict.get(lad19);
      if (pool === undefined)
        throw new Error(`no postcode districts for district ${lad19}: it has no practice`);
      return draw(pool, random);
    },
    drawPractice(place, postcodeDistrict, random) {
      const anywhere = byPlace.get(place);
      if (anywhere === undefined) throw new Error(`no practices in place ${place}`);
      // Always one draw for the choice, so a resident uses the same numbers whichever way it goes.
      const nearby = random.next() < SAME_DISTRICT_SHARE;
      const local = byPlaceAndDistrict.get(`${place} ${postcodeDistrict}`);
      return draw(nearby && local !== undefined ? local : anywhere, random);
    },
    syntheticAddress(postcodeDistrict, random) {
      const town = postTowns.get(postcodeDistrict);
      if (town === undefined) throw new Error(`no post town for ${postcodeDistrict}: no practice is there`);
      const houseNumber = 1 + random.int(HIGHEST_HOUSE_NUMBER);
      const street = streets[random.int(streets.length)] as string;
      // Sector digit, then the two unit letters, drawn in that order.
      const sector = random.int(10);
      const first = random.int(INWARD_LETTERS.length);
      const second = random.int(INWARD_LETTERS.length);
      const inward = INWARD_CODES[
        (sector * INWARD_LETTERS.length + first) * INWARD_LETTERS.length + second
      ] as string;
      return { houseNumber, street, town, inward };
    },
  });
}

/** A street name: capitalised words of letters, e.g. `Church Lane`, `St Marys Road`. */
const STREET = /^[A-Z][a-z]*( [A-Z][a-z]*)*$/;

/**
 * Reads the street names (a CSV file with one column, `street`), reporting every bad or repeated name with its line.
 * Apostrophes are left out (`St Marys Road`) so the names need no escaping wherever they go.
 */
export function loadStreets(file: string = defaultStreetsFile): Result<string[], Issue[]> {
  if (!existsSync(file))
    return err([{ file, message: 'is missing: it lists the street names of addresses' }]);
  const parsed = parseCsv(readFileSync(file, 'utf8'), file);
  if (!parsed.ok) return err(parsed.error);
  const [header, ...records] = parsed.value;
  if (header?.fields.length !== 1 || header.fields[0]?.trim() !== 'street') {
    return err([{ file, line: header?.line ?? 1, message: 'header: must be the one column street' }]);
  }
  const issues: Issue[] = [];
  const first = new Map<string, number>();
  for (const { line, fields } of records) {
    const street = fields[0]?.trim() ?? '';
    if (fields.length !== 1 || !STREET.test(street)) {
      issues.push({
        file,
        line,
        path: 'street',
        message: 'must be one street name of capitalised words, e.g. Church Lane',
      });
      continue;
    }
    const earlier = first.get(street);
    if (earlier !== undefined) {
      issues.push({
        file,
        line,
        path: 'street',
        message: `duplicate street ${street}: first on line ${earlier}`,
      });
    } else first.set(street, line);
  }
  if (issues.length === 0 && first.size === 0) issues.push({ file, message: 'lists no street names' });
  return issues.length > 0 ? err(issues) : ok([...first.keys()]);
}
