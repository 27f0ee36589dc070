import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { UK_POSTCODE, type Practice } from './calibration.js';
import { createRandom } from './random.js';
import {
  addressLine,
  compileRegistration,
  fullPostcode,
  HIGHEST_HOUSE_NUMBER,
  INWARD_LETTERS,
  loadStreets,
  SAME_DISTRICT_SHARE,
  type Registration,
} from './registration.js';
import { wyhCalibration } from '../../test/support/calibration.js';

const calibration = wyhCalibration();
const streets = (() => {
  const result = loadStreets();
  if (!result.ok) throw new Error('reference/streets.csv does not load');
  return result.value;
})();
const registration: Registration = (() => {
  const result = compileRegistration(calibration, streets);
  if (!result.ok) throw new Error(result.error);
  return result.value;
})();

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const patientsOf = (practices: readonly Practice[]) => sum(practices.map((p) => p.registeredPatients));
const counts = <T>(items: readonly T[]) => {
  const tally = new Map<T, number>();
  for (const item of items) tally.set(item, (tally.get(item) ?? 0) + 1);
  return tally;
};

/** Residents of a place as the generator makes them: a district by population, a postcode district, a practice. */
function residentsOf(place: string, count: number, seed: number) {
  const random = createRandom(seed, `registration-test ${place}`);
  const placeOf = new Map(calibration.lsoas.map((row) => [row.lsoa11, row]));
  const people = new Map<string, number>();
  for (const row of calibration.population) {
    const lsoa = placeOf.get(row.lsoa11)!;
    if (lsoa.place === place) people.set(lsoa.lad19, (people.get(lsoa.lad19) ?? 0) + row.total);
  }
  const total = sum([...people.values()]);
  return Array.from({ length: count }, () => {
    let u = random.next() * total;
    let lad = '';
    for (const [code, n] of people) {
      lad = code;
      if ((u -= n) < 0) break;
    }
    const postcodeDistrict = registration.drawPostcodeDistrict(lad, random);
    return { lad, postcodeDistrict, practice: registration.drawPractice(place, postcodeDistrict, random) };
  });
}

describe('postcode districts of residents', () => {
  it('are drawn from the districts of the practices of the local authority district, in proportion to their lists', () => {
    const random = createRandom(7, 'postcode-districts');
    const draws = 100_000;
    for (const lad of new Set(calibration.lsoas.map((row) => row.lad19))) {
      const practices = calibration.practices.filter((p) => p.lad19 === lad);
      const drawn = counts(
        Array.from({ length: draws }, () => registration.drawPostcodeDistrict(lad, random)),
      );
      const districts = new Set(practices.map((p) => p.postcodeDistrict));
      expect(new Set(drawn.keys())).toEqual(districts);
      for (const district of districts) {
        const expected =
          patientsOf(practices.filter((p) => p.postcodeDistrict === district)) / patientsOf(practices);
        expect(Math.abs((drawn.get(district) ?? 0) / draws - expected), `${lad} ${district}`).toBeLessThan(
          0.005,
        );
      }
    }
  });
});

describe('the practices residents register with', () => {
  const places = [...new Set(calibration.practices.map((p) => p.place))].sort();
  const drawn = new Map(places.map((place, i) => [place, residentsOf(place, 100_000, i)]));

  it("give every practice of a one-district place its share of the place's patients (within 0.3 points)", () => {
    for (const place of places.filter((id) => id !== 'bradford-district-and-craven')) {
      const practices = calibration.practices.filter((p) => p.place === place);
      const residents = drawn.get(place)!;
      const tally = counts(residents.map((r) => r.practice));
      for (const practice of practices) {
        const expected = practice.registeredPatients / patientsOf(practices);
        const share = (tally.get(practice.practice) ?? 0) / residents.length;
        expect(Math.abs(share - expected), `${place} ${practice.practice}`).toBeLessThan(0.003);
      }
    }
  });

  it('registers everyone in their own place, and most (the stated share, at least) in their own postcode district', () => {
    const placeOf = new Map(calibration.practices.map((p) => [p.practice, p]));
    for (const [place, residents] of drawn) {
      expect(residents.filter((r) => placeOf.get(r.practice)?.place !== place)).toEqual([]);
      const local = residents.filter((r) => placeOf.get(r.practice)?.postcodeDistrict === r.postcodeDistrict);
      expect(local.length / residents.length).toBeGreaterThan(SAME_DISTRICT_SHARE);
    }
  });

  it("gives Craven practices more than their list share and less than Craven's share of residents (see README)", () => {
    const place = 'bradford-district-and-craven';
    const practices = calibration.practices.filter((p) => p.place === place);
    const craven = new Set(practices.filter((p) => p.lad19 === 'E07000163').map((p) => p.practice));
    const residents = drawn.get(place)!;
    const share = residents.filter((r) => craven.has(r.practice)).length / residents.length;
    const listShare = patientsOf(practices.filter((p) => craven.has(p.practice))) / patientsOf(practices);
    const residentShare = residents.filter((r) => r.lad === 'E07000163').length / residents.length;
    expect(listShare).toBeCloseTo(0.0755, 3);
    expect(share).toBeGreaterThan(listShare);
    expect(share).toBeLessThan(residentShare);
  });

  it('falls back to the whole place when the postcode district has no practice of the place', () => {
    const random = createRandom(3, 'fallback');
    const leeds = new Set(calibration.practices.filter((p) => p.place === 'leeds').map((p) => p.practice));
    const drawnHere = Array.from({ length: 2_000 }, () => registration.drawPractice('leeds', 'HG1', random));
    for (const code of drawnHere) expect(leeds.has(code)).toBe(true);
    expect(new Set(drawnHere).size).toBeGreaterThan(50);
  });
});

