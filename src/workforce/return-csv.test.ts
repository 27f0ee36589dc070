/**
 * The return file's checks, rule by rule, each with the line (and column) it reports; and a generated property: any
 * valid set of lines written as a file reads back exactly, and the measures' totals equal the sums of the lines.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../core/paths.js';
import { sumLines } from './measures.js';
import {
  errorText,
  formatReturnCsv,
  parseReturnCsv,
  RETURN_COLUMNS,
  type ReturnError,
  type ReturnLine,
} from './return-csv.js';
import { STAFF_GROUP_IDS } from './staff-groups.js';

const ORGS = new Set(['riverside-hospitals', 'riverside-minds', 'north-bank-council']);
const ctx = { organisations: ORGS, today: '2025-06-30' };
const HEADER = RETURN_COLUMNS.join(',');
const GOOD = 'riverside-hospitals,2024-Q2,nurses-and-health-visitors,110.5,100,90.25,10.5,6,4,2';

/** A good row of another staff group, to stand beside a bad one. */
const OTHER = GOOD.replace('nurses-and-health-visitors', 'midwives');

const file = (...rows: string[]) => [HEADER, ...rows].join('\n') + '\n';
const errorsOf = (text: string): ReturnError[] => {
  const result = parseReturnCsv(text, ctx);
  if (result.ok) throw new Error('expected the file to be refused');
  return result.error;
};
/** A good row with one column's value replaced. */
const withCell = (column: (typeof RETURN_COLUMNS)[number], value: string): string => {
  const cells = GOOD.split(',');
  cells[RETURN_COLUMNS.indexOf(column)] = value;
  return cells.join(',');
};

describe('a valid return', () => {
  it('reads every figure with its line', () => {
    const result = parseReturnCsv(file(GOOD, withCell('staff_group', 'midwives')), ctx);
    expect(result).toEqual({
      ok: true,
      value: [
        {
          line: 2,
          organisation: 'riverside-hospitals',
          period: '2024-Q2',
          staffGroup: 'nurses-and-health-visitors',
          postsFte: 110.5,
          headcount: 100,
          staffFte: 90.25,
          vacanciesFte: 10.5,
          starters: 6,
          leavers: 4,
          newRoles: 2,
        },
        expect.objectContaining({ line: 3, staffGroup: 'midwives' }),
      ],
    });
  });

  it('takes columns in any order, CRLF line ends, a byte-order mark, quoted fields and blank lines', () => {
    const columns = [...RETURN_COLUMNS].reverse();
    const values = GOOD.split(',').reverse();
    values[values.length - 1] = '"riverside-hospitals"';
    const text = '\uFEFF' + columns.join(',') + '\r\n\r\n' + values.join(',') + '\r\n';
    const result = parseReturnCsv(text, ctx);
    expect(result.ok && result.value[0]).toMatchObject({
      line: 3,
      organisation: 'riverside-hospitals',
      newRoles: 2,
    });
  });

  it('accepts zeros and a header in capitals with spaces', () => {
    const header = RETURN_COLUMNS.map((c) => ` ${c.toUpperCase()} `).join(',');
    const result = parseReturnCsv(`${header}\nriverside-minds,2025-Q1,midwives,0,0,0,0,0,0,0\n`, ctx);
    expect(result.ok).toBe(true);
  });
});

describe('the header', () => {
  it('reports missing columns once, on line 1', () => {
    const header = RETURN_COLUMNS.filter((c) => c !== 'leavers' && c !== 'starters').join(',');
    const errors = errorsOf(`${header}\nriverside-hospitals,2024-Q2,midwives,1,1,1,0,0\n`);
    expect(errors).toEqual([
      { line: 1, message: expect.stringMatching(/^the header lacks columns starters, leavers: add them/) },
    ]);
  });

  it('reports an unknown and a repeated column', () => {
    const errors = errorsOf(`${HEADER},leavers,bank_staff\n${GOOD},4,1\n`);
    expect(errors.map(errorText)).toEqual([
      'line 1: column leavers is named twice in the header: keep one',
      expect.stringMatching(
        /^line 1: column bank_staff is not a column of the return: the columns are organisation,/,
      ),
    ]);
  });

  it('refuses an empty file and a header without rows', () => {
    expect(errorsOf('')[0]?.message).toMatch(/^the file is empty/);
    expect(errorsOf(file())).toEqual([
      { line: 1, message: expect.stringMatching(/has a header but no rows/) },
    ]);
  });
});

