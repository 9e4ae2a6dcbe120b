/**
 * seqlab: the library every notebook of the course imports (`import { ... } from "seqlab"`).
 * It re-exports tfjs as `tf` so notebooks and the library share one tfjs instance.
 */
export * as tf from "@tensorflow/tfjs";
export { initBackend, backendFromEnvironment, BACKEND_NAMES } from "./backend";
export type { BackendName, BackendChoice } from "./backend";
export { seed, getSeed, createRng, shuffleInPlace } from "./random";
export type { Rng } from "./random";
export { accuracy, predictedClasses, meanAbsoluteError, meanSquaredError } from "./metrics";
export { timeSideBySide } from "./timing";
export * from "./display";
export * from "./models";
export * from "./training";
export * from "./data";
export * from "./sequences";
export * from "./limits";
