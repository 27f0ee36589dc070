/**
 * @module population/disclosure/cells
 * What a published figure is: a tagged value that has already been through disclosure control. A suppressed
 * cell carries only its reason — the raw number is not on the object at all, so a page, CSV or JSON writer
 * cannot show it by mistake. The cells are branded in the type system: only this module's protect functions
 * make them, so a writer that takes a `PublishedCell` cannot be handed a raw number.
 *
 * The display convention is the Government Statistical Service's (and ONS's) `[c]`, "confidential", for a
 * suppressed figure, in pages and in CSV alike — not NHS Digital's `*`, which screen readers read as "star"
 * and spreadsheets confuse with a wildcard. Every page or file that shows `[c]` should carry
 * `SUPPRESSED_NOTE`.
 */

declare const published: unique symbol;
/** The brand of a figure that went through disclosure control: only in the types, nothing at run time. */
interface Published {
  readonly [published]: true;
}

export type SuppressionReason = 'small-count' | 'secondary' | 'too-few-events';

/** A count, rounded to the policy's base (5). */
export type CountCell = Published & { readonly kind: 'count'; readonly value: number };
/** A withheld figure: only why, never what. */
export type SuppressedCell = Published & { readonly kind: 'suppressed'; readonly reason: SuppressionReason };
/** A rate, proportion or DSR with its confidence limits, published because it rests on enough events. */
export type RateCell = Published & {
  readonly kind: 'rate';
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
};

export type PublishedCount = CountCell | SuppressedCell;
export type PublishedRate = RateCell | SuppressedCell;
export type PublishedCell = CountCell | SuppressedCell | RateCell;

/** What a suppressed figure is shown as, in pages and in CSV. */
export const SUPPRESSED_SYMBOL = '[c]';
/** The note to show with any table or file that contains `[c]`. */
export const SUPPRESSED_NOTE =
  '[c] = withheld to protect confidentiality: counts of 1 to 7, figures from which one could be ' +
  'worked out, and rates from fewer than 10 events are not shown. Other counts are rounded to the ' +
  'nearest 5, so totals may not equal the sum of their parts.';

// The constructors: for the protect functions of this folder only (index.ts does not export them).

export function countCell(rounded: number): CountCell {
  return Object.freeze({ kind: 'count', value: rounded }) as CountCell;
}

export function suppressedCell(reason: SuppressionReason): SuppressedCell {
  return Object.freeze({ kind: 'suppressed', reason }) as SuppressedCell;
}

export function rateCell(value: number, lower: number, upper: number): RateCell {
  return Object.freeze({ kind: 'rate', value, lower, upper }) as RateCell;
}

export interface FormatOptions {
  /** Decimal places for rates (default 1); counts are whole numbers. */
  readonly decimals?: number;
}

const displayFormats = new Map<number, Intl.NumberFormat>();
function displayFormat(decimals: number): Intl.NumberFormat {
  let format = displayFormats.get(decimals);
  if (format === undefined) {
    format = new Intl.NumberFormat('en-GB', {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    });
    displayFormats.set(decimals, format);
  }
  return format;
}

/**
 * A figure for a page: counts with thousands separators ("1,235"), rates with their decimals and limits
 * ("123.4 (110.2 to 135.9)"), suppressed figures as `[c]`.
 */
export function formatForDisplay(cell: PublishedCell, options: FormatOptions = {}): string {
  switch (cell.kind) {
    case 'count':
      return displayFormat(0).format(cell.value);
    case 'suppressed':
      return SUPPRESSED_SYMBOL;
    case 'rate': {
      const format = displayFormat(options.decimals ?? 1);
      return `${format.format(cell.value)} (${format.format(cell.lower)} to ${format.format(cell.upper)})`;
    }
  }
}

/**
 * A figure for one CSV field: counts as plain digits ("1235"), rates as their value with fixed decimals,
 * suppressed figures as `[c]`. A rate's limits go in their own columns: `formatLimitsForCsv`.
 */
export function formatForCsv(cell: PublishedCell, options: FormatOptions = {}): string {
  switch (cell.kind) {
    case 'count':
      return String(cell.value);
    case 'suppressed':
      return SUPPRESSED_SYMBOL;
    case 'rate':
      return cell.value.toFixed(options.decimals ?? 1);
  }
}

/** A rate's lower and upper limits as two CSV fields (`[c]` twice when the rate is suppressed). */
export function formatLimitsForCsv(
  cell: PublishedRate,
  options: FormatOptions = {},
): readonly [lower: string, upper: string] {
  if (cell.kind === 'suppressed') return [SUPPRESSED_SYMBOL, SUPPRESSED_SYMBOL];
  const decimals = options.decimals ?? 1;
  return [cell.lower.toFixed(decimals), cell.upper.toFixed(decimals)];
}
