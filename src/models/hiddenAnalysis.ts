/**
 * Looking inside the hidden state: principal components of collected states (to draw
 * trajectories in 2D/3D) and the data for a heatmap of unit activations over time.
 * Plain JavaScript in float64: the matrices are small (H ≤ a few hundred).
 */

export interface PCA {
  /** Mean state subtracted before projecting: [H]. */
  mean: number[];
  /** Principal directions, one row per component: [k][H]. */
  components: number[][];
  /** Share of the total variance each component explains: [k]. */
  explained: number[];
  /** Projects states [n][H] onto the components: [n][k]. */
  project(states: readonly (readonly number[])[]): number[][];
}

/**
 * Principal components of `states` ([n][H], e.g. every hidden state of several sentences).
 * Power iteration with deflation on the covariance matrix.
 */
export function pca(states: readonly (readonly number[])[], k: number): PCA {
  const n = states.length;
  if (n < 2) throw new Error(`pca: need at least 2 states, got ${n}`);
  const H = states[0].length;
  if (!Number.isInteger(k) || k < 1 || k > H) throw new Error(`pca: k must be an integer in [1, ${H}], got ${k}`);
  states.forEach((s, i) => {
    if (s.length !== H) throw new Error(`pca: every state must have ${H} numbers; states[${i}] has ${s.length}`);
  });
  const mean = new Array<number>(H).fill(0);
  for (const s of states) for (let j = 0; j < H; j++) mean[j] += s[j] / n;
  const cov = Array.from({ length: H }, () => new Array<number>(H).fill(0));
  for (const s of states) {
    for (let i = 0; i < H; i++) {
      const di = s[i] - mean[i];
      for (let j = i; j < H; j++) cov[i][j] += (di * (s[j] - mean[j])) / (n - 1);
    }
  }
  for (let i = 0; i < H; i++) for (let j = 0; j < i; j++) cov[i][j] = cov[j][i];
  let total = 0;
  for (let i = 0; i < H; i++) total += cov[i][i];
  const components: number[][] = [];
  const explained: number[] = [];
  for (let c = 0; c < k; c++) {
    let v = Array.from({ length: H }, (_, i) => Math.sin(i + 1 + c)); // deterministic start
    let lambda = 0;
    for (let iter = 0; iter < 500; iter++) {
      const w = cov.map((row) => row.reduce((acc, x, j) => acc + x * v[j], 0));
      const norm = Math.hypot(...w);
      if (norm === 0) break;
      const next = w.map((x) => x / norm);
      const change = next.reduce((acc, x, j) => acc + Math.abs(Math.abs(x) - Math.abs(v[j])), 0);
      v = next;
      lambda = norm;
      if (change < 1e-10) break;
    }
    // A sign convention so the picture does not flip between runs: largest entry positive.
    const biggest = v.reduce((best, x, j) => (Math.abs(x) > Math.abs(v[best]) ? j : best), 0);
    if (v[biggest] < 0) v = v.map((x) => -x);
    components.push(v);
    explained.push(total > 0 ? lambda / total : 0);
    for (let i = 0; i < H; i++) for (let j = 0; j < H; j++) cov[i][j] -= lambda * v[i] * v[j];
  }
  return {
    mean,
    components,
    explained,
    project(rows) {
      return rows.map((s) => components.map((comp) => comp.reduce((acc, x, j) => acc + x * (s[j] - mean[j]), 0)));
    },
  };
}

/** One projected state; z is 0 for a 2D projection (fits trajectory2d and trajectory3d). */
export interface HiddenStatePoint {
  x: number;
  y: number;
  z: number;
  /** Which sequence the point belongs to. */
  series: string;
  /** Time step (0-based). */
  step: number;
  /** e.g. the word read at this step. */
  label?: string;
}

/**
 * Hidden-state trajectories of several sequences projected on their first 2 or 3 principal
 * components: one point per real step, ready for trajectory2d/trajectory3d.
 * @param trajectories per sequence, its states [len][H]; @param names one name per sequence;
 * @param labels optional per sequence, one label per step (e.g. the words).
 */
export function trajectoryPoints(
  trajectories: readonly (readonly (readonly number[])[])[],
  names: readonly string[],
  dims: 2 | 3,
  labels?: readonly (readonly string[])[],
): { points: HiddenStatePoint[]; pca: PCA } {
  if (names.length !== trajectories.length) throw new Error(`trajectoryPoints: names must have one entry per trajectory: expected ${trajectories.length}, got ${names.length}`);
  const all = trajectories.flat();
  const fit = pca(all, dims);
  const points: HiddenStatePoint[] = [];
  trajectories.forEach((states, i) => {
    fit.project(states).forEach((p, t) => {
      points.push({ x: p[0], y: p[1], z: dims === 3 ? p[2] : 0, series: names[i], step: t, label: labels?.[i]?.[t] });
    });
  });
  return { points, pca: fit };
}

/**
 * Heatmap data of unit activations over time for one sequence: rows = hidden units, columns =
 * steps (labelled "1 word", "2 word", … or "1", "2", …). `states` is [len][H]; keeps the `maxUnits`
 * units that vary most over the sequence.
 */
export function activationHeatmap(
  states: readonly (readonly number[])[],
  options: { maxUnits?: number; stepLabels?: readonly string[] } = {},
): { matrix: number[][]; rowLabels: string[]; columnLabels: string[] } {
  if (states.length === 0) throw new Error("activationHeatmap: states is empty; need at least one step");
  const H = states[0].length;
  const spread = Array.from({ length: H }, (_, j) => {
    const column = states.map((s) => s[j]);
    return Math.max(...column) - Math.min(...column);
  });
  const units = Array.from({ length: H }, (_, j) => j)
    .sort((a, b) => spread[b] - spread[a])
    .slice(0, Math.min(H, options.maxUnits ?? H))
    .sort((a, b) => a - b);
  return {
    matrix: units.map((j) => states.map((s) => s[j])),
    rowLabels: units.map((j) => `h${j}`),
    // Step numbers keep labels unique (a repeated word would otherwise merge two columns in a chart).
    columnLabels: states.map((_, t) => (options.stepLabels?.[t] !== undefined ? `${t + 1} ${options.stepLabels[t]}` : String(t + 1))),
  };
}

/**
 * How saturated and how jumpy a unit-by-step activation matrix is (e.g. `activationHeatmap`'s
 * matrix: [units][steps], tanh outputs in [−1, 1]). `saturated`: the share of entries with
 * |a| > threshold (default 0.9), where tanh is nearly flat; `signChanges`: the share of
 * neighbouring step pairs at which a unit's sign flips (0 when there is a single step).
 */
export function activationSummary(matrix: readonly (readonly number[])[], threshold = 0.9): { saturated: number; signChanges: number } {
  if (!Array.isArray(matrix) || matrix.length === 0 || matrix.some((row) => !Array.isArray(row) || row.length === 0)) {
    throw new Error("activationSummary: matrix must be a non-empty array of non-empty rows ([units][steps])");
  }
  const entries: number[] = matrix.flat();
  const pairs = matrix.flatMap((row: readonly number[]) => row.slice(1).map((value, t) => Math.sign(value) !== Math.sign(row[t])));
  return {
    saturated: entries.filter((value) => Math.abs(value) > threshold).length / entries.length,
    signChanges: pairs.length === 0 ? 0 : pairs.filter(Boolean).length / pairs.length,
  };
}
