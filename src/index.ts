/**
 * seqlab: the library every notebook of the course imports (`import { ... } from "seqlab"`).
 *
 * This file is the public API, exported by name and grouped by the lesson that first uses each
 * name: what the notebooks (their graded exercises included) call, the types they annotate with,
 * and the few chart builders an instructor needs to write another notebook. Everything else in
 * src/ is internal: tests import it by path. ARCHITECTURE.md describes the layers behind it.
 * (tslab type-checks every notebook cell against dist/index.d.ts, so a name removed here fails
 * the notebook that still uses it.)
 */
import * as tf from "@tensorflow/tfjs";
import { Trainer as TrainerWithoutDisplay, type TrainerOptions } from "./training/trainer";
import { TrainingProgress } from "./display/progress";

// 00 · Getting started: tfjs (re-exported so that notebooks and the library share one instance),
// the backend, repeatable randomness, and showing charts, tables and live training progress.
export { tf };
export { initBackend } from "./backend";
export { seed, createRng, shuffleInPlace } from "./random";
export type { Rng } from "./random";
export { show, showTable } from "./display/show";
export type { TableRow } from "./display/show";
export { lineChart, barChart, histogram, heatmap, scatterChart, vegaLite } from "./display/charts";
export type { Chart } from "./display/charts";
export { TrainingProgress, progressCallbacks, formatSeconds } from "./display/progress";
export { LiveOutput } from "./display/kernel";

// 01 · Cutting and padding: the spam corpus, ids, what a maxLen costs, batching by length, and a
// fixed-input classifier over cut-and-padded ids, trained with tf.layers' own fit.
export { loadSpamAssassin } from "./data/spamAssassin";
export { encodeTextSplit } from "./sequences/textSplit";
export { UNKNOWN_ID } from "./sequences/vocabulary";
export { padSequences } from "./sequences/padding";
export { summarizeLengths, lengthHistogram, powersOfTwo, maxLenTradeOff, maxLenCost } from "./sequences/lengths";
export { randomBatches, bucketByBoundaries, sortedChunkBatches, batchPadding } from "./sequences/bucketing";
export { idsTensor } from "./sequences/tensors";
export { concatenatedEmbeddingClassifier, disposeClassifier } from "./models/fixedInputClassifiers";
export { fitBinaryClassifier } from "./training/fitBinaryClassifier";
export { majorityBaselineAccuracy } from "./metrics";

// 02 · Bagging: Moby-Dick, tokens and a vocabulary, bags (and what they confuse), n-grams, the
// mean of embeddings, and classifiers over bags.
export { loadMobyDick } from "./data/mobyDick";
export { tokenize, splitSentences } from "./sequences/tokenizer";
export { Vocabulary } from "./sequences/vocabulary";
export { multiHotBag, countBag, fitIdf, tfidfBag, bagRow } from "./sequences/bagging";
export { findBagCollisions, windowBagCollisions, describeCollisionGroups } from "./sequences/collisions";
export { ngramVocabularySizes, buildNgramVocabulary, encodeNgrams } from "./sequences/ngrams";
export { maskedMean } from "./sequences/maskedMean";
export { bagTensor } from "./sequences/tensors";
export { bagClassifier, meanEmbeddingClassifier } from "./models/fixedInputClassifiers";

/**
 * The Trainer notebooks use: training/trainer.ts's, with live progress by default (a bar and a
 * loss curve from display/progress.ts; the training layer draws nothing itself). `progress: false`
 * turns it off; a factory replaces it.
 */
export class Trainer<GradOptions = unknown> extends TrainerWithoutDisplay<GradOptions> {
  constructor(options: TrainerOptions<GradOptions>) {
    super({ ...options, progress: options.progress ?? ((progressOptions) => new TrainingProgress(progressOptions)) });
  }
}

// 03 · A hidden state: next-word examples and their baseline, the RNN cell built by hand, a model
// around it with a next-token head, the Trainer (above) and its data, reading word by word, and
// pictures of the hidden state.
export { cutIntoPieces, nextTokenExamples } from "./sequences/pieces";
export { unigramCrossEntropy } from "./sequences/unigram";
export { RNNScratch } from "./models/rnnScratch";
export type { RNNWeights } from "./models/rnnScratch";
export { SequenceModel } from "./models/sequenceModel";
export { NextTokenHead } from "./models/heads";
export { SequenceData } from "./training/data";
export { predictNext, readWithAndWithoutState, stateTrajectory, topTokens, formatTokenProbabilities } from "./models/reading";
export { trajectoryPoints, activationHeatmap, activationSummary } from "./models/hiddenAnalysis";
export { trajectory2d, trajectory3d } from "./display/charts";
export { assertShape } from "./checks";

// 04 · Training through time: heads for classes and values, hand gradients against autodiff, fair
// timing, a tf.layers model in the same Trainer, the births series, and the scores of classifiers
// and forecasts.
export { ClassificationHead, RegressionHead } from "./models/heads";
export { disposeBatch } from "./models/sequenceBatch";
export { TensorData } from "./training/data";
export { layersModelTrainable } from "./training/trainer";
export type { EpochRecord, TrainResult } from "./training/trainer";
export { compareGradients } from "./training/gradientCheck";
export { timeSideBySide } from "./timing";
export { recallFirstNumberTask } from "./limits/tasks";
export { accuracy, predictedClasses, meanSquaredError, meanAbsoluteError, binaryAccuracy } from "./metrics";
export { loadUsBirths } from "./data/usBirths";
export { BirthWindows } from "./sequences/birthWindows";

// 05 · The limits of RNNs: random recurrent weights, gradients by lag and the spectral radius, the
// synthetic tasks, what gradient clipping repairs, and the memory-horizon experiment.
export { spectralRadius } from "./limits/spectral";
export { jacobianNormsByLag, gradientNormByLag, logSlope } from "./limits/gradientByLag";
export type { LagNorm } from "./limits/gradientByLag";
export { recallTask, balancedTask, bracketString, oneHotSequences } from "./limits/tasks";
export { memoryHorizon, chanceThreshold, RECALL_TRAINING } from "./limits/horizon";
export { clippingRun, clippingRows } from "./limits/clipping";
export { gradientByRadius } from "./limits/lagTables";
export { recallRunRows, firstAtChance } from "./limits/horizonReport";
export { bracketGeneralization } from "./limits/brackets";
export type { ClippingRun } from "./limits/clipping";
export { gaussianMatrix } from "./random";

// 06 · Gated cells: the LSTM and the GRU built by hand (the LSTM checked against tf.layers), what
// their gates do, how far back each cell carries a gradient, and the memory horizon over seeds.
export { LSTMScratch } from "./models/lstmScratch";
export type { LSTMWeights } from "./models/lstmScratch";
export { GRUScratch } from "./models/gruScratch";
export type { GRUWeights } from "./models/gruScratch";
export { gateAverages } from "./models/gateAverages";
export { lstmLayerDifference } from "./models/layersLstm";
export { inputJacobianNormsByLag } from "./limits/gradientByLag";
export { summarizeHorizon, accuracyByLag } from "./limits/horizon";
export { lagFactorTable } from "./limits/lagTables";
export { formatHorizon, horizonSummaryRows, everySeedAboveChanceLine, compoundedFactorRows } from "./limits/horizonReport";
export type { HorizonModel, HorizonRun } from "./limits/horizon";
