/**
 * The three recurrent cells by name, for code that describes models as data (an experiment's
 * list of models, a message to a worker thread): `makeCell({ kind: "lstm", hiddenSize: 15 }, 4)`.
 */
import { RNNScratch } from "./rnnScratch";
import { LSTMScratch } from "./lstmScratch";
import { GRUScratch } from "./gruScratch";
import type { RecurrentCell } from "./recurrentCell";

export type CellKind = "rnn" | "lstm" | "gru";
export const CELL_KINDS: readonly CellKind[] = ["rnn", "lstm", "gru"];

export interface CellSpec {
  kind: CellKind;
  /** H: size of the hidden state. */
  hiddenSize: number;
  /** "orthogonal" (default) or "uniform" (see each cell's options). */
  init?: "orthogonal" | "uniform";
  /** LSTM only: added to the forget gate's bias (default 1 with the orthogonal init). */
  forgetBias?: number;
  /** GRU only: added to the update gate's bias (default 0). */
  updateBias?: number;
  /** GRU only: the reset-after variant (PyTorch's). */
  resetAfter?: boolean;
}

/** Builds the cell a spec describes, reading events of `inputSize` numbers. */
export function makeCell(spec: CellSpec, inputSize: number): RecurrentCell<any> {
  const { kind, hiddenSize, init } = spec;
  const misplaced = (["forgetBias", "updateBias", "resetAfter"] as const).filter((key) => spec[key] !== undefined && !(key === "forgetBias" ? kind === "lstm" : kind === "gru"));
  if (misplaced.length > 0) throw new Error(`makeCell: ${misplaced.join(", ")} does not apply to a cell of kind "${kind}"`);
  switch (kind) {
    case "rnn":
      return new RNNScratch({ inputSize, hiddenSize, init });
    case "lstm":
      return new LSTMScratch({ inputSize, hiddenSize, init, forgetBias: spec.forgetBias });
    case "gru":
      return new GRUScratch({ inputSize, hiddenSize, init, updateBias: spec.updateBias, resetAfter: spec.resetAfter });
    default:
      throw new Error(`makeCell: kind must be one of ${CELL_KINDS.join(", ")}, got ${JSON.stringify(kind)}`);
  }
}
