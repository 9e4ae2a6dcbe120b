/**
 * A complete model for one of the course's tasks: (optional token embedding) -> recurrent cell
 * -> head. The cell is RNNScratch by default; `cell` plugs in any RecurrentCell (LSTMScratch,
 * GRUScratch), e.g. `cell: (D, H) => new LSTMScratch({ inputSize: D, hiddenSize: H })`.
 *
 * It computes its loss and gradients two ways, which must agree:
 * - "autodiff": the forward pass written with tf ops (`loss`), differentiated by tfjs
 *   (tf.variableGrads);
 * - "hand": the cell's forward pass keeps caches and its hand-written backward pass runs the
 *   recurrence backwards (handGradients.ts); tfjs only differentiates the small head.
 * Batches are built and checked in sequenceBatch.ts; predictions for many sequences are batched
 * by length with the sequence toolkit's one length-batcher (sequences/bucketing.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { RNNScratch } from "./rnnScratch";
import { Head } from "./heads";
import { shapeString } from "../checks";
import { byLength, cutIntoBatches } from "../sequences/bucketing";
import { uniqueName, variableFrom } from "./variables";
import { disposeStepInputs, embedSteps, stepInputsFromSequences } from "./stepInputs";
import { makeSequenceBatch, type SequenceBatch } from "./sequenceBatch";
import { handLossAndGradients } from "./handGradients";
import type { CellState, RecurrentCell } from "./recurrentCell";

export interface SequenceModelOptions<Cell extends RecurrentCell<any> = RNNScratch> {
  /** Dense inputs: numbers per event. Leave undefined for token inputs. */
  inputSize?: number;
  /** Token inputs: vocabulary size V and embedding size D (x_t = E[token_t]). */
  vocabSize?: number;
  embeddingSize?: number;
  hiddenSize: number;
  /** Builds the head for a given hidden size. */
  head: (hiddenSize: number) => Head;
  /** Builds the recurrent cell from (inputSize, hiddenSize). Default: RNNScratch. */
  cell?: (inputSize: number, hiddenSize: number) => Cell;
}

/** A SequenceModel with any kind of cell (for code that only makes batches or trains). */
export type AnySequenceModel = SequenceModel<RecurrentCell<any>>;

export type GradientMethod = "hand" | "autodiff";

export interface GradientOptions {
  method?: GradientMethod;
  /** Truncated BPTT: gradients flow back at most to the start of the current chunk of this many steps. */
  truncate?: number;
}

export class SequenceModel<Cell extends RecurrentCell<any> = RNNScratch> {
  /** The recurrent cell (named `rnn` for every kind of cell: it is the model's recurrent part). */
  readonly rnn: Cell;
  readonly head: Head;
  /** E: [V, D] token embedding (token models only). */
  readonly embedding: tf.Variable<tf.Rank.R2> | null;
  readonly tokens: boolean;
  readonly hiddenSize: number;

  constructor(options: SequenceModelOptions<Cell>) {
    this.tokens = options.inputSize === undefined;
    let inputSize: number;
    if (this.tokens) {
      const V = options.vocabSize;
      const D = options.embeddingSize;
      if (!V || !D) throw new Error("SequenceModel: give inputSize (dense events) or vocabSize and embeddingSize (tokens)");
      this.embedding = variableFrom(tf.randomUniform([V, D], -0.05, 0.05), `${uniqueName("embedding")}/E`);
      inputSize = D;
    } else {
      this.embedding = null;
      inputSize = options.inputSize as number;
    }
    this.rnn = options.cell ? options.cell(inputSize, options.hiddenSize) : (new RNNScratch({ inputSize, hiddenSize: options.hiddenSize }) as unknown as Cell);
    if (this.rnn.inputSize !== inputSize || this.rnn.hiddenSize !== options.hiddenSize) {
      const got = [this.rnn.inputSize, this.rnn.hiddenSize];
      this.rnn.dispose();
      this.embedding?.dispose();
      throw new Error(`SequenceModel: cell must be built with inputSize ${inputSize} and hiddenSize ${options.hiddenSize}, got ${got[0]} and ${got[1]}`);
    }
    this.hiddenSize = options.hiddenSize;
    this.head = options.head(options.hiddenSize);
  }

  get variables(): tf.Variable[] {
    return [...(this.embedding ? [this.embedding] : []), ...this.rnn.variables, ...this.head.variables];
  }

  /**
   * Prepares a batch from plain arrays.
   * @param sequences dense: [B][len][inputSize]; tokens: [B][len] ids.
   * @param targets sequence head: [B][len] next-token ids (same lengths as the inputs; -1 = this
   *   step has no target, e.g. an unknown word the model should not learn to predict);
   *   classification: [B] class ids; regression: [B] numbers or [B][Q].
   */
  makeBatch(sequences: readonly (readonly (readonly number[] | number)[])[], targets: readonly (number | readonly number[])[]): SequenceBatch {
    return makeSequenceBatch(sequences, targets, { input: this.tokens ? "tokens" : this.rnn.inputSize, head: this.head }, "SequenceModel.makeBatch");
  }

