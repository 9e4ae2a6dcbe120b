/**
 * The no-context baseline for next-token prediction: a unigram model guesses every token with
 * its frequency in the training targets, whatever came before. Its cross-entropy on held-out
 * targets is the bar a sequence model has to clear (a uniform guess over V ids scores ln V).
 */
import { checkInteger, describeValue } from "../checks";

/**
 * P(id) = (count(id) + smoothing) / (total + smoothing · vocabSize), counted over the training
 * targets; negative ids (steps with no target) are skipped. Additive ("add-one" by default)
 * smoothing gives an id never seen in training a small probability instead of zero.
 * trainTargets: [N] ids in [0, vocabSize) or negative; returns [vocabSize] probabilities.
 */
export function unigramProbabilities(trainTargets: readonly number[], vocabSize: number, options: { smoothing?: number } = {}): Float64Array {
  const V = checkInteger(vocabSize, "unigramProbabilities: vocabSize", 1);
  const smoothing = options.smoothing ?? 1;
  if (!(typeof smoothing === "number" && smoothing > 0 && Number.isFinite(smoothing))) {
    throw new Error(`unigramProbabilities: smoothing must be a positive number, got ${describeValue(smoothing)}`);
  }
  const counts = new Float64Array(V);
  trainTargets.forEach((id, index) => {
    if (!Number.isInteger(id) || id >= V) throw new Error(`unigramProbabilities: trainTargets[${index}] must be an id in [0, ${V}) or negative (no target), got ${describeValue(id)}`);
    if (id >= 0) counts[id] += 1;
  });
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((count) => (count + smoothing) / (total + smoothing * V));
}

/**
 * Mean cross-entropy, in nats, of the unigram model fitted on `trainTargets` over the
 * non-negative ids of `evaluationTargets`: −(1/n) Σ ln P(id). exp of it is the perplexity.
 */
export function unigramCrossEntropy(
  trainTargets: readonly number[],
  evaluationTargets: readonly number[],
  vocabSize: number,
  options: { smoothing?: number } = {},
): number {
  const probabilities = unigramProbabilities(trainTargets, vocabSize, options);
  let sum = 0;
  let n = 0;
  evaluationTargets.forEach((id, index) => {
    if (!Number.isInteger(id) || id >= probabilities.length) {
      throw new Error(`unigramCrossEntropy: evaluationTargets[${index}] must be an id in [0, ${probabilities.length}) or negative (no target), got ${describeValue(id)}`);
    }
    if (id < 0) return;
    sum -= Math.log(probabilities[id]);
    n++;
  });
  if (n === 0) throw new Error("unigramCrossEntropy: evaluationTargets holds no target (every id is negative or the list is empty)");
  return sum / n;
}
