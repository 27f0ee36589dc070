import { describe, expect, it } from 'vitest';
import {
  type ColumnMapping,
  formatColumnMapping,
  LINK_FIELDS,
  parseColumnMapping,
  readLinkCsv,
  type ReadOptions,
} from './csv-input.js';

const today = new Date('2026-11-24T12:00:00Z');

function mapping(text: string): ColumnMapping {
  const parsed = parseColumnMapping(text);
  if (!parsed.ok) throw new Error(parsed.error.join('; '));
  return parsed.value;
}

function read(text: string, map: string, options: ReadOptions = {}) {
  const result = readLinkCsv(text, 'people.csv', mapping(map), { today, ...options });
  if (!result.ok) throw new Error(result.error.map((issue) => issue.message).join('; '));
  return result.value;
}

const FULL =
  'id=id,forename=first,surname=last,dateOfBirth=dob,sex=sex,postcode=pc,nhsNumber=nhs,address=addr,email=email,otherIdentifier=other';
const HEADER = 'id,first,last,dob,sex,pc,nhs,addr,email,other';

describe('the column mapping', () => {
  it('reads field=column pairs, field names in any case or with underscores, several columns joined by +', () => {
    expect(
      parseColumnMapping('id=rec_id, Forename=given_name ,date_of_birth=dob,address=street+town,'),
    ).toEqual({
      ok: true,
      value: { id: ['rec_id'], forename: ['given_name'], dateOfBirth: ['dob'], address: ['street', 'town'] },
    });
  });

  it('can map every field of LinkRecord, the new ones included', () => {
    expect(Object.keys(LINK_FIELDS)).toEqual(
      expect.arrayContaining(['address', 'email', 'otherIdentifier', 'nhsNumber', 'sex']),
    );
    expect(formatColumnMapping(mapping(FULL))).toBe(FULL);
  });

  it('reports every problem: unknown field, no =, a field twice, no id', () => {
    const parsed = parseColumnMapping('forename=a,forname=b,surname,forename=c');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toEqual([
      expect.stringMatching(/'forname' is not a field; the fields are id, forename/),
      "'surname' is not field=column",
      'forename is mapped twice',
      expect.stringMatching(/^id is not mapped/),
    ]);
  });
});

describe('reading records', () => {
  it('maps, trims and normalises the cells of good rows', () => {
    const text = [
      HEADER,
      'a1 , Zoë , Ackroyd , 19480614 , F , HX1 2AB , 943 476 5919 , 3 Mill Lane , z@example.org , SC-1',
      'a2,Tariq,,1990-11-02,male,,,,,',
    ].join('\n');
    const csv = read(text, FULL);
    expect(csv.issues).toEqual([]);
    expect(csv.records).toEqual([
      {
        id: 'a1',
        forename: 'Zoë',
        surname: 'Ackroyd',
        dateOfBirth: '1948-06-14',
        sex: 'female',
        postcode: 'HX1 2AB',
        nhsNumber: '9434765919',
        address: '3 Mill Lane',
        email: 'z@example.org',
        otherIdentifier: 'SC-1',
      },
      {
        id: 'a2',
        forename: 'Tariq',
        surname: undefined,
        dateOfBirth: '1990-11-02',
        sex: 'male',
        postcode: undefined,
        nhsNumber: undefined,
        address: undefined,
        email: undefined,
        otherIdentifier: undefined,
      },
    ]);
    expect(csv.lines).toEqual([2, 3]);
    expect(csv).toMatchObject({ rows: 2, rejected: 0 });
  });

  it('joins several address columns, leaving out empty ones', () => {
    const csv = read('id,no,street,town\n1,7,wallaby place,\n', 'id=id,address=no+street+town');
    expect(csv.records[0]?.address).toBe('7, wallaby place');
  });

  it('accepts the usual spellings of sex and the NHS codes', () => {
    const values = [
      'M',
      'f',
      'Male',
      'FEMALE',
      'U',
      'unknown',
      'other',
      '1',
      '2',
      '9',
      '0',
      'X',
      'Not known',
    ];
    const text = ['id,sex', ...values.map((value, i) => `${i},${value}`)].join('\n');
    const csv = read(text, 'id=id,sex=sex');
    expect(csv.issues).toEqual([]);
    expect(csv.records.map((r) => r.sex)).toEqual([
      'male',
      'female',
      'male',
      'female',
      'unknown',
      'unknown',
      'other',
      'male',
      'female',
      'other',
      'unknown',
      'unknown',
      'unknown',
    ]);
  });

  it('reads FEBRL as it comes: comma-and-space separated, YYYYMMDD dates, no quoting', () => {
    const text =
      'rec_id, given_name, surname, street_number, address_1, postcode, date_of_birth, soc_sec_id\n' +
      'rec-1496-org, mitchell, green, 7, wallaby place, 2119, 19560409, 1804974\n';
    const csv = read(
      text,
      'id=rec_id,forename=given_name,surname=surname,postcode=postcode,dateOfBirth=date_of_birth,' +
        'address=street_number+address_1,otherIdentifier=soc_sec_id',
    );
    expect(csv.records).toEqual([
      {
        id: 'rec-1496-org',
        forename: 'mitchell',
        surname: 'green',
        postcode: '2119',
        dateOfBirth: '1956-04-09',
        address: '7, wallaby place',
        otherIdentifier: '1804974',
      },
    ]);
  });
});

