export { spectralRadius, scaleToSpectralRadius, matVec } from "./spectral";
export type { SpectralRadiusOptions } from "./spectral";
export { runCell, jacobiansByLag, jacobianNormsByLag, gradientNormByLag, logSlope } from "./gradientByLag";
export type { LagNorm } from "./gradientByLag";
export { recallTask, recallFirstNumberTask, parityTask, bracketTask, balancedTask, maxBracketDepth, parity, bracketDepth, bracketString, oneHotSequences } from "./tasks";
export type { ClassificationTask, RegressionTask, RecallOptions, LengthRange, BracketOptions, BalancedOptions } from "./tasks";
