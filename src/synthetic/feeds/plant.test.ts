import { describe, expect, it } from 'vitest';
import { isValidNhsNumber, testRangeNhsNumber } from '../../identity/nhs-number.js';
import { compileNameVariants } from '../name-variants.js';
import { createRandom } from '../random.js';
import { FAULTS, type Fault, type FaultRates } from './faults.js';
import { loadNameVariants } from './name-table.js';
import { mistypeNhsNumber, plantFaults, type Details } from './plant.js';

const names = (() => {
  const loaded = loadNameVariants();
  if (!loaded.ok) throw new Error(loaded.error.title);
  return loaded.value;
})();
const none = Object.fromEntries(FAULTS.map((fault) => [fault, 0])) as Record<Fault, number>;
const only = (fault: Fault, rate = 1): FaultRates => ({ ...none, [fault]: rate });
const william: Details = {
  nhsNumber: '9990000018',
  given: 'William',
  middle: 'John',
  family: 'Smith-Jones',
  birthDate: '1970-03-07',
  address: 2,
};

describe('mistyped NHS numbers', () => {
  it('never pass the modulus 11 check', () => {
    const random = createRandom(1, 'mistype');
    let checked = 0;
    for (let stem = 0; checked < 5000; stem += 7) {
      const number = testRangeNhsNumber(stem);
      if (number === undefined) continue;
      const mistyped = mistypeNhsNumber(number, random);
      expect(mistyped).toHaveLength(10);
      expect(mistyped).not.toBe(number);
      expect(isValidNhsNumber(mistyped)).toBe(false);
      checked++;
    }
  });
});

describe('planting faults', () => {
  it('changes nothing at rate 0, and tells which faults the record was open to', () => {
    const planted = plantFaults(william, none, createRandom(1, 'r'), names);
    expect(planted.details).toEqual(william);
    expect(planted.faults).toEqual([]);
    expect(planted.eligible).toEqual(FAULTS.filter((f) => f !== 'transliteration'));
  });

  it('is the same for the same stream', () => {
    const rates = Object.fromEntries(FAULTS.map((fault) => [fault, 0.5])) as FaultRates;
    const a = plantFaults(william, rates, createRandom(3, 'same'), names);
    const b = plantFaults(william, rates, createRandom(3, 'same'), names);
    expect(a).toEqual(b);
  });

  it('plants each fault as described', () => {
    const plant = (fault: Fault, details: Details = william) =>
      plantFaults(details, only(fault), createRandom(5, fault), names);
    expect(plant('missingNhsNumber').details.nhsNumber).toBeUndefined();
    const mistyped = plant('mistypedNhsNumber').details.nhsNumber ?? '';
    expect(isValidNhsNumber(mistyped)).toBe(false);
    expect(names.variantsOf('William', ['nickname'])).toContain(plant('nickname').details.given);
    expect(['Smith', 'Jones', 'Smith Jones']).toContain(plant('hyphenation').details.family);
    const typo = plant('nameTypo').details;
    expect(typo.given !== 'William' || typo.family !== 'Smith-Jones').toBe(true);
    expect(plant('swappedDayMonth').details.birthDate).toBe('1970-07-03');
    expect(plant('oldAddress').details.address).toBe(1);
    expect(plant('transliteration', { ...william, given: 'Mohammed' }).details.given).not.toBe('Mohammed');
  });

  it('plants only where the record is open to the fault', () => {
    const plain: Details = {
      nhsNumber: undefined,
      given: 'Xq',
      middle: undefined,
      family: 'Qwzx',
      birthDate: '1970-03-13',
      address: 0,
    };
    const all = Object.fromEntries(FAULTS.map((fault) => [fault, 1])) as FaultRates;
    const planted = plantFaults(plain, all, createRandom(1, 'plain'), names);
    // No number to lose or mistype, no nickname or variant, one-part surname, day 13, one address.
    expect(planted.eligible).toEqual(['nameTypo', 'duplicateRecord']);
    expect(planted.faults).toEqual(['nameTypo', 'duplicateRecord']);
  });

  it('never mistypes a number it has left out', () => {
    const both = { ...none, missingNhsNumber: 1, mistypedNhsNumber: 1 };
    const planted = plantFaults(william, both, createRandom(1, 'both'), names);
    expect(planted.faults).toEqual(['missingNhsNumber']);
    expect(planted.eligible).not.toContain('mistypedNhsNumber');
  });

  it('comes out at the configured rate among the records open to it', () => {
    const rates = Object.fromEntries(FAULTS.map((fault) => [fault, 0.2])) as FaultRates;
    const index = compileNameVariants([]);
    let open = 0;
    let carried = 0;
    for (let i = 0; i < 4000; i++) {
      const planted = plantFaults(william, rates, createRandom(9, `rate/${i}`), index);
      if (planted.eligible.includes('swappedDayMonth')) open++;
      if (planted.faults.includes('swappedDayMonth')) carried++;
    }
    expect(open).toBe(4000);
    expect(carried / open).toBeGreaterThan(0.17);
    expect(carried / open).toBeLessThan(0.23);
  });
});
