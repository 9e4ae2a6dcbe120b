/**
 * Where the repository is, for the commands in tools/ (which run from dist/tools/ or, under the
 * tests, from src/tools/: two levels below the root either way), and the folders they share.
 */
import * as path from "path";

/** The repository's root folder. */
export const repoRoot = path.resolve(__dirname, "..", "..");
/** The course: notebooks/NN-topic.ipynb. */
export const notebooksDir = path.join(repoRoot, "notebooks");
/** Everything the commands write (git-ignored). */
export const buildDir = path.join(repoRoot, "build");
