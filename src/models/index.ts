/** Recurrent models built from scratch, their heads, and tools to look at the hidden state. */
export { RNNScratch, randomOrthogonal } from "./rnnScratch";
export type { RNNScratchOptions, RNNWeights, RNNOutput } from "./rnnScratch";
export { Head, NextTokenHead, ClassificationHead, RegressionHead } from "./heads";
export type { HeadKind, HeadParams } from "./heads";
export { SequenceModel, disposeBatch } from "./sequenceModel";
export type { SequenceModelOptions, SequenceBatch, GradientMethod, GradientOptions } from "./sequenceModel";
export { stepInputsFromTensor, stepInputsFromSequences, disposeStepInputs } from "./stepInputs";
export type { StepInputs } from "./stepInputs";
export { pca, trajectoryPoints, activationHeatmap, activationSummary } from "./hiddenAnalysis";
export { readSequence, predictNext, readWithAndWithoutState, stateTrajectory, topTokens, formatTokenProbabilities } from "./reading";
export type { StatefulStep, TokenProbability } from "./reading";
export { assertShape } from "./checks";
export type { PCA, HiddenStatePoint } from "./hiddenAnalysis";
