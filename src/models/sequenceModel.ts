/**
 * A complete model for one of the course's tasks: (optional token embedding) -> recurrent cell
 * -> head. The cell is RNNScratch by default; `cell` plugs in any RecurrentCell (LSTMScratch,
 * GRUScratch), e.g. `cell: (D, H) => new LSTMScratch({ inputSize: D, hiddenSize: H })`.
 *
 * It computes its loss and gradients two ways, which must agree:
 * - "autodiff": the forward pass written with tf ops, differentiated by tfjs (tf.variableGrads);
 * - "hand": the cell's forward pass keeps caches and its hand-written backward pass runs the
 *   recurrence backwards (RecurrentCell.handForward); tfjs only differentiates the small head.
 */
import * as tf from "@tensorflow/tfjs";
import { RNNScratch } from "./rnnScratch";
import { Head } from "./heads";
import { uniqueName, shapeString, variableFrom } from "./checks";
import { StepInputs, disposeStepInputs, stepInputsFromSequences } from "./stepInputs";
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

/** One prepared batch. Dispose with disposeBatch. */
export interface SequenceBatch {
  inputs: StepInputs;
  /**
   * Sequence heads: int32 [T·B] next-token ids, time-major (row t·B + b is sequence b, step t).
   * Final heads: int32 [B] class ids, or float32 [B, Q] values for regression.
   */
  targets: tf.Tensor;
  /** Sequence heads: float32 [T·B], 1 at real steps and 0 at padding. */
  targetWeights?: tf.Tensor1D;
}

