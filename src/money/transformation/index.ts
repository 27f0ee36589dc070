/**
 * @module money/transformation
 * Transformation funding allocated to programmes in tranches and released against verified milestones and a release
 * body's agreed decision, posted to the ledger (docs/transformation.md).
 */
export {
  FUNDING,
  FundInput,
  ReleaseInput,
  checkFund,
  checkRelease,
  type Funding,
  type ReleaseFacts,
} from './rules.js';
export {
  FUND_ROLES,
  createFund,
  listFunds,
  releaseTranche,
  type Fund,
  type Release,
  type Tranche,
} from './funds.js';
