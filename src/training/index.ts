/** Training: the Trainer, data sources, hand-written BPTT and gradient clipping. */
export { Trainer, layersModelTrainable } from "./trainer";
export type { TrainableModel, TrainerOptions, TrainResult, EpochRecord, StepRecord, EarlyStopping, ProgressReporter, ProgressFactory } from "./trainer";
export { SequenceData, TensorData } from "./data";
export type { BatchSource, SequenceDataOptions, TensorBatch } from "./data";
export { forwardWithCache, backwardThroughTime, splitSteps, wideMasks, matMulTransposeA } from "./bptt";
export type { ForwardCache, BackwardOptions, BackwardResult } from "./bptt";
export { clipByGlobalNorm, globalNorm } from "./clip";
export { compareGradients } from "./gradientCheck";
export type { GradientDifference } from "./gradientCheck";
