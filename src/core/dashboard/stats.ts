// Statistics for learning curves, shared by the dashboard webview, the host and unit tests.
// Pure: no DOM, no vscode. Reference values: test/vectors/stats.json, written by
// trainer/tests/stats_vectors.py with scipy/numpy (checked by test/unit/stats.test.ts).

/** Solve A x = b (A square, small) by Gaussian elimination with partial pivoting. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const pivotRow = m[col]!;
    for (let r = 0; r < n; r++) {
      const row = m[r]!;
      if (r === col) continue;
      const f = row[col]! / pivotRow[col]!;
      for (let c = col; c <= n; c++) row[c] = row[c]! - f * pivotRow[c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/** Least-squares polynomial of `order` through (xs, ys); returns coefficients, lowest power first. */
function polyfit(xs: number[], ys: ArrayLike<number>, order: number): number[] {
  const k = order + 1;
  const gram = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const rhs = new Array<number>(k).fill(0);
  xs.forEach((x, i) => {
    const powers = Array.from({ length: 2 * k - 1 }, (_, p) => x ** p);
    for (let r = 0; r < k; r++) {
      rhs[r] = rhs[r]! + powers[r]! * ys[i]!;
      const row = gram[r]!;
      for (let c = 0; c < k; c++) row[c] = row[c]! + powers[r + c]!;
    }
  });
  return solve(gram, rhs);
}

const polyval = (coefficients: number[], x: number): number => coefficients.reduceRight((acc, c) => acc * x + c, 0);

/** The window actually used for n points: odd, at most n, more than the order; 0 when none fits. */
export function savgolWindow(requested: number, n: number, order: number): number {
  let window = Math.min(requested, n);
  if (window % 2 === 0) window -= 1;
  return window > order ? window : 0;
}

/** The window used for n points, its half, and its x positions scaled to [-1, 1] (which keeps
 * the normal equations well conditioned for wide windows); undefined when no window fits. */
function savgolFrame(requested: number, n: number, order: number): { window: number; half: number; centred: number[] } | undefined {
  const window = savgolWindow(requested, n, order);
  if (window === 0) return undefined;
  const half = (window - 1) / 2;
  return { window, half, centred: Array.from({ length: window }, (_, i) => (i - half) / Math.max(half, 1)) };
}

/**
 * Savitzky-Golay smoothing over equally spaced samples, as scipy.signal.savgol_filter(y,
 * window, order) with its default mode 'interp': interior points by the convolution, the
 * first and last half-windows from the polynomial fitted to the first and last windows.
 * A series shorter than the window uses the largest odd window that fits; one with no
 * window above `order` is returned as it is.
 */
export function savgol(y: ArrayLike<number>, requestedWindow: number, order = 3): Float64Array {
  const n = y.length;
  const frame = savgolFrame(requestedWindow, n, order);
  if (!frame) return Float64Array.from(y);
  const { window, half, centred } = frame;
  const weights = centreWeights(centred, order);
  const out = new Float64Array(n);
  convolveValid(y instanceof Float64Array ? y : Float64Array.from(y), weights, out, half);
  const head = polyfit(centred, Array.from({ length: window }, (_, j) => y[j]!), order);
  const tail = polyfit(centred, Array.from({ length: window }, (_, j) => y[n - window + j]!), order);
  for (let j = 0; j < half; j++) {
    out[j] = polyval(head, centred[j]!);
    out[n - half + j] = polyval(tail, centred[half + 1 + j]!);
  }
  return out;
}

/** out[i + half] = sum_j weights[j] y[i + j] wherever the window fits (typed arrays: this is the dashboard's hot loop). */
function convolveValid(y: Float64Array, weights: Float64Array, out: Float64Array, half: number): void {
  const window = weights.length;
  const end = y.length - window;
  let i = 0;
  // Four outputs per pass share each weight's load (about twice as fast in V8).
  for (; i + 3 <= end; i += 4) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < window; j++) {
      const w = weights[j]!;
      s0 += w * y[i + j]!;
      s1 += w * y[i + j + 1]!;
      s2 += w * y[i + j + 2]!;
      s3 += w * y[i + j + 3]!;
    }
    out[i + half] = s0;
    out[i + half + 1] = s1;
    out[i + half + 2] = s2;
    out[i + half + 3] = s3;
  }
  for (; i <= end; i++) {
    let sum = 0;
    for (let j = 0; j < window; j++) sum += weights[j]! * y[i + j]!;
    out[i + half] = sum;
  }
}

