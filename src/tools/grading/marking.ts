/**
 * Which cells of an instructor notebook belong to an exercise, read from cell metadata. Two
 * vocabularies are accepted, so a notebook marked with nbgrader's toolbar grades unchanged:
 *
 * - seqlab: `{"seqlab": {"exercise": "<id>", "points": N, "role": "solution" | "visible-tests" | "hidden-tests"}}`
 *   (points on the exercise's solution cell; a `hidden-tests` cell is dropped whole for students).
 * - nbgrader: `{"nbgrader": {"grade_id": "<id>", "points": N, "solution": bool, "grade": bool, "locked": bool}}`.
 *   An autograded answer (solution) becomes a solution cell; an autograder test cell (grade) is
 *   its own exercise worth its points, with `BEGIN HIDDEN TESTS` regions hidden; a read-only cell
 *   (locked) is put back to the instructor's text before grading. Manually graded cells and task
 *   cells are refused: nothing here can grade them.
 */
import type { Cell } from "../notebook";

export type Role = "solution" | "visible-tests" | "hidden-tests" | "locked";
export const testRoles: readonly Role[] = ["visible-tests", "hidden-tests"];
export const isTestRole = (role: Role) => testRoles.includes(role);

export interface Marking {
  exercise: string;
  role: Role;
  /** Points of the exercise, when this cell states them. */
  points?: number;
}

const ID = /^[A-Za-z0-9_.-]+$/;
const seqlabRoles: Role[] = ["solution", "visible-tests", "hidden-tests"];

function checkPoints(points: unknown, where: string, field: string): number | undefined {
  if (points === undefined) return undefined;
  if (typeof points !== "number" || !Number.isFinite(points) || points < 0) throw new Error(`${where}: ${field} must be a number >= 0 (got ${JSON.stringify(points)})`);
  return points;
}

function seqlabMarking(meta: any, where: string): Marking | null {
  if (meta === undefined || meta.exercise === undefined) return null;
  if (typeof meta.exercise !== "string" || !ID.test(meta.exercise)) throw new Error(`${where}: seqlab.exercise must be an id of letters, digits, "_", "." or "-" (got ${JSON.stringify(meta.exercise)})`);
  if (!seqlabRoles.includes(meta.role)) throw new Error(`${where}: seqlab.role must be one of ${seqlabRoles.join(", ")} (got ${JSON.stringify(meta.role)})`);
  return { exercise: meta.exercise, role: meta.role, points: checkPoints(meta.points, where, "seqlab.points") };
}

function nbgraderMarking(meta: any, where: string): Marking | null {
  if (!meta || typeof meta !== "object") return null;
  const { solution, grade, locked, task } = meta;
  if (!solution && !grade && !locked && !task) return null;
  if (task) throw new Error(`${where}: nbgrader task cells are graded by hand; seqlab grades only autograded cells`);
  if (solution && grade) throw new Error(`${where}: an nbgrader "manually graded answer" cell (solution and grade) cannot be graded automatically; make it an autograded answer with a separate test cell`);
  if (typeof meta.grade_id !== "string" || !ID.test(meta.grade_id)) throw new Error(`${where}: nbgrader.grade_id must be an id of letters, digits, "_", "." or "-" (got ${JSON.stringify(meta.grade_id)})`);
  if (solution) return { exercise: meta.grade_id, role: "solution" };
  if (grade) {
    const points = checkPoints(meta.points, where, "nbgrader.points");
    if (points === undefined) throw new Error(`${where}: an nbgrader test cell needs nbgrader.points`);
    return { exercise: meta.grade_id, role: "visible-tests", points };
  }
  return { exercise: meta.grade_id, role: "locked" };
}

/** The cell's marking (seqlab's metadata first, then nbgrader's), or null for an ordinary cell; throws on malformed metadata. */
export function markingOf(cell: Cell, where: string): Marking | null {
  const marking = seqlabMarking(cell.metadata?.seqlab, where) ?? nbgraderMarking(cell.metadata?.nbgrader, where);
  if (marking && cell.cell_type !== "code") {
    if (marking.role === "locked") return null; // a read-only markdown cell: nothing to grade or restore
    throw new Error(`${where}: only code cells can be marked as ${marking.role} (this is a ${cell.cell_type} cell)`);
  }
  return marking;
}
