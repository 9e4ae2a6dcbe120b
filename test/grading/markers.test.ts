/** Markers are found the way nbgrader finds them; near misses are refused, never released. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { markerOf, nearMissOf, parseRegions, replaceRegions, withoutMarkerLines } from "../../src/tools/grading/markers";

test("a marker is any line containing its text, in any case, with any comment style", () => {
  assert.equal(markerOf("  // BEGIN SOLUTION"), "begin-solution");
  assert.equal(markerOf("### BEGIN SOLUTION"), "begin-solution");
  assert.equal(markerOf("//BEGIN HIDDEN TESTS"), "begin-hidden");
  assert.equal(markerOf("// end hidden tests"), "end-hidden");
  assert.equal(markerOf("/* End Solution */"), "end-solution");
  assert.equal(markerOf("return values.map((v) => v);"), null);
});

test("near misses are recognised: typos, doubled spaces, underscores; ordinary lines are not", () => {
  assert.equal(nearMissOf("// BEGN SOLUTION"), "begin-solution");
  assert.equal(nearMissOf("// BEGIN  SOLUTION"), "begin-solution");
  assert.equal(nearMissOf("// BEGIN_HIDDEN_TESTS"), "begin-hidden");
  assert.equal(nearMissOf("// BEGIN HIDDEN TEST"), "begin-hidden");
  assert.equal(nearMissOf("// END SOLUTON"), "end-solution");
  // Misspelled with words after it (the same typo at both ends left the region unmarked and released).
  assert.equal(nearMissOf("// BEGIN HIDDN TESTS -- the edge cases"), "begin-hidden");
  assert.equal(nearMissOf("// END HIDDN TESTS -- the edge cases"), "end-hidden");
  assert.equal(nearMissOf("### BEGN SOLUTION (the reference answer, keep it secret)"), "begin-solution");
  assert.equal(nearMissOf("const limit = 3; // END SOLUTON here"), "end-solution");
  assert.equal(nearMissOf("// BEGIN SOLUTION"), null); // a real marker is not a near miss
  assert.equal(nearMissOf("const lengthAndSolution = beginningOf(solutions); // the hidden tests check it"), null);
  assert.equal(nearMissOf("// Begin with the solution of the previous exercise, then the hidden tests"), null);
  assert.equal(nearMissOf("// the visible and hidden tests below need no solution in a solution cell"), null);
  assert.equal(nearMissOf("const beginning = solutions[0];"), null);
  assert.equal(nearMissOf("// Hidden tests for \"clip\" run here when your notebook is graded."), null);
});

test("parseRegions labels lines and refuses near misses, nesting and unbalanced markers, naming the cell and line", () => {
  const lines = parseRegions("a\n// BEGIN SOLUTION\nb\n// END SOLUTION\nc", "nb.ipynb, cell 3");
  assert.deepEqual(lines.map((l) => l.region), [null, "solution", "solution", "solution", null]);
  assert.equal(replaceRegions(lines, "solution", (indent) => `${indent}stub`), "a\nstub\nc");
  assert.equal(withoutMarkerLines(lines), "a\nb\nc");
  assert.throws(() => parseRegions("x\n// BEGN SOLUTION\ny", "nb.ipynb, cell 3"), /^Error: nb\.ipynb, cell 3, line 2: "\/\/ BEGN SOLUTION" looks like the marker "BEGIN SOLUTION" but is not one/);
  assert.throws(() => parseRegions("// BEGIN SOLUTION\n// BEGIN HIDDEN TESTS", "c"), /c, line 2: "BEGIN HIDDEN TESTS" inside an open solution region/);
  assert.throws(() => parseRegions("// END HIDDEN TESTS", "c"), /c, line 1: "END HIDDEN TESTS" without "BEGIN HIDDEN TESTS" before it/);
  assert.throws(() => parseRegions("// BEGIN HIDDEN TESTS\nx", "c"), /c: a hidden region is never closed by "END HIDDEN TESTS"/);
});