const weightCache = new Map<string, Float64Array>();

/** Weights w with sum(w_j y_j) = the fitted polynomial's value at the window's centre. */
function centreWeights(xs: number[], order: number): Float64Array {
  const key = `${xs.length}/${order}`;
  const cached = weightCache.get(key);
  if (cached) return cached;
  const weights = Float64Array.from(xs, (_, j) => {
    const unit = xs.map((__, i) => (i === j ? 1 : 0));
    return polyval(polyfit(xs, unit, order), 0);
  });
  weightCache.set(key, weights);
  return weights;
}

/** Weights w with sum(w_k y_k) = the polynomial fitted to the window, at xs[at] (an edge point's value). */
function pointWeights(xs: number[], order: number, at: number): Float64Array {
  const key = `${xs.length}/${order}/${at}`;
  const cached = weightCache.get(key);
  if (cached) return cached;
  const weights = Float64Array.from(xs, (_, k) => polyval(polyfit(xs, xs.map((__, i) => (i === k ? 1 : 0)), order), xs[at]!));
  weightCache.set(key, weights);
  return weights;
}

/**
 * The standard errors of savgol(y, requestedWindow, order) given each point's own `se`
 * (independent): each output is Σ_k w_k y_k, its SE √(Σ_k w_k² se_k²), with the weights of
 * the convolution inside and of the end windows' fitted polynomials at the edges. (Filtering
 * the SEs themselves, as the values are, gives no SE: its negative weights can make it
 * negative.)
 */
export function savgolStderr(se: ArrayLike<number>, requestedWindow: number, order = 3): Float64Array {
  const n = se.length;
  const frame = savgolFrame(requestedWindow, n, order);
  if (!frame) return Float64Array.from(se);
  const { window, half, centred } = frame;
  const variance = Float64Array.from(se, (s) => s * s);
  const through = (weights: Float64Array, first: number) => Math.sqrt(weights.reduce((sum, w, k) => sum + w * w * variance[first + k]!, 0));
  const out = new Float64Array(n);
  const centre = centreWeights(centred, order);
  for (let i = half; i < n - half; i++) out[i] = through(centre, i - half);
  for (let j = 0; j < half; j++) {
    out[j] = through(pointWeights(centred, order, j), 0);
    out[n - half + j] = through(pointWeights(centred, order, half + 1 + j), n - window);
  }
  return out;
}

/** The standard errors of emaDebiased(y, weight) given each point's own `se` (independent);
 * `y` for the points it passes through (non-finite) and its constant case. */
export function emaDebiasedStderr(y: ArrayLike<number>, se: ArrayLike<number>, weight: number): number[] {
  const values = Array.from(y);
  if (values.every((v) => v === values[0])) return Array.from(se);
  let variance = 0;
  let count = 0;
  return values.map((v, i) => {
    if (!Number.isFinite(v)) return se[i]!;
    variance = variance * weight * weight + (1 - weight) ** 2 * se[i]! ** 2;
    count++;
    return weight === 1 ? Math.sqrt(variance) : Math.sqrt(variance) / (1 - weight ** count);
  });
}

/**
 * TensorBoard's scalar smoothing: an exponential moving average debiased like Adam's
 * moments (last / (1 - weight^k)), so early points are not pulled towards zero. Non-finite
 * values pass through and do not advance it; a constant series is returned unchanged.
 */
export function emaDebiased(y: ArrayLike<number>, weight: number): number[] {
  const values = Array.from(y);
  if (values.every((v) => v === values[0])) return values;
  let last = 0;
  let count = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    count++;
    return weight === 1 ? last : last / (1 - weight ** count);
  });
}

/** Standard error of a binomial proportion: sqrt(p (1 - p) / n) (the paper's error bars). */
export function binomialStderr(rate: number, n: number): number {
  return n > 0 ? Math.sqrt((rate * (1 - rate)) / n) : 0;
}

export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Sample standard deviation (n - 1). */
export function sampleStd(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
}

/** Standard error of the mean (scipy.stats.sem, ddof 1). */
export function sem(values: readonly number[]): number {
  return values.length < 2 ? 0 : sampleStd(values) / Math.sqrt(values.length);
}

