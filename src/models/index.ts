/** Recurrent models built from scratch, their heads, and tools to look at the hidden state. */
export { RNNScratch, randomOrthogonal } from "./rnnScratch";
export type { RNNScratchOptions, RNNWeights, RNNOutput } from "./rnnScratch";
export { Head, NextTokenHead, ClassificationHead, RegressionHead } from "./heads";
export type { HeadKind, HeadParams } from "./heads";
export { LSTMScratch, LSTM_GATES } from "./lstmScratch";
export type { LSTMScratchOptions, LSTMWeights, LSTMState, LSTMOutput } from "./lstmScratch";
export { GRUScratch, GRU_GATES } from "./gruScratch";
export type { GRUScratchOptions, GRUWeights, GRUOutput } from "./gruScratch";
export { lstmWeightsFromTorch, gruWeightsFromTorch, gruGateOrderFromTorch } from "./torchLayout";
export type { TorchRecurrentWeights } from "./torchLayout";
export type { RecurrentCell, CellState, HandForward, HandBackwardOptions, HandBackwardResult } from "./recurrentCell";
export { SequenceModel, disposeBatch } from "./sequenceModel";
export type { SequenceModelOptions, SequenceBatch, GradientMethod, GradientOptions, AnySequenceModel } from "./sequenceModel";
export { stepInputsFromTensor, stepInputsFromSequences, disposeStepInputs } from "./stepInputs";
export type { StepInputs } from "./stepInputs";
export { pca, trajectoryPoints, activationHeatmap } from "./hiddenAnalysis";
export { assertShape } from "./checks";
export type { PCA, HiddenStatePoint } from "./hiddenAnalysis";
