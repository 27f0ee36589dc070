/**
 * @module population/statistics/distributions
 * The few distribution functions the statistics library needs, written from their formulas so that no dependency is
 * needed and every figure can be traced:
 *
 * - `logGamma`: the Lanczos approximation (g = 7, nine coefficients; Lanczos 1964, as tabulated by Godfrey),
 *   relative error below 1e-15 for positive arguments; the reflection formula is not needed (arguments are > 0).
 * - `regularisedGammaP` / `regularisedGammaQ`: the regularised incomplete gamma functions P(a, x) and Q(a, x) = 1 − P,
 *   by the power series when x < a + 1 and by the continued fraction (modified Lentz) otherwise (Abramowitz & Stegun
 *   6.5.29 and 6.5.31), to a relative tolerance of 1e-15.
 * - `normalCdf`: Φ(x) = ½·erfc(−x/√2), with erfc(y) = Q(½, y²) for y ≥ 0.
 * - `normalQuantile`: Acklam's rational approximation (relative error 1.15e-9), then one Halley step on Φ, which
 *   brings it to about 1e-15 (P. J. Acklam, "An algorithm for computing the inverse normal cumulative distribution
 *   function", 2003).
 * - `gammaQuantile`: the x with P(a, x) = p, by Newton's method on P kept inside a bracket, falling back to bisection;
 *   accurate to ~1e-12 relative. Exact Poisson limits are gamma quantiles (equivalently χ² quantiles / 2, Garwood
 *   1936): see poisson.ts.
 * - `zForLevel`: the two-sided normal deviate for a confidence level in percent (95 → 1.959964, 99.8 → 3.090232).
 */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x < 0.5) {
    // Γ(x) = Γ(x + 1) / x keeps the series in its accurate range.
    return logGamma(x + 1) - Math.log(x);
  }
  const z = x - 1;
  let sum = LANCZOS[0] ?? 0;
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] ?? 0) / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const EPS = 1e-15;
const TINY = 1e-300;
const MAX_ITERATIONS = 10_000;

/** ln of the factor x^a e^(−x) / Γ(a) shared by the series and the continued fraction. */
const logPrefactor = (a: number, x: number): number => a * Math.log(x) - x - logGamma(a);

/** P(a, x) by its power series: e^(−x) x^a / Γ(a + 1) · Σ x^n / ((a + 1)…(a + n)). Good for x < a + 1. */
function gammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(logPrefactor(a, x));
}

/** Q(a, x) by its continued fraction, evaluated with the modified Lentz method. Good for x ≥ a + 1. */
function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(logPrefactor(a, x)) * h;
}

/** The regularised lower incomplete gamma function P(a, x) = γ(a, x) / Γ(a), for a > 0, x ≥ 0. */
export function regularisedGammaP(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return 0;
  if (x === Number.POSITIVE_INFINITY) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** The regularised upper incomplete gamma function Q(a, x) = 1 − P(a, x), accurate in its own tail. */
export function regularisedGammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

/** The standard normal distribution function Φ(x). */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x) / Math.SQRT2;
  const tail = 0.5 * regularisedGammaQ(0.5, y * y); // ½·erfc(|x|/√2) = P(Z > |x|)
  return x < 0 ? tail : 1 - tail;
}

const ACKLAM_A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
] as const;
const ACKLAM_B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
] as const;
const ACKLAM_C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
] as const;
const ACKLAM_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416] as const;
const P_LOW = 0.02425;

/** Acklam's approximation to Φ⁻¹(p), relative error < 1.15e-9. */
function acklam(p: number): number {
  const [a0, a1, a2, a3, a4, a5] = ACKLAM_A;
  const [b0, b1, b2, b3, b4] = ACKLAM_B;
  const [c0, c1, c2, c3, c4, c5] = ACKLAM_C;
  const [d0, d1, d2, d3] = ACKLAM_D;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
    );
  }
  if (p > 1 - P_LOW) return -acklam(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
    (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
  );
}

/** The standard normal quantile Φ⁻¹(p) for 0 < p < 1 (−∞ at 0, +∞ at 1, NaN outside). */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  const x = acklam(p);
  // One Halley step on f(x) = Φ(x) − p, computed in the tail nearer to x so that it keeps its precision.
  const e = x < 0 ? normalCdf(x) - p : 1 - p - (1 - normalCdf(x));
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/**
 * The x ≥ 0 with P(a, x) = p (the p-quantile of a gamma distribution with shape a and scale 1), for a > 0 and
 * 0 ≤ p < 1. Newton's method on P, whose derivative is the gamma density, kept inside a bracket that each step
 * narrows; a step that would leave the bracket is replaced by bisection.
 */
export function gammaQuantile(a: number, p: number): number {
  if (!(a > 0) || Number.isNaN(p) || p < 0 || p >= 1) return Number.NaN;
  if (p === 0) return 0;
  // Wilson–Hilferty's cube-root approximation as the first guess.
  const z = normalQuantile(p);
  let x = a * Math.pow(Math.max(1 - 1 / (9 * a) + z / (3 * Math.sqrt(a)), 1e-3), 3);
  let low = 0;
  let high = Math.max(2 * x, a + 10);
  while (regularisedGammaP(a, high) < p) high *= 2;
  if (!(x > low && x < high)) x = (low + high) / 2;
  for (let i = 0; i < 200; i++) {
    const f = regularisedGammaP(a, x) - p;
    if (f === 0) return x;
    if (f < 0) low = x;
    else high = x;
    const density = Math.exp((a - 1) * Math.log(x) - x - logGamma(a));
    let next = density > 0 ? x - f / density : Number.NaN;
    if (!(next > low && next < high)) next = (low + high) / 2;
    if (Math.abs(next - x) <= 1e-14 * Math.max(1, x) || high - low <= 1e-14 * Math.max(1, x)) return next;
    x = next;
  }
  return x;
}

/** The two-sided normal deviate for a confidence level given in percent: Φ⁻¹(1 − (1 − level/100)/2). */
export function zForLevel(level: number): number {
  return normalQuantile(1 - (1 - level / 100) / 2);
}
