export { spectralRadius, scaleToSpectralRadius, matVec } from "./spectral";
export type { SpectralRadiusOptions } from "./spectral";
export { runCell, jacobiansByLag, jacobianNormsByLag, gradientNormByLag, logSlope } from "./gradientByLag";
export type { LagNorm } from "./gradientByLag";
export { recallTask, parityTask, bracketTask, balancedTask, maxBracketDepth, parity, bracketDepth, bracketString, oneHotSequences, accuracy } from "./tasks";
export type { ClassificationTask, RecallOptions, LengthRange, BracketOptions, BalancedOptions } from "./tasks";
