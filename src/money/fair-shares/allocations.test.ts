/**
 * Current allocations: a good CSV (ids or names, pounds as people write them), a bad one with every problem on its
 * line, and the demo's illustrative split — adding up to the budget, within ±5% of the population share, the same
 * every time, and labelled as illustrative.
 */
import { describe, expect, it } from 'vitest';
import { demoAllocations, demoPerturbation, readAllocationsCsv } from './allocations.js';

const PLACES = [
  { id: 'north-bank', name: 'North Bank' },
  { id: 'south-bank', name: 'South Bank' },
];

describe('current allocations', () => {
  it('are read from a CSV by place id or name, in pounds', () => {
    const read = readAllocationsCsv(
      'Place,Allocation_Pounds\r\nnorth-bank,"1,250,000.50"\r\nSouth Bank,£900000\r\n',
      PLACES,
      'allocations.csv',
    );
    if (!read.ok) throw new Error(JSON.stringify(read.error));
    expect([...read.value.pence]).toEqual([
      ['north-bank', 125_000_050],
      ['south-bank', 90_000_000],
    ]);
    expect(read.value.source.kind).toBe('supplied');
  });

  it('report every problem of a bad CSV with its line', () => {
    const read = readAllocationsCsv(
      'place,allocation_pounds\nnorth-bank,12.345\nwest-bank,100\nnorth-bank,5\n,\n',
      PLACES,
      'allocations.csv',
    );
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(read.error.map((i) => `${i.line ?? '-'}: ${i.message}`)).toEqual([
        '2: allocation_pounds "12.345" is not an amount: Enter an amount in pounds, like 250000 or 250,000.50',
        '3: "west-bank" is not a place of the partnership (its places: north-bank, south-bank)',
        '4: North Bank is given twice (first on line 2)',
        '5: place is empty: give the place id or name',
        '5: allocation_pounds is empty',
      ]);
      expect(read.error.every((i) => i.file === 'allocations.csv')).toBe(true);
    }
    const missing = readAllocationsCsv('place,allocation_pounds\nnorth-bank,10\n', PLACES, 'a.csv');
    expect(!missing.ok && missing.error[0]?.message).toBe(
      'no allocation for South Bank: every place needs one row',
    );
    const header = readAllocationsCsv('place,amount\nnorth-bank,10\n', PLACES, 'a.csv');
    expect(!header.ok && header.error[0]?.message).toMatch(/missing column: allocation_pounds/);
  });

  it('for the demo: split the budget by population within ±5%, the same every time, labelled illustrative', () => {
    const places = [
      { id: 'a', population: 500_000 },
      { id: 'b', population: 300_000 },
      { id: 'c', population: 200_000 },
    ];
    const demo = demoAllocations(places, 550_000_000_000, 'wyh-five-year-plan-2020');
    if (!demo.ok) throw new Error('demo');
    const parts = places.map((p) => demo.value.pence.get(p.id) ?? 0);
    expect(parts.reduce((s, p) => s + p, 0)).toBe(550_000_000_000);
    places.forEach((p, i) => {
      const fair = (550_000_000_000 * p.population) / 1_000_000;
      expect(Math.abs((parts[i] ?? 0) / fair - 1)).toBeLessThan(0.11); // ±5% each, renormalised
    });
    expect(demoAllocations(places, 550_000_000_000, 'x')).toEqual(
      demoAllocations(places, 550_000_000_000, 'x'),
    );
    expect(demo.value.source.kind).toBe('illustrative');
    expect(demo.value.source.description).toMatch(/^ILLUSTRATIVE DEMO DATA/);
    for (const id of ['a', 'b', 'leeds', 'x'.repeat(50)]) {
      expect(Math.abs(demoPerturbation('seed', id))).toBeLessThanOrEqual(0.05);
    }
    expect(demoAllocations(places, 0, 'x').ok).toBe(false);
  });
});
