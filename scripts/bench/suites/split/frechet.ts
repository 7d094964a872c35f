/**
 * Fréchet distance between two sets of feature vectors (the FID formula on the caption
 * checker's outputs, "FCD"): |μ₁ − μ₂|² + tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^{1/2}). The trace of the
 * square root is taken as tr((Σ₁^{1/2} Σ₂ Σ₁^{1/2})^{1/2}), which has the same eigenvalues and
 * is symmetric, so a symmetric eigen-solver (cyclic Jacobi) is enough. The reference side's
 * Σ^{1/2} is computed once (`fitGaussian`) and reused for every set compared with it.
 */

type Matrix = Float64Array[];

function meanAndCov(xs: readonly Float32Array[]): { mu: Float64Array; cov: Matrix } {
  const n = xs.length;
  const d = xs[0]!.length;
  const mu = new Float64Array(d);
  for (const x of xs) for (let i = 0; i < d; i++) mu[i] = mu[i]! + x[i]! / n;
  const cov: Matrix = Array.from({ length: d }, () => new Float64Array(d));
  for (const x of xs)
    for (let i = 0; i < d; i++) {
      const di = x[i]! - mu[i]!;
      const row = cov[i]!;
      for (let j = i; j < d; j++) row[j] = row[j]! + (di * (x[j]! - mu[j]!)) / (n - 1);
    }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) cov[i]![j] = cov[j]![i]!;
  return { mu, cov };
}

/** Eigenvalues and eigenvectors (columns of `vectors`) of a symmetric matrix, cyclic Jacobi. */
export function symmetricEigen(m: Matrix, sweeps = 60): { values: Float64Array; vectors: Matrix } {
  const d = m.length;
  const a = m.map((r) => Float64Array.from(r));
  const v: Matrix = Array.from({ length: d }, (_, i) => {
    const r = new Float64Array(d);
    r[i] = 1;
    return r;
  });
  let norm = 0;
  for (const r of a) for (const x of r) norm += x * x;
  for (let sweep = 0; sweep < sweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += a[p]![q]! ** 2;
    // converged when the off-diagonal mass is at rounding level relative to the matrix
    if (off <= 1e-28 * norm) break;
    for (let p = 0; p < d; p++)
      for (let q = p + 1; q < d; q++) {
        const apq = a[p]![q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
  }
  return { values: Float64Array.from(a, (r, i) => r[i]!), vectors: v };
}

function multiply(x: Matrix, y: Matrix): Matrix {
  const d = x.length;
  return x.map((row) => {
    const out = new Float64Array(d);
    for (let k = 0; k < d; k++) {
      const xk = row[k]!;
      if (xk === 0) continue;
      const yk = y[k]!;
      for (let j = 0; j < d; j++) out[j] = out[j]! + xk * yk[j]!;
    }
    return out;
  });
}

/** The symmetric PSD square root V·diag(√max(λ, 0))·Vᵀ. */
function sqrtPsd(m: Matrix): Matrix {
  const { values, vectors } = symmetricEigen(m);
  const d = m.length;
  return Array.from({ length: d }, (_, i) => {
    const r = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += vectors[i]![k]! * Math.sqrt(Math.max(values[k]!, 0)) * vectors[j]![k]!;
      r[j] = s;
    }
    return r;
  });
}

/** A feature set's Gaussian: mean, covariance and (for the reference side) Σ^{1/2}. */
export interface FeatureGaussian {
  mu: Float64Array;
  cov: Matrix;
  sqrtCov: Matrix;
}

export function fitGaussian(xs: readonly Float32Array[]): FeatureGaussian {
  if (xs.length < 2) throw new TypeError('fitGaussian: need at least 2 feature vectors');
  const { mu, cov } = meanAndCov(xs);
  return { mu, cov, sqrtCov: sqrtPsd(cov) };
}

/** Fréchet distance between the Gaussian fitted to `xs` and a fitted reference (the FID formula). */
export function frechetDistance(xs: readonly Float32Array[], ref: FeatureGaussian): number {
  if (xs.length < 2) throw new TypeError('frechetDistance: need at least 2 feature vectors');
  if (xs[0]!.length !== ref.mu.length)
    throw new TypeError(`frechetDistance: feature sizes differ (${xs[0]!.length} vs ${ref.mu.length})`);
  const a = meanAndCov(xs);
  const d = a.mu.length;
  let dist = 0;
  for (let i = 0; i < d; i++) dist += (a.mu[i]! - ref.mu[i]!) ** 2 + a.cov[i]![i]! + ref.cov[i]![i]!;
  const r = ref.sqrtCov;
  const m = multiply(multiply(r, a.cov), r);
  // symmetrise away rounding before the eigen-solver
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) m[i]![j] = m[j]![i] = (m[i]![j]! + m[j]![i]!) / 2;
  const { values } = symmetricEigen(m);
  for (const v of values) dist -= 2 * Math.sqrt(Math.max(v, 0));
  return Math.max(dist, 0);
}
