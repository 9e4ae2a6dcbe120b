/**
 * The notebook that is graded for one submission: the student's own cells, with the test cells
 * taken from the instructor notebook (never from the submission) and put back where they stood,
 * and read-only cells put back to the instructor's text. What the submission says about its
 * cells' roles (metadata) is ignored: only the release decides which cells are tests.
 */
import { sourceOf, type Cell, type Notebook } from "../notebook";
import type { GradedCell, GradedTestCell } from "./harness";
import { isTestRole } from "./marking";
import { gradedText, sha256, type MarkedCell, type ReleaseManifest } from "./release";

export interface GradedNotebook {
  sequence: GradedCell[];
  /** Facts about the submission for its report, in fixed words (no text from the submission). */
  notes: string[];
  /** Where each solution cell is in the submission (1-based), by id. */
  solutionPositions: Record<string, number>;
}

export function buildGradedNotebook(submission: Notebook, manifest: ReleaseManifest, instructorCells: MarkedCell[]): GradedNotebook {
  const notes: string[] = [];
  const solutionPositions: Record<string, number> = {};
  const marked = new Map(instructorCells.map((cell) => [cell.id, cell]));
  const present = new Set<string>();
  const own: { item: GradedCell; id?: string }[] = [];
  submission.cells.forEach((original, index) => {
    const id = typeof original.id === "string" ? original.id : undefined;
    const release = id !== undefined ? manifest.cells[id] : undefined;
    const instructorCell = id !== undefined ? marked.get(id) : undefined;
    if (release && instructorCell && release.role !== "solution") {
      if (present.has(id!)) return; // a duplicated protected cell counts once
      present.add(id!);
      const edited = release.released !== null && sha256(sourceOf(original)) !== release.released && sourceOf(original) !== instructorCell.source;
      if (isTestRole(release.role)) {
        if (edited) notes.push(`The ${release.role} cell of "${release.exercise}" (${id}) was edited; the original was used.`);
        return; // the instructor's test cell goes back in below
      }
      if (edited) notes.push(`The read-only cell ${id} was edited; the original was used.`);
      // The instructor's cell (a locked cell is always a code cell), none of the submission's fields.
      own.push({ id, item: { kind: "student", position: index + 1, cell: { cell_type: "code", id, metadata: {}, source: instructorCell.source } } });
      return;
    }
    if (release?.role === "solution" && !present.has(id!)) {
      present.add(id!);
      solutionPositions[id!] = index + 1;
    }
    const cell: Cell = { cell_type: original.cell_type, id: original.id, metadata: {}, source: sourceOf(original) };
    own.push({ id, item: { kind: "student", position: index + 1, cell } });
  });
  if (!submission.cells.some((cell) => typeof cell.id === "string")) {
    // nbformat 4.4 (no ids): nothing can be matched to the release, so say that once.
    notes.push("The submission's cells have no ids (saved as nbformat 4.4?), so none could be matched to the assignment: every cell ran as the student's, and the tests ran at the end.");
  } else {
    for (const [id, release] of Object.entries(manifest.cells)) {
      if (present.has(id)) continue;
      if (release.role === "solution") notes.push(`The solution cell of "${release.exercise}" (${id}) is missing from the submission.`);
      else if (release.role === "locked") notes.push(`The read-only cell ${id} is missing from the submission; it was not run.`);
    }
  }
  // Test cells go back after the cell they followed in the instructor notebook (at the end when it is gone).
  const sequence: GradedCell[] = own.map((entry) => entry.item);
  const ids = own.map((entry) => entry.id);
  const tests = instructorCells.filter((cell) => isTestRole(cell.marking.role));
  for (const test of tests) {
    const release = manifest.cells[test.id];
    const item: GradedTestCell = {
      kind: "test",
      cell: { cell_type: "code", id: test.id, metadata: {}, source: test.source },
      cellId: test.id,
      exercise: release.exercise,
      hidden: release.role === "hidden-tests" || test.lines.some((line) => line.region === "hidden"),
      code: gradedText(test),
    };
    const anchorAt = release.after === null ? -1 : ids.lastIndexOf(release.after);
    let at = release.after !== null && anchorAt === -1 ? sequence.length : anchorAt + 1;
    while (at < sequence.length && sequence[at].kind === "test") at++; // after tests already put back there
    sequence.splice(at, 0, item);
    ids.splice(at, 0, undefined);
  }
  return { sequence, notes, solutionPositions };
}