describe('synthetic addresses', () => {
  const random = createRandom(11, 'addresses');
  const districts = [...new Set(calibration.practices.map((p) => p.postcodeDistrict))].sort();
  const addresses = districts.flatMap((district) =>
    Array.from({ length: 200 }, () => ({
      district,
      address: registration.syntheticAddress(district, random),
    })),
  );

  it('have a full postcode of the UK form in the requested district, and the post town of that district', () => {
    const townOf = new Map(calibration.practices.map((p) => [p.postcodeDistrict, p.postTown]));
    const wrong = addresses.filter(
      ({ district, address }) =>
        !UK_POSTCODE.test(fullPostcode(district, address.inward)) ||
        !fullPostcode(district, address.inward).startsWith(`${district} `) ||
        address.town !== townOf.get(district),
    );
    expect(wrong).toEqual([]);
    expect(addresses.length).toBeGreaterThan(10_000);
    expect(townOf.get('BD23')).toBe('SKIPTON');
    expect(townOf.get('BD24')).toBe('SETTLE');
    expect(townOf.get('LS6')).toBe('LEEDS');
    expect(townOf.get('HD6')).toBe('BRIGHOUSE');
  });

  it('have a house number from 1 to the highest, and a street of the list', () => {
    const known = new Set(streets);
    const numbers = new Set<number>();
    const wrong = addresses.filter(({ address }) => {
      const [, number, street] = /^([1-9]\d*) (.+)$/.exec(addressLine(address)) ?? [];
      numbers.add(Number(number));
      return street === undefined || !known.has(street) || Number(number) > HIGHEST_HOUSE_NUMBER;
    });
    expect(wrong).toEqual([]);
    expect(Math.min(...numbers)).toBe(1);
    expect(Math.max(...numbers)).toBe(HIGHEST_HOUSE_NUMBER);
  });

  it('use every sector digit and only the allowed unit letters', () => {
    const inward = addresses.map(({ address }) => address.inward);
    expect(new Set(inward.map((code) => code[0]))).toEqual(new Set('0123456789'));
    const letters = new Set(inward.flatMap((code) => [code[1]!, code[2]!]));
    expect(letters).toEqual(new Set(INWARD_LETTERS));
    for (const forbidden of 'CIKMOV') expect(letters.has(forbidden)).toBe(false);
  });
});

describe('reproducibility and refusals', () => {
  it('gives the same districts, practices and addresses for the same random stream', () => {
    const run = () => {
      const random = createRandom(2026, 'same');
      return Array.from({ length: 100 }, () => {
        const district = registration.drawPostcodeDistrict('E08000035', random);
        return [
          district,
          registration.drawPractice('leeds', district, random),
          registration.syntheticAddress(district, random),
        ];
      });
    };
    expect(run()).toEqual(run());
  });

  it('refuses to compile when a district with residents has no practice, or there are no streets', () => {
    const withoutCraven = {
      ...calibration,
      practices: calibration.practices.filter((p) => p.lad19 !== 'E07000163'),
    };
    const result = compileRegistration(withoutCraven, streets);
    expect(result).toEqual({
      ok: false,
      error: expect.stringMatching(/^no practice in district E07000163 \(needed by E01\d+\)$/),
    });
    expect(compileRegistration(calibration, []).ok).toBe(false);
  });

  it("throws for a district, place or postcode district that did not come from the calibration (a caller's bug)", () => {
    const random = createRandom(1, 'bugs');
    expect(() => registration.drawPostcodeDistrict('E06000065', random)).toThrow(/no practice/);
    expect(() => registration.drawPractice('atlantis', 'LS6', random)).toThrow(/atlantis/);
    expect(() => registration.syntheticAddress('ZZ9', random)).toThrow(/ZZ9/);
  });
});

describe('loadStreets', () => {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const file = (text: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'accord-streets-'));
    made.push(dir);
    const path = join(dir, 'streets.csv');
    writeFileSync(path, text);
    return path;
  };

  it('loads the shipped list: over a hundred distinct names', () => {
    expect(streets.length).toBeGreaterThan(100);
    expect(new Set(streets).size).toBe(streets.length);
  });

  it('reports every bad or repeated name with its line, a bad header, and a missing file', () => {
    const bad = loadStreets(file('street\nChurch Lane\nchurch lane\nChurch Lane\nMill Lane,extra\n'));
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.map((issue) => [issue.line, issue.message.slice(0, 20)])).toEqual([
        [3, 'must be one street n'],
        [4, 'duplicate street Chu'],
        [5, 'must be one street n'],
      ]);
    }
    const header = loadStreets(file('name\nChurch Lane\n'));
    expect(header.ok ? [] : header.error).toEqual([
      expect.objectContaining({ line: 1, message: expect.stringMatching(/street/) }),
    ]);
    const missing = loadStreets(join(tmpdir(), 'accord-no-such-streets.csv'));
    expect(missing.ok ? [] : missing.error).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/missing/) }),
    ]);
  });
});
