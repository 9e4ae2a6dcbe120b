/**
 * Releasing: the student version holds no solution or hidden-test text, the manifest ties the
 * release to the instructor notebook with a keyed hash, and every authoring slip that would leak
 * or mis-grade is refused with the notebook and cell named.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { readNotebook, sourceOf, toSourceLines, type Notebook } from "../../src/tools/notebook";
import { makeRelease, newReleaseKey, readReleaseKey, verifyInstructor, type ReleaseManifest } from "../../src/tools/grading/release";
import { fixturePath, releaseFixture, root, SECRETS } from "./helpers";

const instructor = () => readNotebook(fixturePath);
const release = (notebook: Notebook, key = newReleaseKey()) => makeRelease(notebook, fixturePath, root, key);
const edited = (edit: (nb: Notebook) => void) => {
  const copy = instructor();
  edit(copy);
  return copy;
};
const setSource = (nb: Notebook, id: string, text: string) => (nb.cells.find((c) => c.id === id)!.source = toSourceLines(text));

test("the student version: solutions stubbed, hidden tests gone (a hidden-tests cell dropped whole), outputs cleared, tests read-only", () => {
  const fixture = releaseFixture("release");
  const text = fs.readFileSync(fixture.released.studentPath, "utf8");
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `student notebook leaks ${JSON.stringify(secret)}`);
  const byId = (id: string) => fixture.student.cells.find((c) => c.id === id);
  assert.equal(sourceOf(byId("truncate-solution")!), 'function truncatePost(sequence: number[], maxLength: number): number[] {\n  throw new Error("not implemented yet: truncate");\n}');
  assert.equal(sourceOf(byId("truncate-tests")!), 'import * as assert from "assert";\nassert.deepStrictEqual(truncatePost([1, 2, 3, 4], 2), [1, 2]);');
  assert.equal(byId("clip-hidden"), undefined);
  assert.deepEqual(byId("clip-tests")!.metadata, { seqlab: { exercise: "clip", role: "visible-tests" }, editable: false, deletable: false });
  const manifest = fixture.released.manifest;
  assert.deepEqual(manifest.exercises.map((e) => [e.id, e.points, e.testCells]), [["truncate", 2, ["truncate-tests"]], ["clip", 3, ["clip-tests", "clip-hidden"]]]);
  assert.equal(manifest.totalPoints, 5);
  assert.deepEqual(manifest.solutionNames, [{ name: "truncatePost", kind: "function" }, { name: "clip", kind: "function" }]);
  assert.equal(manifest.cells["clip-hidden"].released, null);
  assert.equal(manifest.cells["clip-hidden"].after, "clip-solution"); // put back after the cell it followed, past other tests
  const manifestText = fs.readFileSync(fixture.released.manifestPath, "utf8");
  for (const secret of SECRETS) assert.ok(!manifestText.includes(secret), `manifest leaks ${JSON.stringify(secret)}`);
  assert.equal(fs.statSync(fixture.released.keyPath).mode & 0o777, 0o600);
  assert.match(fs.readFileSync(fixture.released.keyPath, "utf8"), /^[0-9a-f]{64}\n$/);
});

test("the keyed hash: an instructor notebook edited since the release, or another key, is refused naming the cell", () => {
  const key = newReleaseKey();
  const { manifest } = release(instructor(), key);
  assert.equal(verifyInstructor(manifest, instructor(), key, "nb.ipynb").length, 5);
  const changedHidden = edited((nb) => setSource(nb, "clip-hidden", sourceOf(nb.cells.find((c) => c.id === "clip-hidden")!).replace("[3, -3], 2), [2, -2]", "[3, -3], 2), [9, 9]")));
  assert.throws(() => verifyInstructor(manifest, changedHidden, key, "nb.ipynb"), /nb\.ipynb, cell 9 \(clip-hidden, hidden-tests of "clip"\) changed since the release/);
  const changedSolution = edited((nb) => setSource(nb, "clip-solution", sourceOf(nb.cells.find((c) => c.id === "clip-solution")!).replace("Math.max", "Math.min")));
  assert.throws(() => verifyInstructor(manifest, changedSolution, key, "nb.ipynb"), /cell 7 \(clip-solution, solution of "clip"\) changed since the release/);
  assert.throws(() => verifyInstructor(manifest, instructor(), newReleaseKey(), "nb.ipynb"), /changed since the release \(or the release key is not this release's\)/);
  const newlyMarked = edited((nb) => (nb.cells.find((c) => c.id === "done")!.metadata = { seqlab: { exercise: "clip", role: "visible-tests" } }));
  assert.throws(() => verifyInstructor(manifest, newlyMarked, key, "nb.ipynb"), /cell 10 \(done\) is marked but was not in the release/);
});

test("a manifest edited by hand is refused: points, an exercise's test cells, roles, anchors, names", () => {
  const key = newReleaseKey();
  const { manifest } = release(instructor(), key);
  const reordered = JSON.parse(JSON.stringify({ ...manifest, exercises: manifest.exercises.map((e) => Object.fromEntries(Object.entries(e).reverse())) }));
  assert.equal(verifyInstructor(reordered, instructor(), key, "nb.ipynb").length, 5); // key order does not matter
  const edits: ((m: ReleaseManifest) => void)[] = [
    (m) => (m.exercises[1].testCells = ["clip-tests"]), // drop the hidden tests: a wrong answer scores
    (m) => (m.exercises[1].points = 30),
    (m) => (m.totalPoints = 50),
    (m) => (m.cells["clip-hidden"].role = "visible-tests"),
    (m) => (m.cells["clip-hidden"].after = null),
    (m) => m.solutionNames.push({ name: "expected", kind: "value" }),
    (m) => (m.notebook = "other.ipynb"),
    (m) => (m.manifestHmac = "not hex at all, but 64 characters long................................".slice(0, 64)),
  ];
  for (const edit of edits) {
    const copy: ReleaseManifest = JSON.parse(JSON.stringify(manifest));
    edit(copy);
    assert.throws(() => verifyInstructor(copy, instructor(), key, "nb.ipynb"), /the release manifest was edited after `npm run assign` wrote it \(its exercises, points, test cells or names\)/, edit.toString());
  }
  const moved = { ...manifest, instructorNotebook: "/elsewhere/nb.ipynb", created: "2030-01-01T00:00:00.000Z" };
  assert.equal(verifyInstructor(moved, instructor(), key, "nb.ipynb").length, 5); // where the notebook lives is --instructor's business
});

test("a misspelled marker is refused, naming the notebook, cell and line, in marked and unmarked cells", () => {
  const typo = edited((nb) => setSource(nb, "clip-hidden", sourceOf(nb.cells.find((c) => c.id === "clip-hidden")!).replace("// BEGIN HIDDEN TESTS", "// BEGN HIDDEN TESTS")));
  assert.throws(() => release(typo), /truncate-and-clip\.ipynb, cell 9, line 2: "\/\/ BEGN HIDDEN TESTS" looks like the marker "BEGIN HIDDEN TESTS"/);
  // The same typo at both ends, with words after it, left no region at all: released verbatim, no error.
  const typoWithWords = edited((nb) => setSource(nb, "truncate-tests", sourceOf(nb.cells.find((c) => c.id === "truncate-tests")!).replace("// BEGIN HIDDEN TESTS", "// BEGIN HIDDN TESTS -- the edge cases").replace("// END HIDDEN TESTS", "// END HIDDN TESTS -- the edge cases")));
  assert.throws(() => release(typoWithWords), /truncate-and-clip\.ipynb, cell 5, line 3: "\/\/ BEGIN HIDDN TESTS -- the edge cases" looks like the marker "BEGIN HIDDEN TESTS"/);
  const inStory = edited((nb) => setSource(nb, "done", 'console.log("end of notebook");\n// END SOLUTON'));
  assert.throws(() => release(inStory), /cell 10, line 2: .* looks like the marker "END SOLUTION"/);
  // Regions are removed only from code cells: one in a markdown cell went out as it was, no error.
  const inMarkdown = edited((nb) => setSource(nb, "truncate-md", "## Exercise 1\n\n<!-- BEGIN SOLUTION -->\nInstructor note: `sequence.slice(0, maxLength)`; the hidden test tries `truncatePost([7, 8, 9], 0)`.\n<!-- END SOLUTION -->"));
  assert.throws(() => release(inMarkdown), /truncate-and-clip\.ipynb, cell 3: this markdown cell has solution or hidden-test markers, but regions are removed only from marked code cells/);
  const typoInMarkdown = edited((nb) => setSource(nb, "truncate-md", "## Exercise 1\n\n<!-- BEGN HIDDEN TESTS -->"));
  assert.throws(() => release(typoInMarkdown), /cell 3, line 3: .* looks like the marker "BEGIN HIDDEN TESTS"/);
  const unmarked = edited((nb) => (nb.cells.find((c) => c.id === "clip-solution")!.metadata = {}));
  assert.throws(() => release(unmarked), /cell 7: has solution or hidden-test markers but no seqlab or nbgrader metadata/);
  const noSpace = edited((nb) => setSource(nb, "clip-tests", 'import * as assert from "assert";\n//BEGIN HIDDEN TESTS\nassert.ok(clip([1], 1));\n//END HIDDEN TESTS'));
  assert.ok(!JSON.stringify(release(noSpace).student).includes("assert.ok(clip([1], 1))"), "//BEGIN HIDDEN TESTS (no space) is a marker");
});

test("released text that still holds a solution or hidden line anywhere is refused", () => {
  const inMarkdown = edited((nb) => setSource(nb, "clip-md", "## Exercise 2\n\nHint: `return values.map((value) => Math.max(-limit, Math.min(limit, value)));`"));
  assert.throws(() => release(inMarkdown), /cell 6: the student version still contains "return values\.map\(\(value\) => Math\.max\(-limit, Math\.min\(limit, value\)\)\);" from the solution of "clip" \(cell 7\)/);
  const inOutput = edited((nb) => (nb.cells.find((c) => c.id === "done")!.outputs = [{ output_type: "stream", name: "stdout", text: "assert.deepStrictEqual(clip([3, -3], 2), [2, -2]);\n" }]));
  // Outputs are cleared on release, so an output alone never leaks; metadata is kept and checked.
  assert.doesNotThrow(() => release(inOutput));
  const inMetadata = edited((nb) => (nb.cells.find((c) => c.id === "done")!.metadata = { note: "assert.deepStrictEqual(clip([3, -3], 2), [2, -2]);" }));
  assert.throws(() => release(inMetadata), /cell 10: the student version still contains .* from the hidden tests of "clip" \(cell 9\)/);
});

test("a test cell that uses a name the grader cannot give it is refused when releasing", () => {
  const usesStoryVariable = edited((nb) => setSource(nb, "clip-tests", 'import * as assert from "assert";\nassert.deepStrictEqual(clip(storyValues, 1), []);'));
  assert.throws(() => release(usesStoryVariable), /cell 8 \(visible-tests of "clip"\) uses `storyValues`, which neither the cell imports nor a solution cell declares/);
  const noImport = edited((nb) => setSource(nb, "clip-tests", "assert.deepStrictEqual(clip([1], 1), [1]);"));
  assert.throws(() => release(noImport), /uses `assert`/);
  const usesClass = edited((nb) => {
    setSource(nb, "clip-solution", "class Clipper {\n  // BEGIN SOLUTION\n  limit = 1;\n  // END SOLUTION\n}");
    setSource(nb, "clip-tests", 'import * as assert from "assert";\nassert.equal(new Clipper().limit, 1);');
  });
  assert.throws(() => release(usesClass), /uses the class `Clipper` from a solution cell/);
  // A helper declared inside the solution region: students never see its name, so neither does the manifest, and no test may rely on it.
  const regionHelper = (nb: Notebook) => setSource(nb, "clip-solution", "function clip(values: number[], limit: number): number[] {\n  return values.map((value) => clampOneSecretly(value, limit));\n}\n// BEGIN SOLUTION\nfunction clampOneSecretly(value: number, limit: number): number {\n  return Math.max(-limit, Math.min(limit, value));\n}\n// END SOLUTION");
  const { manifest } = release(edited(regionHelper));
  assert.deepEqual(manifest.solutionNames.map((n) => n.name), ["truncatePost", "clip"]);
  assert.ok(!JSON.stringify(manifest).includes("clampOneSecretly"));
  const testsHelper = edited((nb) => {
    regionHelper(nb);
    setSource(nb, "clip-tests", 'import * as assert from "assert";\nassert.equal(clampOneSecretly(5, 1), 1);');
  });
  assert.throws(() => release(testsHelper), /cell 8 \(visible-tests of "clip"\) uses `clampOneSecretly`, which neither the cell imports nor a solution cell declares/);
});

test("nbgrader's own metadata releases unchanged: test cells are exercises worth their points, locked cells stay", () => {
  const file = path.join(root, "test", "fixtures", "assignments", "nbgrader-squares.ipynb");
  const { student, manifest } = makeRelease(readNotebook(file), file, root, newReleaseKey());
  assert.deepEqual(manifest.exercises.map((e) => [e.id, e.points, e.testCells]), [["correct_squares", 2, ["correct_squares"]], ["squares_empty", 1, ["squares_empty"]]]);
  assert.equal(manifest.cells.helper.role, "locked");
  assert.equal(manifest.cells.squares.role, "solution");
  const text = JSON.stringify(student);
  assert.ok(!text.includes("(i + 1) ** 2") && !text.includes("squares(10)[9]") && !text.includes("BEGIN"), text);
  assert.match(sourceOf(student.cells.find((c) => c.id === "squares")!), /throw new Error\("not implemented yet: squares"\);/);
  const manual = readNotebook(file);
  manual.cells.find((c) => c.id === "squares")!.metadata.nbgrader.grade = true;
  assert.throws(() => makeRelease(manual, file, root, newReleaseKey()), /cell 3: an nbgrader "manually graded answer" cell .* cannot be graded automatically/);
});

test("the release key: read from the file or SEQLAB_RELEASE_KEY; a missing or malformed key says how to fix it", () => {
  const fixture = releaseFixture("key");
  const key = fs.readFileSync(fixture.released.keyPath, "utf8").trim();
  assert.equal(readReleaseKey(fixture.released.keyPath), key);
  assert.throws(() => readReleaseKey("/nonexistent/x.release.key"), /the release key \/nonexistent\/x\.release\.key is missing\. `npm run assign` writes it beside the manifest/);
  process.env.SEQLAB_RELEASE_KEY = "abc";
  try {
    assert.throws(() => readReleaseKey("/nonexistent/x.release.key"), /in SEQLAB_RELEASE_KEY is not 64 hex digits/);
    // A key file named on the command line wins over the environment (another release's key, say).
    assert.equal(readReleaseKey(fixture.released.keyPath, true), key);
  } finally {
    delete process.env.SEQLAB_RELEASE_KEY;
  }
});