/** ln Gamma by Lanczos (g = 7, n = 9), accurate to ~1e-15 for x > 0. */
function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the regularized incomplete beta (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 300; m++) {
    for (const numerator of [(m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)), (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))]) {
      d = 1 + numerator * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + numerator / c;
      if (Math.abs(c) < tiny) c = tiny;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-16) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** CDF of Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Quantile of Student's t (scipy.stats.t.ppf), by bisection on the CDF. */
export function studentTQuantile(p: number, df: number): number {
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Half-width of the two-sided t confidence interval of the mean (0 below two values). */
export function tConfidenceHalfWidth(values: readonly number[], level = 0.95): number {
  if (values.length < 2) return 0;
  return studentTQuantile(0.5 + level / 2, values.length - 1) * sem(values);
}

export interface SeriesPoint {
  step: number;
  x: number;
  y: number;
}

/** The two-sided 95% normal quantile: a binomial rate's 95% interval is this many standard errors. */
export const Z95 = 1.959963984540054;

export interface AggregatePoint {
  step: number;
  /** Mean over the runs that have this step. */
  x: number;
  y: number;
  /** Runs that have this step. */
  n: number;
  sem: number;
  ci95: number;
}

/** A run's series as step-ascending columns. */
export interface SeriesColumns {
  steps: ArrayLike<number>;
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
}

/** `aggregateColumns`' result: per step, the runs' mean x and y, how many, their SEM and 95% t half-width. */
export interface AggregateColumns {
  steps: Float64Array;
  xs: Float64Array;
  ys: Float64Array;
  ns: Float64Array;
  sems: Float64Array;
  ci95s: Float64Array;
}

/**
 * Seeds aggregated by global step: at each step any run recorded, the mean of x and y over
 * the runs that have it, their SEM and 95% t half-width (0 with one run). A merge of the
 * runs' ascending steps: linear in the points, one run passes through as it is.
 */
export function aggregateColumns(runs: readonly SeriesColumns[]): AggregateColumns {
  const single = runs.length === 1 ? runs[0]! : undefined;
  if (single) {
    const n = single.steps.length;
    return { steps: Float64Array.from(single.steps), xs: Float64Array.from(single.xs), ys: Float64Array.from(single.ys), ns: new Float64Array(n).fill(1), sems: new Float64Array(n), ci95s: new Float64Array(n) };
  }
  const heads = runs.map(() => 0);
  const out = { steps: [] as number[], xs: [] as number[], ys: [] as number[], ns: [] as number[], sems: [] as number[], ci95s: [] as number[] };
  const tQuantiles = new Map<number, number>();
  const xs: number[] = [];
  const ys: number[] = [];
  for (;;) {
    let step = Infinity;
    runs.forEach((run, r) => {
      if (heads[r]! < run.steps.length) step = Math.min(step, run.steps[heads[r]!]!);
    });
    if (step === Infinity) break;
    xs.length = 0;
    ys.length = 0;
    runs.forEach((run, r) => {
      const i = heads[r]!;
      if (i < run.steps.length && run.steps[i] === step) {
        xs.push(run.xs[i]!);
        ys.push(run.ys[i]!);
        heads[r] = i + 1;
      }
    });
    const n = ys.length;
    const spread = sem(ys);
    if (n > 1 && !tQuantiles.has(n)) tQuantiles.set(n, studentTQuantile(0.975, n - 1));
    out.steps.push(step);
    out.xs.push(mean(xs));
    out.ys.push(mean(ys));
    out.ns.push(n);
    out.sems.push(spread);
    out.ci95s.push(n > 1 ? tQuantiles.get(n)! * spread : 0);
  }
  const f = (values: number[]) => Float64Array.from(values);
  return { steps: f(out.steps), xs: f(out.xs), ys: f(out.ys), ns: f(out.ns), sems: f(out.sems), ci95s: f(out.ci95s) };
}

/** `aggregateColumns` on runs given as points (the paper view's few evaluations). */
export function aggregateByStep(runs: readonly (readonly SeriesPoint[])[]): AggregatePoint[] {
  const columns = runs.map((run) => {
    const sorted = [...run].sort((a, b) => a.step - b.step);
    return { steps: sorted.map((p) => p.step), xs: sorted.map((p) => p.x), ys: sorted.map((p) => p.y) };
  });
  const a = aggregateColumns(columns);
  return Array.from(a.steps, (step, i) => ({ step, x: a.xs[i]!, y: a.ys[i]!, n: a.ns[i]!, sem: a.sems[i]!, ci95: a.ci95s[i]! }));
}