export function disposeBatch(batch: SequenceBatch): void {
  disposeStepInputs(batch.inputs);
  batch.targets.dispose();
  batch.targetWeights?.dispose();
}

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
    const where = "SequenceModel.makeBatch";
    if (targets.length !== sequences.length) {
      throw new Error(`${where}: targets must have one entry per sequence: expected ${sequences.length}, got ${targets.length}`);
    }
    const inputs = stepInputsFromSequences(sequences, this.tokens ? "tokens" : this.rnn.inputSize, where);
    try {
      const { batchSize: B, numSteps: T } = inputs;
      if (this.head.kind === "sequence") {
        const ids = new Int32Array(T * B);
        const weights = new Float32Array(T * B);
        for (let b = 0; b < B; b++) {
          const row = targets[b];
          if (!Array.isArray(row) || row.length !== inputs.lengths[b]) {
            throw new Error(`${where}: targets[${b}] must have one id per step: expected [${inputs.lengths[b]}], got ${Array.isArray(row) ? `[${row.length}]` : typeof row}`);
          }
          for (let t = 0; t < row.length; t++) {
            const id = row[t];
            if (!Number.isInteger(id) || id >= this.head.outputSize) {
              throw new Error(`${where}: targets[${b}][${t}] must be a token id in [0, ${this.head.outputSize}) or -1 (no target), got ${id}`);
            }
            ids[t * B + b] = Math.max(0, id);
            weights[t * B + b] = id < 0 ? 0 : 1; // a negative id: this step does not count in the loss
          }
        }
        return { inputs, targets: tf.tensor1d(ids, "int32"), targetWeights: tf.tensor1d(weights) };
      }
      if (this.head.output === "classes") {
        targets.forEach((y, b) => {
          if (typeof y !== "number" || !Number.isInteger(y) || y < 0 || y >= this.head.outputSize) {
            throw new Error(`${where}: targets[${b}] must be a class id in [0, ${this.head.outputSize}), got ${String(y)}`);
          }
        });
        return { inputs, targets: tf.tensor1d(targets as number[], "int32") };
      }
      const rows = targets.map((y) => (typeof y === "number" ? [y] : [...y]));
      const Q = this.head.outputSize;
      rows.forEach((row, b) => {
        if (row.length !== Q) throw new Error(`${where}: targets[${b}] must have ${Q} value(s), got ${row.length}`);
        if (!row.every(Number.isFinite)) throw new Error(`${where}: targets[${b}] holds a non-finite value`);
      });
      return { inputs, targets: tf.tensor2d(rows, [B, Q]) };
    } catch (error) {
      disposeStepInputs(inputs);
      throw error;
    }
  }

  /** x_t for every step: T × [B, D] (embedding lookups for tokens). */
  private embed(inputs: StepInputs, E?: tf.Tensor2D): tf.Tensor2D[] {
    if (!this.tokens) return inputs.steps as tf.Tensor2D[];
    const table = E ?? (this.embedding as tf.Tensor2D);
    return inputs.steps.map((ids) => tf.gather(table, ids) as tf.Tensor2D);
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
      const { states, final } = this.rnn.forwardSteps({ ...batch.inputs, steps: this.embed(batch.inputs) }, undefined, { truncate: options.truncate });
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
    return tf.tidy(() => {
      const inputs = batch.inputs;
      const xs = this.embed(inputs);
      const forward = this.rnn.handForward(xs, inputs.mask);
      const head = this.head;
      let dAllStates: tf.Tensor2D | null = null;
      let dFinal: tf.Tensor2D | null = null;
      let lossValue: tf.Scalar;
      let dW_hq: tf.Tensor;
      let db_q: tf.Tensor;
      if (head.kind === "final") {
        const f = (hT: tf.Tensor, W_hq: tf.Tensor, b_q: tf.Tensor) =>
          head.lossWith({ W_hq: W_hq as tf.Tensor2D, b_q: b_q as tf.Tensor1D }, hT as tf.Tensor2D, batch.targets);
        const { value, grads } = tf.valueAndGrads(f as (...args: tf.Tensor[]) => tf.Scalar)([forward.final, head.W_hq, head.b_q]);
        lossValue = value;
        [dFinal, dW_hq, db_q] = grads as [tf.Tensor2D, tf.Tensor, tf.Tensor];
      } else {
        const f = (S: tf.Tensor, W_hq: tf.Tensor, b_q: tf.Tensor) =>
          head.lossWith({ W_hq: W_hq as tf.Tensor2D, b_q: b_q as tf.Tensor1D }, S as tf.Tensor2D, batch.targets, batch.targetWeights);
        const { value, grads } = tf.valueAndGrads(f as (...args: tf.Tensor[]) => tf.Scalar)([forward.allStates(), head.W_hq, head.b_q]); // [T·B, H], time-major
        lossValue = value;
        [dAllStates, dW_hq, db_q] = grads as [tf.Tensor2D, tf.Tensor, tf.Tensor];
      }
      const back = forward.backward(dAllStates, dFinal, { truncate: options.truncate, inputGradients: this.tokens });
      const grads: tf.NamedTensorMap = {
        ...back.grads,
        [head.W_hq.name]: dW_hq,
        [head.b_q.name]: db_q,
      };
      if (this.embedding && back.dX) {
        const ids = tf.concat(inputs.steps, 0); // [T·B] time-major, matching dX's rows
        grads[this.embedding.name] = tf.unsortedSegmentSum(back.dX, ids as tf.Tensor1D, this.embedding.shape[0]);
      }
      return { loss: lossValue, grads };
    });
  }

  /** Hidden states for a batch: all states [B, T, H] and the final state [B, H]. */
  hiddenStates(sequences: readonly (readonly (readonly number[] | number)[])[]): { states: tf.Tensor3D; final: tf.Tensor2D; lengths: number[] } {
    const inputs = stepInputsFromSequences(sequences, this.tokens ? "tokens" : this.rnn.inputSize, "SequenceModel.hiddenStates");
    try {
      const out = tf.tidy(() => {
        const { states, final } = this.rnn.forwardSteps({ ...inputs, steps: this.embed(inputs) }, undefined);
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
        const { final } = this.rnn.forwardSteps({ ...inputs, steps: this.embed(inputs) }, undefined); // no [B, T, H] stack: only the final state is read
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
    const batchSize = options.batchSize ?? 128;
    const budget = options.maxTokensPerBatch ?? Number.POSITIVE_INFINITY;
    const order = sequences.map((_, i) => i).sort((a, b) => sequences[a].length - sequences[b].length);
    const out: number[][] = new Array(sequences.length);
    let start = 0;
    while (start < order.length) {
      let end = start + 1;
      while (end < order.length && end - start < batchSize && (end - start + 1) * sequences[order[end]].length <= budget) end++;
      const part = order.slice(start, end);
      const predictions = this.predict(part.map((i) => sequences[i]));
      const rows = predictions.arraySync();
      predictions.dispose();
      part.forEach((i, k) => (out[i] = rows[k]));
      start = end;
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
