import { test } from "node:test";
import assert from "node:assert/strict";
import { gradientByRadius, lagFactorTable } from "../../src/limits/lagTables";
import type { LagNorm } from "../../src/limits/gradientByLag";

const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} vs ${expected}`);

test("gradientByRadius: one linear unit (h stays 0, tanh' = 1) gives norm ρ^k, slope log10 ρ, factor ρ", () => {
  const inputs = [Array.from({ length: 6 }, () => [1]), Array.from({ length: 6 }, () => [0])]; // W_xh = 0: the input never moves h
  const { points, rows } = gradientByRadius([[2]], [[0]], inputs, [0.5, 2], { fitFrom: 1, fitTo: 6, farLag: 4 });
  assert.equal(points.length, 12);
  assert.deepEqual(points.map((p) => `${p.radius}, lag ${p.lag}`), [0.5, 2].flatMap((rho) => [1, 2, 3, 4, 5, 6].map((lag) => `ρ = ${rho}, lag ${lag}`)));
  points.forEach((p) => close(p.norm, (p.radius === "ρ = 2" ? 2 : 0.5) ** p.lag, `norm of ${p.radius} at lag ${p.lag}`)); // a geometric mean over 2 sequences
  assert.deepEqual(Object.keys(rows[0]), ["ρ(W_hh)", "log10 ρ", "mean log10 tanh'", "measured slope (decades/step)", "factor per step", "norm at lag 4"]);
  rows.forEach((row, i) => {
    const rho = [0.5, 2][i];
    close(row["ρ(W_hh)"], rho, "ρ(W_hh)");
    close(row["log10 ρ"], Math.log10(rho), "log10 ρ");
    assert.equal(row["mean log10 tanh'"], 0);
    close(row["measured slope (decades/step)"], Math.log10(rho), "slope");
    close(row["factor per step"], rho, "factor");
    close(row["norm at lag 4"], rho ** 4, "norm at lag 4");
  });
});

test("gradientByRadius: with an input, tanh' = 1 − h² enters every step, by hand for two steps", () => {
  const rho = 0.8;
  const w = -rho; // [[-3]] rescaled to spectral radius 0.8
  const h1 = Math.tanh(1);
  const h2 = Math.tanh(1 + w * h1);
  const { rows } = gradientByRadius([[-3]], [[1]], [[[1], [1]]], [rho], { fitFrom: 1, fitTo: 2, farLag: 1 });
  close(rows[0]["mean log10 tanh'"], (Math.log10(1 - h1 * h1) + Math.log10(1 - h2 * h2)) / 2, "mean log10 tanh'");
  close(rows[0]["norm at lag 1"], rho * (1 - h2 * h2), "∂h_2/∂h_1 = |w| · (1 − h_2²)");
  close(rows[0]["measured slope (decades/step)"], Math.log10(rho * (1 - h1 * h1)), "slope: one more step multiplies by |w| · (1 − h_1²)");
  assert.throws(() => gradientByRadius([[1]], [[1]], [[[1], [1]]], [rho], { fitFrom: 1, fitTo: 2, farLag: 3 }), /^Error: gradientByRadius: farLag must be an integer in \[1, 2\] \(the sequence length\), got 3$/);
  assert.throws(() => gradientByRadius([[1]], [[1]], [[[1], [1]]], [], { fitFrom: 1, fitTo: 2, farLag: 1 }), /^Error: gradientByRadius: radii is empty$/);
});

test("lagFactorTable: points per cell and lag, the fitted factor and the norm far back relative to lag 0", () => {
  const halving: LagNorm[] = Array.from({ length: 11 }, (_, lag) => ({ lag, norm: 2 * 0.5 ** lag }));
  const flat: LagNorm[] = Array.from({ length: 11 }, (_, lag) => ({ lag, norm: 3 }));
  const { points, rows } = lagFactorTable([["halving", halving], ["flat", flat]], { fitFrom: 1, fitTo: 10, farLags: [3, 10] });
  assert.equal(points.length, 22);
  assert.deepEqual(points[0], { lag: 0, norm: 2, cell: "halving" });
  assert.deepEqual(points[21], { lag: 10, norm: 3, cell: "flat" });
  assert.deepEqual(Object.keys(rows[0]), ["cell", "factor per step", "left at lag 3 (× lag 0)", "left at lag 10 (× lag 0)"]);
  close(rows[0]["factor per step"], 0.5, "halving factor");
  assert.equal(rows[0]["left at lag 3 (× lag 0)"], 0.125);
  assert.equal(rows[0]["left at lag 10 (× lag 0)"], 0.5 ** 10);
  assert.deepEqual(rows[1], { cell: "flat", "factor per step": 1, "left at lag 3 (× lag 0)": 1, "left at lag 10 (× lag 0)": 1 });
  assert.throws(() => lagFactorTable([["halving", halving]], { fitFrom: 1, fitTo: 10, farLags: [11] }), /^Error: lagFactorTable: halving has no norm at lag 11 \(lags 0\.\.10\)$/);
});
