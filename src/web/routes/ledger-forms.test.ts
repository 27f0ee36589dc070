import { describe, expect, it } from 'vitest';
import { entryFieldOf, entryFromForm } from './ledger-forms.js';

const form = (rows: Record<number, { account?: string; debit?: string; credit?: string; memo?: string }>) =>
  Object.fromEntries([
    ['date', '2025-07-01'],
    ['description', 'Invoice'],
    ['reason', 'Paid'],
    ...Object.entries(rows).flatMap(([n, r]) =>
      Object.entries(r).map(([part, value]) => [`line${n}-${part}`, value]),
    ),
  ]) as Record<string, string>;

describe('the journal entry form', () => {
  it('turns debits and credits in pounds into signed pence, skipping blank rows', () => {
    const read = entryFromForm(
      form({
        1: { account: '5100', debit: '1,250.50' },
        3: { account: '1000', credit: '£1250.50', memo: 'BACS' },
      }),
    );
    expect(read.issues).toEqual([]);
    expect(read.input.lines).toEqual([
      { account: '5100', amountPence: 125_050 },
      { account: '1000', amountPence: -125_050, memo: 'BACS' },
    ]);
    expect(read.rowOf).toEqual([1, 3]);
  });

  it('names each bad row: no account, both sides, neither, not an amount, zero', () => {
    const read = entryFromForm(
      form({
        1: { debit: '10' },
        2: { account: 'A', debit: '1', credit: '1' },
        3: { account: 'B', memo: 'x' },
        4: { account: 'C', credit: '12.345' },
        5: { account: 'D', debit: '0' },
      }),
    );
    expect(read.issues.map((i) => i.path)).toEqual([
      'line1-account',
      'line2-credit',
      'line3-debit',
      'line4-credit',
      'line5-debit',
    ]);
    expect(read.issues[1]?.message).toContain('not both');
    expect(read.input.lines).toEqual([]);
  });

  it("puts the ledger's issues beside the row typed, not the line's index", () => {
    const read = entryFromForm(
      form({ 2: { account: 'NOPE', debit: '5' }, 6: { account: 'CASH', credit: '5' } }),
    );
    expect(entryFieldOf('lines[0].account', read)).toBe('line2-account');
    expect(entryFieldOf('lines[1].amountPence', read)).toBe('line6-credit');
    expect(entryFieldOf('lines[0].amountPence', read)).toBe('line2-debit');
    expect(entryFieldOf('lines', read)).toBe('lines');
    expect(entryFieldOf('date', read)).toBe('date');
    expect(entryFieldOf(undefined, read)).toBe('lines');
  });
});
