/**
 * The one place that talks to the tslab kernel's display channel.
 *
 * tslab's public `display.raw(mime, data)` sends one MIME type per message, but a chart must be
 * ONE output carrying several representations (interactive spec, PNG, text). tslab keeps the
 * function that writes a whole display_data message in `tslab/dist/jupyter.js` as
 * `lastWriteDisplayData` (set at the start of every execution). tslab is pinned to 1.0.22, and
 * test/notebooks.test.ts ("show() stores ONE output per chart …") runs the fixture notebook
 * test/fixtures/notebooks/display.ipynb through the kernel to prove this still works.
 */

/** A Jupyter MIME bundle: MIME type -> payload (base64 string for images, JSON for specs). */
export type MimeBundle = Record<string, unknown>;

interface DisplayMessage {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}
type WriteDisplayData = (message: DisplayMessage, update: boolean) => void;

const JUPYTER_MODULE = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;

/**
 * The live `lastWriteDisplayData`, or null outside a tslab kernel. Two copies of the module can
 * sit in require.cache (a global and a local tslab); only the one the kernel uses holds a function.
 */
function liveWriteDisplayData(): WriteDisplayData | null {
  for (const [file, module] of Object.entries(require.cache)) {
    if (!JUPYTER_MODULE.test(file)) continue;
    const write = (module?.exports as { lastWriteDisplayData?: unknown } | undefined)?.lastWriteDisplayData;
    if (typeof write === "function") return write as WriteDisplayData;
  }
  return null;
}

/** True when running inside a tslab kernel (a notebook), false in scripts and tests. */
export function inKernel(): boolean {
  return liveWriteDisplayData() !== null;
}

export interface DisplayOptions {
  /** Metadata per MIME type, e.g. `{"image/png": {width: 480}}` for a 2x PNG. */
  metadata?: Record<string, unknown>;
  /** Give an id to update this output in place later. */
  displayId?: string;
  /** True to replace the output that has `displayId` instead of adding a new one. */
  update?: boolean;
}

/** Where bundles go outside a kernel; tests replace it to capture them. */
export let fallbackSink: (bundle: MimeBundle, options: DisplayOptions) => void = (bundle, options) => {
  if (options.update) return; // a terminal cannot redraw in place; the final state is printed by the caller
  const text = bundle["text/plain"];
  if (typeof text === "string") console.log(text);
};

/** Replaces the sink used outside a kernel; returns the previous one (for tests). */
export function setFallbackSink(sink: typeof fallbackSink): typeof fallbackSink {
  const previous = fallbackSink;
  fallbackSink = sink;
  return previous;
}

/** Sends one output with all the representations in `bundle`. */
export function displayBundle(bundle: MimeBundle, options: DisplayOptions = {}): void {
  const write = liveWriteDisplayData();
  if (!write) {
    fallbackSink(bundle, options);
    return;
  }
  write(
    { data: bundle, metadata: options.metadata ?? {}, transient: options.displayId ? { display_id: options.displayId } : {} },
    options.update ?? false,
  );
}

let displayCounter = 0;

/** An output that can be redrawn in place (Jupyter's update_display_data). */
export class LiveOutput {
  readonly displayId = `seqlab-${process.pid}-${Date.now().toString(36)}-${++displayCounter}`;
  private shown = false;

  /** Shows `bundle` the first time, then replaces the earlier content. */
  update(bundle: MimeBundle, metadata?: Record<string, unknown>): void {
    displayBundle(bundle, { metadata, displayId: this.displayId, update: this.shown });
    this.shown = true;
  }
}
