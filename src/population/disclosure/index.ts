/**
 * @module population/disclosure
 * Statistical disclosure control: the one module every published figure passes through — pages, CSV, JSON and
 * the API (docs/disclosure.md). Counts of 1 to 7 are withheld, others rounded to the nearest 5; entries of a
 * table or series that could be worked out from its totals are withheld too; rates are shown only from 10
 * events. What comes out is a branded, tagged cell whose suppressed form holds no number at all. Pure; errors
 * are values.
 */
export {
  formatForCsv,
  formatForDisplay,
  formatLimitsForCsv,
  SUPPRESSED_NOTE,
  SUPPRESSED_SYMBOL,
  type CountCell,
  type FormatOptions,
  type PublishedCell,
  type PublishedCount,
  type PublishedRate,
  type RateCell,
  type SuppressedCell,
  type SuppressionReason,
} from './cells.js';
export { protectRate, type ProtectedRate, type RateInput } from './rates.js';
export {
  checkPolicy,
  DEFAULT_POLICY,
  MIN_EVENTS_FOR_RATE,
  ROUND_TO,
  SUPPRESS_AT_OR_BELOW,
  type DisclosurePolicy,
} from './rules.js';
export {
  protectCount,
  protectSeries,
  protectTable,
  type ProtectedSeries,
  type ProtectedTable,
} from './table.js';
