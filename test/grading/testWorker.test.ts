/** What a test cell sees when the student's function throws: the student's name and message, and the built-in class of that name. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { failureOf, studentCallError } from "../../src/tools/grading/testWorker";

test("a failed call throws an instance of the built-in error class its name gives, so assert.throws(f, RangeError) works as in the notebook", () => {
  const thrown = studentCallError("threw", "RangeError", "limit must be positive");
  // Before: an Error subclass named RangeError, so a class matcher failed even for the instructor's own solution.
  assert.throws(() => {
    throw thrown;
  }, RangeError);
  assert.throws(() => {
    throw thrown;
  }, /^RangeError: limit must be positive$/);
  assert.equal(failureOf(thrown), "threw");
  const missing = studentCallError("missing", "ReferenceError", "clip is not defined in the submission");
  assert.ok(missing instanceof ReferenceError);
  assert.equal(failureOf(missing), "missing");
  // Any other name is an Error of that name; names are looked up among the table's own keys only.
  for (const name of ["ClipError", "Timeout", "constructor", "__proto__", "toString"]) {
    const error = studentCallError("threw", name, "x");
    assert.equal(Object.getPrototypeOf(error), Error.prototype, name);
    assert.equal(error.name, name);
  }
  // Only the grader's own errors carry a failure kind: one the test makes itself is its own failure.
  assert.equal(failureOf(new RangeError("limit must be positive")), undefined);
  assert.equal(failureOf("a string"), undefined);
});
