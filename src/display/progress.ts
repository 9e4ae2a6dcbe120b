/**
 * Live training progress: a progress bar (epoch, step, loss, elapsed, ETA) and a loss curve,
 * each ONE output updated in place while the cell runs (update_display_data). After headless
 * execution the notebook stores only their final state. Outside a notebook it prints one line
 * per epoch instead.
 */
import { checkPositiveInteger } from "../checks";
import type * as tf from "@tensorflow/tfjs";
import { lossChart, type LossRecord } from "./charts";
import { inKernel, LiveOutput } from "./kernel";
import { chartOutput } from "./show";

export interface ProgressOptions {
  epochs: number;
  stepsPerEpoch: number;
  title?: string;
  /** Draw the loss curve under the bar (default true). */
  showLossChart?: boolean;
  /** Least time between two redraws of the bar, in ms (default 250). */
  barIntervalMs?: number;
  /** Least time between two redraws of the loss chart, in ms (default 1000; each costs ~50 ms). */
  chartIntervalMs?: number;
  /** Print nothing outside a notebook (for tests and benchmarks). */
  quiet?: boolean;
}


export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.round(seconds - 60 * minutes)).padStart(2, "0")}s`;
}

/** The state of a training run at one moment, as the bar shows it. */
export interface ProgressState {
  epoch: number; // 0-based epoch in progress
  step: number; // steps done in this epoch
  loss: number | null;
  elapsedSeconds: number;
  finished: boolean;
  stoppedEarly: boolean;
}

/** Seconds left, assuming the remaining steps take as long as the ones done so far. */
export function estimateSecondsLeft(state: ProgressState, epochs: number, stepsPerEpoch: number): number {
  const done = state.epoch * stepsPerEpoch + state.step;
  const total = epochs * stepsPerEpoch;
  if (done <= 0) return Number.NaN;
  return (state.elapsedSeconds / done) * (total - done);
}

/** One line: `epoch 3/10 [######----------] step 12/40  loss 0.1234  elapsed 3.2s  ETA 8.1s`. */
export function formatProgressLine(state: ProgressState, epochs: number, stepsPerEpoch: number, width = 24): string {
  const done = state.finished ? epochs * stepsPerEpoch : state.epoch * stepsPerEpoch + state.step;
  const fraction = Math.min(1, done / (epochs * stepsPerEpoch));
  const filled = Math.round(fraction * width);
  const bar = "#".repeat(filled) + "-".repeat(width - filled);
  const loss = state.loss === null ? "" : `  loss ${state.loss.toPrecision(4)}`;
  const tail = state.finished
    ? state.stoppedEarly
      ? `  stopped early after epoch ${state.epoch + 1}`
      : "  done"
    : `  ETA ${formatSeconds(estimateSecondsLeft(state, epochs, stepsPerEpoch))}`;
  const epochShown = Math.min(state.epoch + 1, epochs);
  return `epoch ${epochShown}/${epochs} [${bar}] step ${state.step}/${stepsPerEpoch}${loss}  elapsed ${formatSeconds(state.elapsedSeconds)}${tail}`;
}

export class TrainingProgress {
  /** Losses per finished epoch (epoch numbers start at 1). */
  readonly history: LossRecord[] = [];
  private readonly bar = new LiveOutput();
  private readonly chart = new LiveOutput();
  private readonly startedAt = Date.now();
  private readonly live = inKernel();
  private lastBarDraw = 0;
  private chartQueue: Promise<void> = Promise.resolve();
  private lastChartDraw = 0;
  private state: ProgressState = { epoch: 0, step: 0, loss: null, elapsedSeconds: 0, finished: false, stoppedEarly: false };

  constructor(readonly options: ProgressOptions) {
    checkPositiveInteger(options.epochs, "TrainingProgress epochs");
    checkPositiveInteger(options.stepsPerEpoch, "TrainingProgress stepsPerEpoch");
    this.drawBar(true);
  }

  /** After step `step` (0-based) of epoch `epoch` (0-based) with this batch's loss. */
  onStep(epoch: number, step: number, loss: number): void {
    this.state = { ...this.state, epoch, step: step + 1, loss, elapsedSeconds: this.elapsed() };
    this.drawBar(false);
  }

  /** After epoch `epoch` (0-based); redraws the loss curve. */
  onEpochEnd(epoch: number, losses: { train: number; validation?: number }): void {
    this.history.push({ epoch: epoch + 1, ...losses });
    this.state = { ...this.state, epoch: epoch + 1, step: 0, loss: losses.train, elapsedSeconds: this.elapsed() };
    this.drawBar(true);
    if (!this.live && !this.options.quiet) {
      const validation = losses.validation === undefined ? "" : `  validation ${losses.validation.toPrecision(4)}`;
      console.log(`${this.options.title ? this.options.title + ": " : ""}epoch ${epoch + 1}/${this.options.epochs}  train ${losses.train.toPrecision(4)}${validation}  elapsed ${formatSeconds(this.state.elapsedSeconds)}`);
    }
    this.queueChart();
  }

  /** Draws the final state (call once training ends, also after early stopping). */
  async finish(): Promise<void> {
    const lastEpoch = Math.max(0, this.history.length - 1);
    const stoppedEarly = this.history.length < this.options.epochs;
    this.state = { ...this.state, epoch: lastEpoch, step: this.options.stepsPerEpoch, finished: true, stoppedEarly, elapsedSeconds: this.elapsed() };
    this.drawBar(true);
    this.queueChart(true);
    await this.chartQueue;
  }

  private elapsed(): number {
    return (Date.now() - this.startedAt) / 1000;
  }

  private drawBar(force: boolean): void {
    if (!this.live) return;
    const now = Date.now();
    if (!force && now - this.lastBarDraw < (this.options.barIntervalMs ?? 250)) return;
    this.lastBarDraw = now;
    const line = formatProgressLine(this.state, this.options.epochs, this.options.stepsPerEpoch);
    const fraction = this.state.finished ? 1 : (this.state.epoch * this.options.stepsPerEpoch + this.state.step) / (this.options.epochs * this.options.stepsPerEpoch);
    const title = this.options.title ? `<b>${this.options.title}</b> ` : "";
    const html =
      `<div style="font-family:monospace">${title}<progress value="${fraction.toFixed(4)}" max="1" style="width:240px;vertical-align:middle"></progress> ` +
      `${line.replace(/\[[#-]+\] /, "")}</div>`;
    this.bar.update({ "text/html": html, "text/plain": (this.options.title ? this.options.title + ": " : "") + line });
  }

  /** Renders the loss chart after the previous render finishes (renders take ~50 ms). */
  private queueChart(force = false): void {
    if (!this.live || this.options.showLossChart === false || this.history.length === 0) return;
    const now = Date.now();
    if (!force && now - this.lastChartDraw < (this.options.chartIntervalMs ?? 1000)) return;
    this.lastChartDraw = now;
    const history = [...this.history];
    this.chartQueue = this.chartQueue.then(async () => {
      const { bundle, metadata } = await chartOutput(lossChart(history, { title: this.options.title ? `${this.options.title}: loss` : undefined }));
      this.chart.update(bundle, metadata);
    });
  }
}

/**
 * Callbacks for tfjs `model.fit` that drive a TrainingProgress:
 * `await model.fit(xs, ys, {epochs, batchSize, callbacks: progressCallbacks({epochs, stepsPerEpoch})})`.
 * stepsPerEpoch = ceil(training examples / batchSize).
 */
export function progressCallbacks(options: ProgressOptions): tf.CustomCallbackArgs & { progress: TrainingProgress } {
  const progress = new TrainingProgress(options);
  let epochInProgress = 0;
  return {
    progress,
    onEpochBegin: async (epoch: number) => {
      epochInProgress = epoch;
    },
    onBatchEnd: async (batch: number, logs?: tf.Logs) => {
      progress.onStep(epochInProgress, batch, Number(logs?.loss ?? Number.NaN));
    },
    onEpochEnd: async (epoch: number, logs?: tf.Logs) => {
      progress.onEpochEnd(epoch, { train: Number(logs?.loss), validation: logs?.val_loss === undefined ? undefined : Number(logs.val_loss) });
    },
    onTrainEnd: async () => {
      await progress.finish();
    },
  };
}
