/**
 * Plain float64 LSTM and GRU steps, written straight from the equations in lstmScratch.ts and
 * gruScratch.ts with no tfjs, for finite-difference checks of the gradients and as an
 * independent forward reference. Row-vector convention: z = [x ; h] · W + b.
 */

export const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** v · M + bias for v [n], M [n][m], bias [m]. */
export function affine(v: readonly number[], M: readonly (readonly number[])[], bias: readonly number[]): number[] {
  const out = bias.slice();
  v.forEach((vi, i) => {
    const row = M[i];
    for (let j = 0; j < out.length; j++) out[j] += vi * row[j];
  });
  return out;
}

export interface GatedParams {
  /** [D + H][G·H]: rows W_x then W_h. */
  W: number[][];
  /** [G·H]. */
  b: number[];
  /** GRU reset-after only: [3H]. */
  b_rec?: number[];
}

export interface LSTMState64 {
  h: number[];
  c: number[];
}

/** One LSTM step (gates i, f, g, o). */
export function lstmStep64(p: GatedParams, x: readonly number[], s: LSTMState64): LSTMState64 {
  const H = s.h.length;
  const z = affine([...x, ...s.h], p.W, p.b);
  const c = s.c.map((cPrev, j) => {
    const i = sigmoid(z[j]);
    const f = sigmoid(z[H + j]);
    const g = Math.tanh(z[2 * H + j]);
    return f * cPrev + i * g;
  });
  const h = c.map((cj, j) => sigmoid(z[3 * H + j]) * Math.tanh(cj));
  return { h, c };
}

/** One GRU step (gates z, r, n); reset-after when p.b_rec is given. */
export function gruStep64(p: GatedParams, x: readonly number[], hPrev: readonly number[]): number[] {
  const H = hPrev.length;
  const D = x.length;
  const zrPart = (row: readonly number[]) => row.slice(0, 2 * H);
  const pre = affine([...x, ...hPrev], p.W.map(zrPart), zrPart(p.b));
  if (p.b_rec) for (let j = 0; j < 2 * H; j++) pre[j] += p.b_rec[j];
  const z = pre.slice(0, H).map(sigmoid);
  const r = pre.slice(H).map(sigmoid);
  const nCols = (row: readonly number[]) => row.slice(2 * H);
  let a: number[];
  if (p.b_rec) {
    const fromX = affine(x, p.W.slice(0, D).map(nCols), nCols(p.b));
    const fromH = affine(hPrev, p.W.slice(D).map(nCols), nCols(p.b_rec));
    a = fromX.map((v, j) => v + r[j] * fromH[j]);
  } else {
    a = affine([...x, ...hPrev.map((v, j) => r[j] * v)], p.W.map(nCols), nCols(p.b));
  }
  return a.map((aj, j) => {
    const n = Math.tanh(aj);
    return z[j] * hPrev[j] + (1 - z[j]) * n;
  });
}

/** Reads one sequence; returns h after every step. */
export function runGated64(kind: "lstm" | "gru", p: GatedParams, xs: readonly (readonly number[])[], H: number): number[][] {
  let s: LSTMState64 = { h: new Array(H).fill(0), c: new Array(H).fill(0) };
  const out: number[][] = [];
  for (const x of xs) {
    s = kind === "lstm" ? lstmStep64(p, x, s) : { h: gruStep64(p, x, s.h), c: s.c };
    out.push(s.h);
  }
  return out;
}
