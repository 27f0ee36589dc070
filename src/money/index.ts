/**
 * @module money
 * Money (issue 8; docs/money.md): the ledger — a double-entry journal in integer pence, per partnership, with a
 * chart of accounts by organisation, place, programme and category, monthly periods that close for good, postings
 * and reversing entries, and the trial balance and balances by dimension. On top of it, in their own modules: the
 * budget (budget.ts, budget-store.ts), pooled budgets (pooled-budget.ts, pool-store.ts), fair shares (fair-shares/)
 * and transformation funding (transformation/).
 */
export {
  ACCOUNT_KINDS,
  AccountInput,
  DIMENSIONS,
  checkAccount,
  normalSide,
  type Account,
  type AccountKind,
  type Dimension,
  type NewAccount,
} from './chart.js';
export { LEDGER_ROLES, type Actor, type LedgerContext } from './context.js';
export {
  ACCOUNT_CODE,
  EntryInput,
  ReversalInput,
  checkEntry,
  type BooksFacts,
  type EntryLine,
  type ProposedEntry,
  type ReversalRequest,
} from './ledger.js';
export {
  comparePeriods,
  financialYearLabel,
  inRange,
  onlyPeriod,
  periodDates,
  periodLabel,
  periodOfDate,
  wholeYear,
  type PeriodRange,
  type PeriodRef,
} from './periods.js';
export { closeAccount, openAccount, openFinancialYear } from './books.js';
export { closePeriod, postEntry, reverseEntry } from './posting.js';
export {
  readChart,
  readEntries,
  readEntry,
  readJournal,
  postersOf,
  readPeriods,
  type JournalPage,
  type Closure,
  type PeriodRecord,
  type PostedEntry,
  type PostedLine,
  type Stamp,
} from './repository.js';
export {
  balancesBy,
  trialBalance,
  type BalanceRow,
  type Balances,
  type Grouping,
  type Totals,
  type TrialBalance,
  type TrialBalanceRow,
} from './reports.js';
