/**
 * The LMS method of the CDC 2000 growth charts (Cole 1990; CDC, "Percentile data files with LMS values",
 * https://www.cdc.gov/growthcharts/percentile_data_files.htm): at each age (or length) a reference gives the
 * Box-Cox power L, the median M and the coefficient of variation S, and a measurement X has the z-score
 *
 *   z = ((X / M)^L - 1) / (L * S)      when L != 0
 *   z = ln(X / M) / S                  when L = 0
 *
 * and the value at a z-score is X = M * (1 + L * S * z)^(1 / L) (M * exp(S * z) when L = 0). Between two rows
 * of a table L, M and S are interpolated linearly; outside the table there is no value (no extrapolation).
 */

export interface Lms {
  L: number;
  M: number;
  S: number;
}

/** One row of a reference table: x is the age in months (or the length in cm for weight-for-length). */
export interface LmsRow extends Lms {
  x: number;
}

/** |L| below this is taken as L = 0 (the log form), where the power form loses precision. */
const L_ZERO = 1e-9;

export function zScore(value: number, { L, M, S }: Lms): number {
  if (!(value > 0) || !(M > 0) || !(S > 0)) return Number.NaN;
  return Math.abs(L) < L_ZERO ? Math.log(value / M) / S : (Math.pow(value / M, L) - 1) / (L * S);
}

/** The measurement at a z-score (NaN where 1 + L*S*z <= 0, beyond what the distribution covers). */
export function valueAtZ(z: number, { L, M, S }: Lms): number {
  if (Math.abs(L) < L_ZERO) return M * Math.exp(S * z);
  const base = 1 + L * S * z;
  return base > 0 ? M * Math.pow(base, 1 / L) : Number.NaN;
}

/**
 * L, M, S at x by linear interpolation between the two rows around it (rows sorted by x); exactly a row's
 * values at a row; undefined outside [first x, last x].
 */
export function lmsAt(rows: readonly LmsRow[], x: number): Lms | undefined {
  if (rows.length === 0 || !Number.isFinite(x) || x < rows[0].x || x > rows[rows.length - 1].x) {
    return undefined;
  }
  let lo = 0;
  let hi = rows.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (rows[mid].x <= x) lo = mid;
    else hi = mid;
  }
  const a = rows[lo];
  const b = rows[hi];
  if (x === a.x || a.x === b.x) return { L: a.L, M: a.M, S: a.S };
  if (x === b.x) return { L: b.L, M: b.M, S: b.S };
  const t = (x - a.x) / (b.x - a.x);
  return { L: a.L + t * (b.L - a.L), M: a.M + t * (b.M - a.M), S: a.S + t * (b.S - a.S) };
}

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/**
 * erf(x) to about 1e-15: the Maclaurin series below |x| = 2.5, above it 1 - erfc(x) with erfc from its
 * continued fraction (Abramowitz and Stegun 7.1.5 and 7.1.14).
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
    let term = ax;
    let sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    const r = TWO_OVER_SQRT_PI * sum;
    return x < 0 ? -r : r;
  }
  const r = 1 - erfcLarge(ax);
  return x < 0 ? -r : r;
}

/** erfc(x) for x >= 2.5 by the continued fraction erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + ...))), modified Lentz. */
function erfcLarge(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** The standard normal cumulative distribution: P(Z <= z) = (1 + erf(z / sqrt 2)) / 2. */
export function normalCdf(z: number): number {
  if (z < -8) return 0.5 * erfcTail(-z);
  if (z > 8) return 1 - 0.5 * erfcTail(z);
  return 0.5 * (1 + erf(z / Math.SQRT2));
}

function erfcTail(z: number): number {
  return erfcLarge(z / Math.SQRT2);
}

/**
 * The z-score of a percentile (0 < p < 100): Acklam's rational approximation (relative error 1.15e-9) refined
 * by one Newton step on normalCdf, so normalCdf(zForPercentile(p)) = p/100 to about 1e-15.
 */
export function zForPercentile(percentile: number): number {
  const p = percentile / 100;
  if (!(p > 0 && p < 1)) return Number.NaN;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let z: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    z =
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    z =
      ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
      (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    z =
      -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const e = normalCdf(z) - p;
  const density = Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI);
  return z - e / density;
}

/** A percentile 0-100 rounded to one decimal from a z-score. */
export function percentileOf(z: number): number {
  return Math.round(normalCdf(z) * 1000) / 10;
}
