/** Charts, tables and live progress for notebooks (see show.ts for what one output carries). */
export * from "./charts";
export { show, showTable, chartOutput, tableOutput, VEGA_LITE_MIME, PLOTLY_MIME } from "./show";
export type { ChartOutput, TableRow } from "./show";
export { TrainingProgress, progressCallbacks, formatProgressLine, estimateSecondsLeft, formatSeconds } from "./progress";
export type { ProgressOptions, ProgressState } from "./progress";
export { displayBundle, inKernel, LiveOutput, setFallbackSink } from "./kernel";
export type { MimeBundle, DisplayOptions } from "./kernel";
export { renderVegaLite, PNG_SCALE } from "./render";
