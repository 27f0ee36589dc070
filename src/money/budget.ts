/**
 * @module money/budget
 * The collective budget: what each account is planned to spend (expenditure) or receive (income) in each month of a
 * financial year, set as a whole year at a time from a CSV file, and set again as a new version (never edited), with
 * why. Pure: the file's checks, row by row with their line, and the report that sets the budget beside the ledger's
 * actuals — budget and actual to date, the variance, and the forecast outturn (actuals to date plus the budget for
 * the months to come, the usual month-by-month NHS and council method) — by organisation, place, programme or
 * category, for the system or one place.
 */
import { parsePounds } from '../core/money.js';
import { err, ok, type Result } from '../core/result.js';
import { parseCsv } from '../synthetic/csv.js';
import type { Account, Dimension } from './chart.js';

export const BUDGET_COLUMNS = ['account', 'period', 'amount'] as const;

export interface BudgetLine {
  readonly account: string;
  /** 1 (April) to 12 (March). */
  readonly period: number;
  /** Planned spending (expenditure) or receipts (income), in pence, never negative. */
  readonly amountPence: number;
}

export interface BudgetRowError {
  readonly line: number;
  readonly message: string;
}

/** Reads a year's budget: `account,period,amount` (amount in pounds); any error refuses the whole file. */
export function parseBudgetCsv(
  text: string,
  chart: readonly Account[],
): Result<BudgetLine[], BudgetRowError[]> {
  const parsed = parseCsv(text);
  if (!parsed.ok) return err(parsed.error.map((i) => ({ line: i.line ?? 1, message: i.message })));
  const [header, ...records] = parsed.value;
  const names = header?.fields.map((f) => f.trim().toLowerCase()) ?? [];
  if (
    header === undefined ||
    BUDGET_COLUMNS.some((c, i) => names[i] !== c) ||
    names.length !== BUDGET_COLUMNS.length
  ) {
    return err([
      {
        line: header?.line ?? 1,
        message: `the first line must name the columns ${BUDGET_COLUMNS.join(',')}, in that order`,
      },
    ]);
  }
  const errors: BudgetRowError[] = [];
  const lines: BudgetLine[] = [];
  const seen = new Map<string, number>();
  const accounts = new Map(chart.map((a) => [a.code, a]));
  for (const record of records) {
    const [code = '', periodText = '', amountText = ''] = record.fields.map((f) => f.trim());
    const at = (message: string) => errors.push({ line: record.line, message });
    if (record.fields.length !== BUDGET_COLUMNS.length) {
      at(`has ${record.fields.length} fields; a row has ${BUDGET_COLUMNS.length}: account, period, amount`);
      continue;
    }
    const account = accounts.get(code);
    if (account === undefined)
      at(`account ${code === '' ? '(empty)' : code} is not in the chart of accounts`);
    else if (account.kind !== 'expenditure' && account.kind !== 'income') {
      at(`account ${code} is ${account.kind}: budgets are set for income and expenditure accounts`);
    }
    const period = /^(?:M)?(\d{1,2})$/i.exec(periodText);
    const month = period === null ? Number.NaN : Number(period[1]);
    if (!(month >= 1 && month <= 12))
      at(`period ${periodText} is not a month of the year: 1 (April) to 12 (March)`);
    const amount = parsePounds(amountText);
    if (!amount.ok) at(`amount ${amountText === '' ? '(empty)' : amountText}: ${amount.error}`);
    const key = `${code}|${month}`;
    if (seen.has(key))
      at(`account ${code}, period ${month} is already budgeted on line ${seen.get(key) ?? ''}`);
    seen.set(key, record.line);
    if (account !== undefined && amount.ok && month >= 1 && month <= 12) {
      lines.push({ account: code, period: month, amountPence: amount.value });
    }
  }
  if (records.length === 0) errors.push({ line: header.line, message: 'the file has no budget rows' });
  return errors.length > 0 ? err(errors) : ok(lines);
}

/** One account's actual for one period: the net of its journal lines (debit positive). */
export interface ActualCell {
  readonly account: string;
  readonly period: number;
  readonly netPence: number;
}

export interface BudgetRow {
  /** The dimension's id (an organisation, place, programme or category); undefined: accounts without one. */
  readonly key: string | undefined;
  readonly kind: 'expenditure' | 'income';
  readonly annualBudgetPence: number;
  readonly budgetToDatePence: number;
  readonly actualToDatePence: number;
  /** Actual less budget to date: for expenditure, positive is an overspend; for income, positive is more received. */
  readonly varianceToDatePence: number;
  /** Actual to date plus the budget of the months after `through`. */
  readonly forecastOutturnPence: number;
  readonly forecastVariancePence: number;
}

export interface BudgetReportInput {
  readonly chart: readonly Account[];
  readonly budget: readonly BudgetLine[];
  readonly actuals: readonly ActualCell[];
  /** The last month of the year with actuals to count (1–12). */
  readonly through: number;
  readonly by: Dimension;
  /** Only the accounts of one place. */
  readonly place?: string;
}

/**
 * The budget beside the actuals, by a dimension and kind. Actuals are signed as the budget is: spending for
 * expenditure (debits less credits), receipts for income (credits less debits).
 */
export function budgetReport(input: BudgetReportInput): BudgetRow[] {
  const accounts = new Map(
    input.chart
      .filter(
        (a) =>
          (a.kind === 'expenditure' || a.kind === 'income') &&
          (input.place === undefined || a.place === input.place),
      )
      .map((a) => [a.code, a]),
  );
  const rows = new Map<
    string,
    {
      key: string | undefined;
      kind: 'expenditure' | 'income';
      annual: number;
      budget: number;
      actual: number;
      remaining: number;
    }
  >();
  const rowOf = (account: Account) => {
    const key = account[input.by];
    const kind = account.kind as 'expenditure' | 'income';
    const id = `${kind}|${key ?? ''}`;
    const row = rows.get(id) ?? { key, kind, annual: 0, budget: 0, actual: 0, remaining: 0 };
    rows.set(id, row);
    return row;
  };
  for (const line of input.budget) {
    const account = accounts.get(line.account);
    if (account === undefined) continue;
    const row = rowOf(account);
    row.annual += line.amountPence;
    if (line.period <= input.through) row.budget += line.amountPence;
    else row.remaining += line.amountPence;
  }
  for (const cell of input.actuals) {
    const account = accounts.get(cell.account);
    if (account === undefined || cell.period > input.through) continue;
    const row = rowOf(account);
    row.actual += account.kind === 'expenditure' ? cell.netPence : -cell.netPence;
  }
  return [...rows.values()]
    .sort((a, b) => a.kind.localeCompare(b.kind) || (a.key ?? '~').localeCompare(b.key ?? '~'))
    .map((r) => ({
      key: r.key,
      kind: r.kind,
      annualBudgetPence: r.annual,
      budgetToDatePence: r.budget,
      actualToDatePence: r.actual,
      varianceToDatePence: r.actual - r.budget,
      forecastOutturnPence: r.actual + r.remaining,
      forecastVariancePence: r.actual + r.remaining - r.annual,
    }));
}
