/**
 * Prediction one event at a time, as a listener reads: carry the state from word to word with
 * `SequenceModel.step`, then ask which tokens the model expects next.
 */
import * as tf from "@tensorflow/tfjs";
import { PAD_ID, UNKNOWN_ID } from "../sequences/vocabulary";
import type { SequenceModel } from "./sequenceModel";

/**
 * Reads `events` (token ids, or feature vectors for a dense model) one by one with `model.step`,
 * starting from `hPrev` (zeros when omitted; it stays the caller's), and returns the state after
 * the last event, h: [1, H], and the head's output for it, output: [1, Q] (next-token or class
 * probabilities, or values for regression). Intermediate states are freed; the caller disposes
 * both results.
 */
export function readSequence(
  model: SequenceModel,
  events: readonly (number | readonly number[])[],
  hPrev?: tf.Tensor2D,
): { h: tf.Tensor2D; output: tf.Tensor2D } {
  if (!Array.isArray(events) || events.length === 0) {
    throw new Error(`readSequence: events must be a non-empty array of token ids or feature vectors, got ${Array.isArray(events) ? "an empty array" : typeof events}`);
  }
  let h = hPrev;
  let output: tf.Tensor2D | undefined;
  for (const event of events) {
    const next = model.step(event, h);
    if (h !== hPrev) h?.dispose();
    output?.dispose();
    ({ h, output } = next);
  }
  return { h: h as tf.Tensor2D, output: output as tf.Tensor2D };
}

/** The head's output after reading `events` from a zero state, as numbers: [Q]. Frees every tensor. */
export function predictNext(model: SequenceModel, events: readonly (number | readonly number[])[]): Float32Array {
  const { h, output } = readSequence(model, events);
  const values = output.dataSync() as Float32Array;
  tf.dispose([h, output]);
  return values;
}

/** One step of `readWithAndWithoutState`. */
export interface StatefulStep {
  /** ‖h_t − h_{t−1}‖: how far this event moved the carried state (h_0 = zeros). */
  stateMoved: number;
  /** The head's output [Q] with the state carried from the earlier events. */
  withState: Float32Array;
  /** The head's output [Q] from this event alone (state wiped to zeros first). */
  withoutState: Float32Array;
}

/**
 * Reads `events` one by one twice over: carrying the state (an RNN) and wiping it before every
 * event (a fixed-input model that sees only the current event). Returns one row per event.
 */
export function readWithAndWithoutState(model: SequenceModel, events: readonly (number | readonly number[])[]): StatefulStep[] {
  if (!Array.isArray(events) || events.length === 0) {
    throw new Error(`readWithAndWithoutState: events must be a non-empty array of token ids or feature vectors, got ${Array.isArray(events) ? "an empty array" : typeof events}`);
  }
  let h = tf.zeros([1, model.hiddenSize]) as tf.Tensor2D;
  const steps: StatefulStep[] = [];
  for (const event of events) {
    const carried = model.step(event, h);
    const alone = model.step(event);
    const stateMoved = tf.tidy(() => tf.norm(tf.sub(carried.h, h)).dataSync()[0]);
    steps.push({ stateMoved, withState: carried.output.dataSync() as Float32Array, withoutState: alone.output.dataSync() as Float32Array });
    tf.dispose([h, carried.output, alone.h, alone.output]);
    h = carried.h;
  }
  h.dispose();
  return steps;
}

/** The hidden states while reading one sequence from a zero state: [len][H], one row per event. */
export function stateTrajectory(model: SequenceModel, events: readonly (number | readonly number[])[]): number[][] {
  const { states, final } = model.hiddenStates([events]);
  const path = (states.arraySync() as number[][][])[0];
  tf.dispose([states, final]);
  return path;
}

/** A token and the probability a model gave it. */
export interface TokenProbability {
  id: number;
  token: string;
  probability: number;
}

/**
 * The `k` most probable tokens, most probable first (ties: lower id first). The reserved ids
 * (padding and unknown) are left out unless `exclude` says otherwise.
 * probabilities: [1, V] or [V] (a tensor or numbers); vocabulary.tokens: [V].
 */
export function topTokens(
  probabilities: tf.Tensor | ArrayLike<number>,
  vocabulary: { readonly tokens: readonly string[] },
  k: number,
  options: { exclude?: readonly number[] } = {},
): TokenProbability[] {
  const p = probabilities instanceof tf.Tensor ? probabilities.dataSync() : probabilities;
  if (p.length !== vocabulary.tokens.length) {
    throw new Error(`topTokens: probabilities must hold one value per token of the vocabulary (${vocabulary.tokens.length}), got ${p.length}`);
  }
  if (!Number.isInteger(k) || k < 1) throw new Error(`topTokens: k must be a positive integer, got ${k}`);
  const excluded = new Set(options.exclude ?? [PAD_ID, UNKNOWN_ID]);
  const ids = Array.from({ length: p.length }, (_, id) => id).filter((id) => !excluded.has(id));
  return ids
    .sort((a, b) => p[b] - p[a])
    .slice(0, k)
    .map((id) => ({ id, token: vocabulary.tokens[id], probability: p[id] }));
}

/** "whale 60.4%, whale's 15.3%": tokens with their probabilities as percentages (one decimal). */
export function formatTokenProbabilities(tokens: readonly TokenProbability[]): string {
  return tokens.map(({ token, probability }) => `${token} ${(100 * probability).toFixed(1)}%`).join(", ");
}