  /** Embedding vector for one token id: [1, D]. */
  embedToken(id: number): tf.Tensor2D {
    if (!this.embedding) throw new Error("SequenceModel.embedToken: this model reads dense events, not tokens");
    return tf.tidy(() => tf.gather(this.embedding as tf.Tensor2D, tf.tensor1d([id], "int32")) as tf.Tensor2D);
  }

  /**
   * The mean loss with plain tf ops (differentiable by tfjs).
   * With `truncate`, the state entering every k-th step is passed through a gradient stop.
   */
  loss(batch: SequenceBatch, options: { truncate?: number } = {}): tf.Scalar {
    return tf.tidy(() => {
      const { states, final } = this.rnn.forwardSteps({ ...batch.inputs, steps: embedSteps(batch.inputs, this.embedding) }, undefined, { truncate: options.truncate });
      const params = this.head.params;
      if (this.head.kind === "final") return this.head.lossWith(params, final, batch.targets);
      return this.head.lossWith(params, tf.concat(states, 0), batch.targets, batch.targetWeights);
    });
  }

  /**
   * Mean loss and its gradient for every variable (keyed by variable name). The caller disposes.
   */
  lossAndGradients(batch: SequenceBatch, options: GradientOptions = {}): { loss: tf.Scalar; grads: tf.NamedTensorMap } {
    if ((options.method ?? "hand") === "autodiff") {
      const { value, grads } = tf.variableGrads(() => this.loss(batch, options), this.variables);
      return { loss: value, grads };
    }
    return handLossAndGradients(this, batch, options.truncate);
  }

  /** Hidden states for a batch: all states [B, T, H] and the final state [B, H]. */
  hiddenStates(sequences: readonly (readonly (readonly number[] | number)[])[]): { states: tf.Tensor3D; final: tf.Tensor2D; lengths: number[] } {
    const inputs = stepInputsFromSequences(sequences, this.tokens ? "tokens" : this.rnn.inputSize, "SequenceModel.hiddenStates");
    try {
      const out = tf.tidy(() => {
        const { states, final } = this.rnn.forwardSteps({ ...inputs, steps: embedSteps(inputs, this.embedding) }, undefined);
        return { states: tf.stack(states, 1) as tf.Tensor3D, final };
      });
      return { ...out, lengths: inputs.lengths };
    } finally {
      disposeStepInputs(inputs);
    }
  }

  /**
   * Head outputs from the final states: [B, Q] (class probabilities for classification and
   * next-token heads, values for regression).
   */
  predict(sequences: readonly (readonly (readonly number[] | number)[])[]): tf.Tensor2D {
    const inputs = stepInputsFromSequences(sequences, this.tokens ? "tokens" : this.rnn.inputSize, "SequenceModel.predict");
    try {
      return tf.tidy(() => {
        const { final } = this.rnn.forwardSteps({ ...inputs, steps: embedSteps(inputs, this.embedding) }, undefined); // no [B, T, H] stack: only the final state is read
        const out = this.head.apply(final);
        return this.head.output === "values" ? out : tf.softmax(out);
      });
    } finally {
      disposeStepInputs(inputs);
    }
  }

  /**
   * Head outputs for many sequences, batched by similar length (sorted, then cut so that each
   * batch holds at most `batchSize` sequences and `maxTokensPerBatch` padded steps). Returns one
   * row per sequence, in the input order: probabilities for classes, values for regression.
   */
  predictBatched(
    sequences: readonly (readonly (readonly number[] | number)[])[],
    options: { batchSize?: number; maxTokensPerBatch?: number } = {},
  ): number[][] {
    const lengths = sequences.map((sequence) => sequence.length);
    const batches = cutIntoBatches(byLength(lengths), lengths, { batchSize: options.batchSize ?? 128, maxTokensPerBatch: options.maxTokensPerBatch });
    const out: number[][] = new Array(sequences.length);
    for (const part of batches) {
      const predictions = this.predict(part.map((i) => sequences[i]));
      const rows = predictions.arraySync();
      predictions.dispose();
      part.forEach((i, k) => (out[i] = rows[k]));
    }
    return out;
  }

  /**
   * One step at prediction time: reads one event (token id or feature vector) with the previous
   * state and returns the new state, its h [1, H] (for RNN and GRU the state itself; for an LSTM
   * state.h) and the head's output [1, Q] (probabilities unless the head is a regression).
   */
  step(event: number | readonly number[], statePrev?: CellState<Cell>): { h: tf.Tensor2D; state: CellState<Cell>; output: tf.Tensor2D } {
    const x = typeof event === "number" ? this.embedToken(event) : tf.tensor2d([[...event]]);
    if (x.shape[1] !== this.rnn.inputSize) {
      x.dispose();
      throw new Error(`SequenceModel.step: event must have ${this.rnn.inputSize} features, got ${shapeString(x.shape)}`);
    }
    try {
      const state = this.rnn.step(x, statePrev) as CellState<Cell>;
      const h = this.rnn.output(state);
      const output = tf.tidy(() => {
        const out = this.head.apply(h);
        return this.head.output === "values" ? out : tf.softmax(out);
      });
      return { h, state, output };
    } finally {
      x.dispose();
    }
  }

  dispose(): void {
    this.embedding?.dispose();
    this.rnn.dispose();
    this.head.dispose();
  }
}
