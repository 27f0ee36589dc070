/**
 * @module population/statistics/wilson
 * The Wilson score interval for a proportion (Wilson 1927, "Probable inference, the law of succession, and
 * statistical inference", JASA 22:209-212; recommended by Newcombe 1998, "Two-sided confidence intervals for the
 * single proportion: comparison of seven methods", Statistics in Medicine 17:857-872, method 3; and by PHE/OHID's
 * "Technical Guide: Confidence Intervals" for every proportion they publish).
 *
 * With p = x/n and z the normal deviate for the level:
 *   limits = (2x + z² ∓ z√(z² + 4x(1 − p))) / (2(n + z²)).
 * Unlike the normal approximation it stays within [0, 1], and is not degenerate at 0 or n.
 */
import { err, ok, type Result } from '../../core/result.js';
import { zForLevel } from './distributions.js';
import { checkCount, checkDenominator, checkLevel, type Interval } from './interval.js';

/** The proportion x/n with its Wilson score limits; refuses x > n. */
export function wilsonInterval(numerator: number, denominator: number, level = 95): Result<Interval, string> {
  const x = checkCount('the numerator', numerator);
  if (!x.ok) return x;
  const n = checkDenominator('the denominator', denominator);
  if (!n.ok) return n;
  if (numerator > denominator) {
    return err(
      `the numerator (${numerator}) is greater than the denominator (${denominator}); a proportion cannot exceed 1`,
    );
  }
  const checked = checkLevel(level);
  if (!checked.ok) return checked;
  const z = zForLevel(level);
  const p = numerator / denominator;
  const centre = 2 * numerator + z * z;
  const spread = z * Math.sqrt(z * z + 4 * numerator * (1 - p));
  const scale = 2 * (denominator + z * z);
  return ok({
    value: p,
    // Clamped against rounding only: the formula itself stays within [0, 1].
    lower: Math.max(0, (centre - spread) / scale),
    upper: Math.min(1, (centre + spread) / scale),
    level,
    method: 'Wilson score',
  });
}
