import { test } from "node:test";
import assert from "node:assert/strict";
import { spectralRadius, scaleToSpectralRadius, matVec } from "../../src/limits/spectral";

test("spectralRadius: diagonal matrix with known eigenvalues", () => {
  assert.ok(Math.abs(spectralRadius([[0.5, 0, 0], [0, -2, 0], [0, 0, 1]]) - 2) < 1e-6);
});

test("spectralRadius: triangular matrix (eigenvalues on the diagonal, not symmetric)", () => {
  assert.ok(Math.abs(spectralRadius([[0.3, 5], [0, 0.9]]) - 0.9) < 1e-2);
});

test("spectralRadius: a rotation scaled by 1.5 has a complex pair of modulus 1.5", () => {
  const c = Math.cos(0.7) * 1.5;
  const s = Math.sin(0.7) * 1.5;
  assert.ok(Math.abs(spectralRadius([[c, -s], [s, c]]) - 1.5) < 1e-9);
});

test("scaleToSpectralRadius: rescales to the target and keeps the direction", () => {
  const W = [[0.2, 0.1, 0], [0, -0.4, 0.3], [0.5, 0, 0.1]];
  for (const target of [0.5, 1, 3]) {
    const scaled = scaleToSpectralRadius(W, target);
    assert.ok(Math.abs(spectralRadius(scaled) - target) < 1e-3 * target, `target ${target}`);
    const ratio = scaled[0][0] / W[0][0];
    scaled.forEach((row, i) => row.forEach((w, j) => assert.ok(Math.abs(w - W[i][j] * ratio) < 1e-12)));
  }
});

test("spectral: errors name the problem", () => {
  assert.throws(() => spectralRadius([[1, 2]]), /square/);
  assert.throws(() => scaleToSpectralRadius([[0, 1], [0, 0]], 1), /radius 0/);
  assert.throws(() => scaleToSpectralRadius([[1]], -1), /target/);
  assert.deepEqual(matVec([[1, 2], [3, 4]], [1, 1]), [3, 7]);
});
