/**
 * @module workforce
 * Partners' workforce returns (issue 9; docs/workforce.md): staff groups, the return file and its checks, the
 * measures (vacancy rate, turnover, totals by place, staff group and sector), the append-only store, submitting
 * (officers for their own organisation; partner systems with `workforce:write`) and the demo's synthetic returns.
 * `workingCarers` (service.ts) gives the carers' pages the working carers recognised by employer partners in the
 * latest quarter.
 */
export * from './staff-groups.js';
export * from './quarters.js';
export * from './return-csv.js';
export * from './measures.js';
export {
  hasReturns,
  linesOf,
  type ReturnSource,
  type StoredReturn,
  type Submission,
  type SubmitterKind,
} from './repository.js';
export * from './service.js';
export * from './synthetic-returns.js';