describe('bad input', () => {
  const bad = [
    HEADER, // line 1
    'ok1,Ann,Lee,1950-01-01,F,LS1 4AP,9434765919,,,', // 2
    'nhs,Bob,Lee,1950-01-01,M,,9434765918,,,', // 3: check digit
    'dob1,Cat,Lee,1950-02-30,F,,,,,', // 4: not a real date
    'dob2,Dan,Lee,1850-05-01,M,,,,,', // 5: before 1880
    'dob3,Eve,Lee,2030-01-01,F,,,,,', // 6: future
    'sex,Fay,Lee,1950-01-01,woman,,,,,', // 7: sex not recognised
    ',Gus,Lee,1950-01-01,M,,,,,', // 8: empty id
    'ok1,Hal,Lee,1950-01-01,M,,,,,', // 9: repeated id
    'short,Ian,Lee', // 10: too few cells
    'mail,Jo,Lee,1950-01-01,F,,,,jo.example.org,', // 11: email without @
    'dob4,Kit,Lee,14/06/1948,F,,,,,', // 12: wrong date form
    'ok2,Lyn,Lee,,,,,,,', // 13
  ].join('\n');

  it('reports each bad row with its file, line and column, and never the value', () => {
    const csv = read(bad, FULL);
    expect(csv.issues.map((issue) => [issue.line, issue.path])).toEqual([
      [3, 'nhs'],
      [4, 'dob'],
      [5, 'dob'],
      [6, 'dob'],
      [7, 'sex'],
      [8, 'id'],
      [9, 'id'],
      [10, undefined],
      [11, 'email'],
      [12, 'dob'],
    ]);
    expect(csv.issues.every((issue) => issue.file === 'people.csv')).toBe(true);
    const messages = csv.issues.map((issue) => issue.message);
    expect(messages).toEqual([
      expect.stringMatching(/NHS number fails its check digit/),
      expect.stringMatching(/not a real date/),
      expect.stringMatching(/before 1880/),
      expect.stringMatching(/in the future/),
      expect.stringMatching(/sex is not one of/),
      expect.stringMatching(/id is empty/),
      expect.stringMatching(/already used on line 2/),
      expect.stringMatching(/3 cell\(s\) but the header has 10/),
      expect.stringMatching(/email is not an address/),
      expect.stringMatching(/not a date in the form YYYY-MM-DD or YYYYMMDD/),
    ]);
    for (const secret of ['9434765918', '1950-02-30', 'woman', 'jo.example.org', '14/06/1948'])
      expect(messages.join('\n')).not.toContain(secret);
  });

  it('by default leaves out every row with a problem', () => {
    const csv = read(bad, FULL);
    expect(csv.records.map((r) => r.id)).toEqual(['ok1', 'ok2']);
    expect(csv.lines).toEqual([2, 13]);
    expect(csv).toMatchObject({ rows: 12, rejected: 10 });
  });

  it('with treat-as-missing keeps a row whose only fault is a value, without that value', () => {
    const csv = read(bad, FULL, { badValues: 'treat-as-missing' });
    // Still left out: the empty id, the repeated id, the short row.
    expect(csv.records.map((r) => r.id)).toEqual([
      'ok1',
      'nhs',
      'dob1',
      'dob2',
      'dob3',
      'sex',
      'mail',
      'dob4',
      'ok2',
    ]);
    const byId = new Map(csv.records.map((r) => [r.id, r]));
    expect(byId.get('nhs')).toMatchObject({ forename: 'Bob', nhsNumber: undefined });
    expect(byId.get('dob1')?.dateOfBirth).toBeUndefined();
    expect(byId.get('sex')?.forename).toBe('Fay');
    expect(byId.get('sex')?.sex).toBeUndefined();
    expect(byId.get('mail')?.email).toBeUndefined();
    expect(csv.issues).toHaveLength(10);
    expect(csv.rejected).toBe(3);
  });

  it('reports a malformed line and reads the lines after it', () => {
    const text = [
      'id,first,last',
      'a,Ann,Lee',
      'b,Bo"b,Lee', // 3: a quote inside an unquoted field
      'c,"Cat,Lee', // 4: never closed — would swallow the rest of the file
      'd,Dan,Lee',
      'e,"Eve" x,Lee', // 6: text after a closing quote
      'f,"Fay, Jr",Lee',
      'g,"Gus', // 8–9: a quoted cell over two lines is one row
      'Jr",Lee',
      'h,Hal,Lee',
    ].join('\r\n');
    const csv = read(text, 'id=id,forename=first,surname=last');
    expect(csv.records.map((r) => r.id)).toEqual(['a', 'd', 'f', 'g', 'h']);
    expect(csv.records[2]?.forename).toBe('Fay, Jr');
    expect(csv.records[3]?.forename).toBe('Gus\nJr');
    expect(csv.lines).toEqual([2, 5, 7, 8, 10]);
    expect(csv.issues.map((issue) => issue.line)).toEqual([3, 4, 6]);
    expect(csv.issues[1]?.message).toMatch(/never closed/);
    expect(csv).toMatchObject({ rows: 8, rejected: 3 });
  });

  it('stops with one clear error naming every mapped column missing from the header', () => {
    const result = readLinkCsv(
      'rec_id,given_name\n1,Ann\n',
      'left.csv',
      mapping('id=rec_id,forename=given_nam,surname=surname'),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toHaveLength(1);
    expect(result.error[0]).toMatchObject({ file: 'left.csv', line: 1 });
    expect(result.error[0]?.message).toMatch(
      /no column 'given_nam' \(for forename\), 'surname' \(for surname\)\. Its columns are: rec_id, given_name\. Change the mapping/,
    );
  });

  it('stops on an empty file, a malformed header, or a mapped column named twice in the header', () => {
    const map = mapping('id=id');
    const messages = (text: string) => {
      const result = readLinkCsv(text, 'x.csv', map);
      return result.ok ? [] : result.error.map((issue) => issue.message);
    };
    expect(messages('')).toEqual([expect.stringMatching(/no header row/)]);
    expect(messages('i"d,name\n1,a\n')).toEqual([expect.stringMatching(/quote inside an unquoted field/)]);
    expect(messages('id,id\n1,2\n')).toEqual([expect.stringMatching(/'id' more than once/)]);
  });
});
