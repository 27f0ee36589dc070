/**
 * @module core/money
 * Money in integer pence. Amounts are compared and stored as whole pence, never as floating-point pounds, so £0.29
 * stays 29p and a limit of £500,000 is exactly 50,000,000p. Pounds appear only where people read or type them.
 */
import { err, ok, type Result } from './result.js';

/** The largest amount held exactly: JavaScript numbers are exact integers up to 2^53 - 1. */
export const MAX_PENCE = Number.MAX_SAFE_INTEGER;

/**
 * Pounds as written in a data file (e.g. a financial limit of 500000 or 1250.5) to pence, or undefined when the
 * amount is not a whole number of pence (1250.505) or too large to hold exactly.
 */
export function poundsToPence(pounds: number): number | undefined {
  if (!Number.isFinite(pounds) || pounds < 0) return undefined;
  const exact = pounds * 100;
  const pence = Math.round(exact);
  // pounds * 100 carries binary rounding error (0.29 * 100 = 28.999999999999996), a few units in the last place:
  // "whole pence" allows for that much and no more, so 500000.005 is still refused.
  const slack = Math.max(1e-6, 4 * Number.EPSILON * exact);
  if (Math.abs(pence - exact) > slack || pence > MAX_PENCE) return undefined;
  return pence;
}

/**
 * Pounds as a person types them (`250000`, `250,000`, `£1,250.50`, `12.5`) to pence. Returns a message saying how to
 * write it when the text is not an amount of money.
 */
export function parsePounds(text: string): Result<number, string> {
  const cleaned = text.trim().replace(/^£\s*/, '');
  const shape = /^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (shape === null) {
    return err('Enter an amount in pounds, like 250000 or 250,000.50');
  }
  const [whole = '0', fraction = ''] = cleaned.replaceAll(',', '').split('.');
  const pence = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
  if (pence > BigInt(MAX_PENCE)) return err('Enter a smaller amount');
  return ok(Number(pence));
}

const POUNDS = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });
const WHOLE_POUNDS = new Intl.NumberFormat('en-GB', {
  style: 'currency',
  currency: 'GBP',
  maximumFractionDigits: 0,
});

/** Pence for people to read: £250,000 (no pence shown when there are none), £1,250.50. */
export function formatPence(pence: number): string {
  return pence % 100 === 0 ? WHOLE_POUNDS.format(pence / 100) : POUNDS.format(pence / 100);
}

/** Pence as a person would type them back into a form: 250000 or 1250.50 (no symbol, no separators). */
export function penceAsPoundsText(pence: number): string {
  const whole = Math.floor(pence / 100);
  const rest = pence % 100;
  return rest === 0 ? String(whole) : `${whole}.${String(rest).padStart(2, '0')}`;
}
