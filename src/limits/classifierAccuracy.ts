/** How often a classifier SequenceModel is right: the experiments of notebooks 05 and 06 score every model with it. */
import { accuracy, predictedClasses } from "../metrics";
import type { SequenceModel } from "../models/sequenceModel";
import type { RecurrentCell } from "../models/recurrentCell";

/**
 * Share of `sequences` whose most probable class (the first on a tie) is their label, predicted
 * in batches of up to 256 sequences of similar length. sequences: [N][len][D]; labels: [N].
 */
export function classifierAccuracy(model: SequenceModel<RecurrentCell<unknown>>, sequences: number[][][], labels: number[]): number {
  return accuracy(predictedClasses(model.predictBatched(sequences, { batchSize: 256 })), labels);
}
