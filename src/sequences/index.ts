/** The sequence toolkit: tokens and ids, cutting and padding, bucketing, bags, and fixed-input baselines. */
export { tokenize, splitSentences, TOKEN_PATTERN } from "./tokenizer";
export { Vocabulary, PAD_ID, UNKNOWN_ID, PAD_TOKEN, UNKNOWN_TOKEN } from "./vocabulary";
export type { VocabularyOptions, VocabularyJSON } from "./vocabulary";
export { padSequences } from "./padding";
export type { PadOptions, PadSide, Padded } from "./padding";
export { encodeTextSplit } from "./textSplit";
export type { LabelledText, EncodedPart, EncodedTextSplit } from "./textSplit";
export { cutIntoPieces, nextTokenExamples } from "./pieces";
export type { NextTokenExamples } from "./pieces";
export { unigramProbabilities, unigramCrossEntropy } from "./unigram";
export { BirthWindows, BIRTH_EVENT_SIZE, dayRange } from "./birthWindows";
export { summarizeLengths, nearestRankQuantile, maxLenCost, maxLenTradeOff, powersOfTwo, lengthHistogram } from "./lengths";
export type { LengthSummary, MaxLenCost, LengthBin } from "./lengths";
export { randomBatches, bucketByBoundaries, sortedChunkBatches, batchPadding } from "./bucketing";
export type { BatchPadding } from "./bucketing";
export { multiHotBag, countBag, fitIdf, tfidfBag, bagRow } from "./bagging";
export type { BagMatrix } from "./bagging";
export { ngrams, ngramRange, slidingWindows, ngramVocabularySizes, buildNgramVocabulary, encodeNgrams } from "./ngrams";
export type { NgramVocabularySize } from "./ngrams";
export { findBagCollisions, windowBagCollisions, describeCollisionGroups } from "./collisions";
export type { BagCollisions, BagKind, WindowCollisions } from "./collisions";
export { maskedMean, MaskedGlobalAveragePooling1D } from "./maskedMean";
export {
  concatenatedEmbeddingClassifier,
  bagClassifier,
  meanEmbeddingClassifier,
  idsTensor,
  bagTensor,
  labelsTensor,
  binaryAccuracy,
  majorityBaselineAccuracy,
  fitBinaryClassifier,
  disposeClassifier,
} from "./classifiers";
export type { FitResult } from "./classifiers";
