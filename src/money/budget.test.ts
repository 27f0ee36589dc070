/**
 * The budget file's checks (every bad row named with its line) and the report beside the actuals: to date, variance
 * and forecast outturn, signed for spending and for income, by a dimension and for one place.
 */
import { describe, expect, it } from 'vitest';
import type { Account } from './chart.js';
import { budgetReport, parseBudgetCsv } from './budget.js';

const chart: Account[] = [
  {
    code: 'EXP-NB-ACUTE',
    name: 'North Bank acute',
    kind: 'expenditure',
    place: 'north-bank',
    category: 'acute',
    closed: false,
  },
  {
    code: 'EXP-SB-ACUTE',
    name: 'South Bank acute',
    kind: 'expenditure',
    place: 'south-bank',
    category: 'acute',
    closed: false,
  },
  { code: 'INC-NB', name: 'North Bank allocation', kind: 'income', place: 'north-bank', closed: false },
  { code: 'CASH', name: 'Cash', kind: 'asset', closed: false },
];

describe('the budget file', () => {
  it('reads account, period and amount in pounds', () => {
    const parsed = parseBudgetCsv(
      'account,period,amount\nEXP-NB-ACUTE,1,"1,000.50"\nEXP-NB-ACUTE,M2,1000\n',
      chart,
    );
    expect(parsed.ok && parsed.value).toEqual([
      { account: 'EXP-NB-ACUTE', period: 1, amountPence: 100_050 },
      { account: 'EXP-NB-ACUTE', period: 2, amountPence: 100_000 },
    ]);
  });

  it('names every bad row with its line, and keeps none', () => {
    const parsed = parseBudgetCsv(
      'account,period,amount\nNOPE,1,10\nCASH,2,10\nEXP-NB-ACUTE,13,10\nEXP-NB-ACUTE,3,10.001\nEXP-NB-ACUTE,4,5\nEXP-NB-ACUTE,4,6\nEXP-NB-ACUTE,5\n',
      chart,
    );
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error.map((e) => `${e.line}: ${e.message}`)).toEqual([
      '2: account NOPE is not in the chart of accounts',
      '3: account CASH is asset: budgets are set for income and expenditure accounts',
      '4: period 13 is not a month of the year: 1 (April) to 12 (March)',
      '5: amount 10.001: Enter an amount in pounds, like 250000 or 250,000.50',
      '7: account EXP-NB-ACUTE, period 4 is already budgeted on line 6',
      '8: has 2 fields; a row has 3: account, period, amount',
    ]);
    expect(parseBudgetCsv('acct,month,pounds\n', chart).ok).toBe(false);
    expect(parseBudgetCsv('account,period,amount\n', chart).ok).toBe(false);
  });
});

describe('the report', () => {
  const budget = [
    ...Array.from({ length: 12 }, (_, i) => ({ account: 'EXP-NB-ACUTE', period: i + 1, amountPence: 1_000 })),
    ...Array.from({ length: 12 }, (_, i) => ({ account: 'EXP-SB-ACUTE', period: i + 1, amountPence: 500 })),
    ...Array.from({ length: 12 }, (_, i) => ({ account: 'INC-NB', period: i + 1, amountPence: 1_200 })),
  ];
  const actuals = [
    { account: 'EXP-NB-ACUTE', period: 1, netPence: 1_100 },
    { account: 'EXP-NB-ACUTE', period: 2, netPence: 1_050 },
    { account: 'EXP-NB-ACUTE', period: 4, netPence: 9_999 }, // after "through": not counted
    { account: 'EXP-SB-ACUTE', period: 1, netPence: 400 },
    { account: 'INC-NB', period: 1, netPence: -1_200 },
    { account: 'INC-NB', period: 2, netPence: -1_100 },
  ];

  it('adds budget and actuals to date, the variance and the forecast outturn, by place', () => {
    const rows = budgetReport({ chart, budget, actuals, through: 2, by: 'place' });
    expect(rows).toEqual([
      {
        key: 'north-bank',
        kind: 'expenditure',
        annualBudgetPence: 12_000,
        budgetToDatePence: 2_000,
        actualToDatePence: 2_150,
        varianceToDatePence: 150,
        forecastOutturnPence: 12_150,
        forecastVariancePence: 150,
      },
      {
        key: 'south-bank',
        kind: 'expenditure',
        annualBudgetPence: 6_000,
        budgetToDatePence: 1_000,
        actualToDatePence: 400,
        varianceToDatePence: -600,
        forecastOutturnPence: 5_400,
        forecastVariancePence: -600,
      },
      {
        key: 'north-bank',
        kind: 'income',
        annualBudgetPence: 14_400,
        budgetToDatePence: 2_400,
        actualToDatePence: 2_300,
        varianceToDatePence: -100,
        forecastOutturnPence: 14_300,
        forecastVariancePence: -100,
      },
    ]);
  });

  it('for one place, by category', () => {
    const rows = budgetReport({ chart, budget, actuals, through: 2, by: 'category', place: 'south-bank' });
    expect(rows.map((r) => [r.key, r.actualToDatePence])).toEqual([['acute', 400]]);
  });

  it('every reported total is the sum of its budget lines and actuals', () => {
    const rows = budgetReport({ chart, budget, actuals, through: 12, by: 'category' });
    const spent = rows.filter((r) => r.kind === 'expenditure').reduce((s, r) => s + r.actualToDatePence, 0);
    expect(spent).toBe(1_100 + 1_050 + 9_999 + 400);
    expect(rows.reduce((s, r) => s + r.annualBudgetPence, 0)).toBe(
      budget.reduce((s, l) => s + l.amountPence, 0),
    );
  });
});
