export { spectralRadius, scaleToSpectralRadius, matVec } from "./spectral";
export type { SpectralRadiusOptions } from "./spectral";
export { runCell, jacobiansByLag, jacobianNormsByLag, gradientNormByLag, logSlope, inputJacobianNormsByLag } from "./gradientByLag";
export { RECALL_TRAINING, trainRecall, memoryHorizon, summarizeHorizon, accuracyByLag, chanceThreshold, classifierAccuracy } from "./horizon";
export type { RecallTraining, RecallRunOptions, RecallRun, HorizonModel, HorizonOptions, HorizonRun, HorizonSummary } from "./horizon";
export type { LagNorm } from "./gradientByLag";
export { recallTask, recallFirstNumberTask, parityTask, bracketTask, balancedTask, maxBracketDepth, parity, bracketDepth, bracketString, oneHotSequences } from "./tasks";
export type { ClassificationTask, RegressionTask, RecallOptions, LengthRange, BracketOptions, BalancedOptions } from "./tasks";