describe('each row', () => {
  it.each([
    ['organisation', 'nowhere-trust', /nowhere-trust is not an organisation of the partnership/],
    ['organisation', '', /organisation is empty/],
    ['period', '2024-06', /period 2024-06 is not a quarter: write it as YYYY-Qn/],
    ['period', '2024-Q5', /is not a quarter/],
    ['period', '2025-Q3', /period 2025-Q3 has not ended yet/],
    ['staff_group', 'porters', /porters is not a staff group: use one of medical-and-dental/],
    ['posts_fte', '-1', /posts_fte is negative \(-1\): FTE cannot be below 0/],
    ['posts_fte', '12.345', /more than 2 decimal places/],
    ['posts_fte', 'twelve', /posts_fte is not a number \(twelve\)/],
    ['posts_fte', '', /posts_fte is empty/],
    ['staff_in_post_headcount', '100.5', /not a whole number \(100.5\): count people, not FTE/],
    ['staff_in_post_headcount', '-3', /is negative/],
    ['starters', 'x', /starters is not a number/],
    ['leavers', '-1', /leavers is negative/],
    ['new_roles_headcount', '2000000', /too large/],
  ] as const)('%s = %j is refused', (column, value, message) => {
    const errors = errorsOf(file(OTHER, withCell(column, value)));
    expect(errors).toEqual([{ line: 3, column, message: expect.stringMatching(message) }]);
  });

  it.each([
    [
      'staff_in_post_fte',
      { staff_in_post_fte: '100.5' },
      /staff_in_post_fte \(100.5\) is more than staff_in_post_headcount \(100\)/,
    ],
    ['vacancies_fte', { vacancies_fte: '111' }, /vacancies_fte \(111\) is more than posts_fte \(110.5\)/],
    [
      'leavers',
      { leavers: '101' },
      /leavers \(101\) is more than staff_in_post_headcount \(100\): give the leavers in this quarter only/,
    ],
    [
      'starters',
      { starters: '150', leavers: '40' },
      /starters \(150\) is more than staff_in_post_headcount plus leavers \(140\)/,
    ],
    [
      'new_roles_headcount',
      { new_roles_headcount: '101' },
      /new_roles_headcount \(101\) is more than staff_in_post_headcount/,
    ],
  ] as const)('an impossible %s is refused with its line', (column, cells, message) => {
    let row = GOOD;
    for (const [c, v] of Object.entries(cells)) {
      const parts = row.split(',');
      parts[RETURN_COLUMNS.indexOf(c as (typeof RETURN_COLUMNS)[number])] = v;
      row = parts.join(',');
    }
    expect(errorsOf(file(OTHER, row))).toEqual([
      { line: 3, column, message: expect.stringMatching(message) },
    ]);
  });

  it('refuses the same organisation, period and staff group twice, naming the first line', () => {
    const errors = errorsOf(file(GOOD, withCell('staff_group', 'midwives'), GOOD));
    expect(errors).toEqual([
      {
        line: 4,
        message:
          'riverside-hospitals, 2024-Q2, nurses-and-health-visitors is also on line 2: give each organisation, period and staff group once (add the figures together, or remove one row)',
      },
    ]);
  });

  it('refuses a row with too few or too many fields', () => {
    const errors = errorsOf(
      file(GOOD.split(',').slice(0, 9).join(','), `${withCell('staff_group', 'midwives')},7`),
    );
    expect(errors.map((e) => e.line)).toEqual([2, 3]);
    expect(errors[0]?.message).toMatch(/has 9 fields but the header names 10/);
  });

  it('reports every error of the file, in line order, with the line a quoted line break moves it to', () => {
    const text = file(
      withCell('organisation', '"riverside-\nhospitals"'),
      withCell('leavers', '-2'),
      withCell('period', 'soon'),
    );
    expect(errorsOf(text).map((e) => [e.line, e.column])).toEqual([
      [2, 'organisation'],
      [4, 'leavers'],
      [5, 'period'],
    ]);
  });

  it('reports bad CSV (a stray quote) with its line', () => {
    expect(errorsOf(file(GOOD, 'riverside-"hospitals,2024-Q2'))[0]).toMatchObject({ line: 3 });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Generated: valid lines round-trip, and totals are sums.

const fte = (max: number) => fc.integer({ min: 0, max: max * 100 }).map((n) => n / 100);
const validLine = fc
  .record({
    organisation: fc.constantFrom(...ORGS),
    period: fc
      .tuple(fc.integer({ min: 2015, max: 2024 }), fc.integer({ min: 1, max: 4 }))
      .map(([y, q]) => `${y}-Q${q}`),
    staffGroup: fc.constantFrom(...STAFF_GROUP_IDS),
    headcount: fc.integer({ min: 0, max: 20_000 }),
    postsFte: fte(25_000),
    a: fc.double({ min: 0, max: 1, noNaN: true }),
    b: fc.double({ min: 0, max: 1, noNaN: true }),
    c: fc.double({ min: 0, max: 1, noNaN: true }),
    d: fc.double({ min: 0, max: 1, noNaN: true }),
    e: fc.double({ min: 0, max: 1, noNaN: true }),
    // Working carers: optional, so some lines leave them unknown.
    f: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  })
  .map(({ a, b, c, d, e, f, ...l }): ReturnLine => {
    const leavers = Math.floor(c * l.headcount);
    return {
      organisation: l.organisation,
      period: l.period,
      staffGroup: l.staffGroup,
      postsFte: l.postsFte,
      headcount: l.headcount,
      staffFte: Math.floor(a * l.headcount * 100) / 100,
      vacanciesFte: Math.floor(b * l.postsFte * 100) / 100,
      starters: Math.floor(d * (l.headcount + leavers)),
      leavers,
      newRoles: Math.floor(e * l.headcount),
      ...(f === undefined ? {} : { workingCarers: Math.floor(f * l.headcount) }),
    };
  });
const validReturn = fc.uniqueArray(validLine, {
  minLength: 1,
  maxLength: 40,
  selector: (l) => `${l.organisation}|${l.period}|${l.staffGroup}`,
});

describe('working carers recognised (the optional working_carers_headcount)', () => {
  const CARERS = `${HEADER},working_carers_headcount`;
  const carersFile = (...rows: string[]) => [CARERS, ...rows].join('\n') + '\n';
  const read = (text: string) => {
    const result = parseReturnCsv(text, ctx);
    if (!result.ok) throw new Error(`refused: ${result.error.map(errorText).join('; ')}`);
    return result.value;
  };

  it('is not required: a file without the column reads as before, the figure unknown (not 0)', () => {
    const [line] = read(file(GOOD));
    expect(line).toBeDefined();
    expect(line).not.toHaveProperty('workingCarers');
  });

  it('reads a figure, and an empty cell as unknown', () => {
    const lines = read(carersFile(`${GOOD},7`, `${OTHER},`));
    expect(lines.map((l) => l.workingCarers)).toEqual([7, undefined]);
    expect(lines[1]).not.toHaveProperty('workingCarers');
    expect(read(carersFile(`${GOOD},0`))[0]?.workingCarers).toBe(0);
  });

  it('may stand anywhere in the header, in any case', () => {
    const header = ['WORKING_CARERS_HEADCOUNT', ...RETURN_COLUMNS].join(',');
    expect(read(`${header}\n12,${GOOD}\n`)[0]?.workingCarers).toBe(12);
  });

  it.each([
    ['-3', /working_carers_headcount is negative \(-3\)/],
    ['2.5', /working_carers_headcount is not a whole number \(2.5\)/],
    ['some', /working_carers_headcount is not a number \(some\)/],
    [
      '101',
      /working_carers_headcount \(101\) is more than staff_in_post_headcount \(100\): working carers recognised are staff in post/,
    ],
  ])('refuses %s with its line', (value, message) => {
    expect(errorsOf(carersFile(`${OTHER},5`, `${GOOD},${value}`))).toEqual([
      { line: 3, column: 'working_carers_headcount', message: expect.stringMatching(message) },
    ]);
  });

  it('accepts as many carers as staff in post', () => {
    expect(read(carersFile(`${GOOD},100`))[0]?.workingCarers).toBe(100);
  });

  it('is written only when some line has it, as an empty cell where a line does not, and reads back', () => {
    const [a, b] = read(file(GOOD, OTHER)).map(({ line: _line, ...l }) => l);
    expect(formatReturnCsv([a!, b!]).split('\n')[0]).toBe(HEADER);
    const text = formatReturnCsv([{ ...a!, workingCarers: 9 }, b!]);
    expect(text.split('\n').slice(0, 3)).toEqual([CARERS, `${GOOD},9`, `${OTHER},`]);
    expect(read(text).map((l) => l.workingCarers)).toEqual([9, undefined]);
  });
});

describe('generated returns', () => {
  it('a valid return written as a file reads back exactly, line by line', () => {
    fc.assert(
      fc.property(validReturn, (lines) => {
        const result = parseReturnCsv(formatReturnCsv(lines), ctx);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.value.map(({ line: _line, ...l }) => l)).toEqual(lines);
        expect(result.value.map((l) => l.line)).toEqual(lines.map((_, i) => i + 2));
      }),
      { numRuns: 200 },
    );
  });

  it('totals equal the sums of the lines read back', () => {
    fc.assert(
      fc.property(validReturn, (lines) => {
        const result = parseReturnCsv(formatReturnCsv(lines), ctx);
        if (!result.ok) throw new Error('valid return refused');
        const totals = sumLines(result.value);
        const sum = (f: (l: ReturnLine) => number) => lines.reduce((s, l) => s + f(l), 0);
        expect(totals.headcount).toBe(sum((l) => l.headcount));
        expect(totals.leavers).toBe(sum((l) => l.leavers));
        expect(totals.starters).toBe(sum((l) => l.starters));
        expect(totals.newRoles).toBe(sum((l) => l.newRoles));
        expect(Math.round(totals.staffFte * 100)).toBe(sum((l) => Math.round(l.staffFte * 100)));
        expect(Math.round(totals.postsFte * 100)).toBe(sum((l) => Math.round(l.postsFte * 100)));
        expect(Math.round(totals.vacanciesFte * 100)).toBe(sum((l) => Math.round(l.vacanciesFte * 100)));
      }),
      { numRuns: 200 },
    );
  });

  it('a valid return with one impossible figure planted is refused at that line', () => {
    fc.assert(
      fc.property(validReturn, fc.nat(), (lines, pick) => {
        const index = pick % lines.length;
        const planted = lines.map((l, i) => (i === index ? { ...l, leavers: l.headcount + 1 } : l));
        const result = parseReturnCsv(formatReturnCsv(planted), ctx);
        expect(result.ok).toBe(false);
        if (!result.ok)
          expect(result.error.some((e) => e.line === index + 2 && e.column === 'leavers')).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

describe('the documented example', () => {
  it('docs/workforce.md’s example file is a valid return', () => {
    const doc = readFileSync(join(packageRoot, 'docs', 'workforce.md'), 'utf8');
    const example = /```csv\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const result = parseReturnCsv(example ?? '', { organisations: new Set(['airedale-nhs-ft']) });
    expect(result.ok && result.value.length).toBe(2);
  });
});
