import { describe, expect, it } from 'vitest';
import { compareRecords, defaultComparisons } from './comparisons.js';
import { compileNicknames } from './nicknames.js';
import { type LinkRecord, prepareRecord } from './record.js';

const comparisons = defaultComparisons();
const base: LinkRecord = {
  id: 'a',
  forename: 'Catherine',
  surname: 'Hepworth',
  dateOfBirth: '1971-03-09',
  sex: 'female',
  postcode: 'LS1 4AP',
  nhsNumber: '943 476 5919',
};

/** The label of the level a pair falls in for one field. */
function levelOf(field: string, a: LinkRecord, b: LinkRecord): string {
  const c = comparisons.findIndex((comparison) => comparison.field === field);
  const vector = compareRecords(comparisons, prepareRecord(a), prepareRecord(b));
  return comparisons[c]?.levels[vector[c] ?? -1]?.label ?? 'none';
}

describe('forename levels', () => {
  it.each([
    ['CATHERINE', 'exact'],
    ['cathy', 'nickname'],
    ['Catherina', 'jaro-winkler ≥ 0.92'],
    ['Catharin', 'jaro-winkler ≥ 0.92'],
    ['Cathryn', 'jaro-winkler ≥ 0.88'],
    ['Katerina', 'phonetic'],
    ['Susan', 'else'],
    [undefined, 'missing'],
  ])('Catherine vs %s → %s', (forename, level) => {
    expect(levelOf('forename', base, { ...base, forename })).toBe(level);
  });

  it('recognises forename and surname written the wrong way round', () => {
    expect(levelOf('forename', base, { ...base, forename: 'Hepworth', surname: 'Catherine' })).toBe(
      'transposed with surname',
    );
    expect(levelOf('forename', base, { ...base, forename: 'Hepwroth', surname: 'Catherine' })).toBe(
      'transposed with surname',
    );
    // …and counts it once: the surname's level is neutral.
    expect(levelOf('surname', base, { ...base, forename: 'Hepworth', surname: 'Catherine' })).toBe(
      'transposed with forename (counted there)',
    );
  });
});

describe('surname levels', () => {
  it.each([
    ['HEPWORTH', 'exact'],
    ['Hepworht', 'jaro-winkler ≥ 0.92'],
    ['Hipwort', 'jaro-winkler ≥ 0.88'],
    ['Ipworth', 'else'],
    ['', 'missing'],
  ])('Hepworth vs %s → %s', (surname, level) => {
    expect(levelOf('surname', base, { ...base, surname })).toBe(level);
  });

  it('falls back on sound when the spelling is far apart', () => {
    expect(levelOf('surname', { ...base, surname: 'Knuth' }, { ...base, surname: 'Nath' })).toBe('phonetic');
  });
});

describe('date of birth levels', () => {
  it.each([
    ['1971-03-09', 'exact'],
    ['1971-09-03', 'day and month swapped'],
    ['1971-03-19', 'one component different'],
    ['1972-03-09', 'one component different'],
    ['1980-11-22', 'else'],
    ['1971-02-31', 'missing'],
  ])('1971-03-09 vs %s → %s', (dateOfBirth, level) => {
    expect(levelOf('dateOfBirth', base, { ...base, dateOfBirth })).toBe(level);
  });
});

describe('sex, postcode and NHS number levels', () => {
  it('compares sex, treating unknown as missing', () => {
    expect(levelOf('sex', base, base)).toBe('exact');
    expect(levelOf('sex', base, { ...base, sex: 'male' })).toBe('else');
    expect(levelOf('sex', base, { ...base, sex: 'unknown' })).toBe('missing');
  });

  it.each([
    ['ls14ap', 'full'],
    ['LS1 9ZZ', 'district'],
    ['LS11 4AP', 'else'],
    [undefined, 'missing'],
  ])('LS1 4AP vs %s → %s', (postcode, level) => {
    expect(levelOf('postcode', base, { ...base, postcode })).toBe(level);
  });

  it('counts only valid NHS numbers', () => {
    expect(levelOf('nhsNumber', base, { ...base, nhsNumber: '9434765919' })).toBe('equal and valid');
    expect(levelOf('nhsNumber', base, { ...base, nhsNumber: '9999999999' })).toBe('different');
    // A wrong check digit is a typing error, not a different person's number: compared as missing.
    expect(levelOf('nhsNumber', base, { ...base, nhsNumber: '9434765918' })).toBe('missing');
  });
});

describe('address, email and other identifier levels', () => {
  const home = { ...base, address: 'Flat 3, 12 High Street, Leeds' };
  it.each([
    ['flat 3 12 high street leeds', 'exact'],
    ['Flat 3, 12 Hihg Street, Leeds', 'same numbers, words alike'],
    // A town left out: half the words of the shorter address are in the other.
    ['Flat 3, 12 High Street', 'same numbers, words alike'],
    ['Flat 4, 12 High Street, Leeds', 'words alike, numbers differ'],
    ['Flat 3, 12 Moor Lane, Bradford', 'same house number only'],
    ['1 Moor Lane, Bradford', 'else'],
    ['  ,  ', 'missing'],
  ])('"Flat 3, 12 High Street, Leeds" vs "%s" → %s', (address, level) => {
    expect(levelOf('address', home, { ...home, address })).toBe(level);
  });

  it('compares emails in lower case, and ignores a value that is not an email', () => {
    const mail = { ...base, email: 'Cath.Hepworth@example.org ' };
    expect(levelOf('email', mail, { ...mail, email: 'cath.hepworth@example.org' })).toBe('exact');
    expect(levelOf('email', mail, { ...mail, email: 'cath.hepwroth@example.org' })).toBe(
      'jaro-winkler ≥ 0.88',
    );
    expect(levelOf('email', mail, { ...mail, email: 'tariq@example.com' })).toBe('else');
    expect(levelOf('email', mail, { ...mail, email: 'not an email' })).toBe('missing');
  });

  it('allows one keying error in another identifier, ignoring its formatting', () => {
    const held = { ...base, otherIdentifier: 'SC-530 4218' };
    expect(levelOf('otherIdentifier', held, { ...held, otherIdentifier: 'sc5304218' })).toBe('exact');
    expect(levelOf('otherIdentifier', held, { ...held, otherIdentifier: 'SC5304281' })).toBe(
      'one keying error',
    );
    expect(levelOf('otherIdentifier', held, { ...held, otherIdentifier: 'SC5314219' })).toBe('else');
  });
});

describe('nickname table', () => {
  it('links names that share a group, both ways, and not a name to itself', () => {
    const index = compileNicknames();
    expect(index.areNicknames('WILLIAM', 'BILL')).toBe(true);
    expect(index.areNicknames('PEGGY', 'MARGARET')).toBe(true);
    expect(index.areNicknames('BILL', 'BOB')).toBe(false);
    expect(index.areNicknames('BILL', 'BILL')).toBe(false);
  });
});
