/**
 * Kernels that tfjs' `wasm` backend lacks but the course needs, written in plain TypeScript
 * over the backend's heap. Registered once by `initBackend` when `wasm` is chosen.
 */
import * as tf from "@tensorflow/tfjs";

/** The parts of tfjs-backend-wasm's `BackendWasm` these kernels use. */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
}

/**
 * `UnsortedSegmentSum(x, segmentIds, numSegments)`: out[s, ...] = sum of x[i, ...] over the i
 * with segmentIds[i] = s. Embedding's gradient (tf.gather's backward pass) is built on it.
 * x: [n, ...inner]; segmentIds: int32 [n] (one id per row of x); out: [numSegments, ...inner].
 * Ids outside [0, numSegments) are dropped, as in TensorFlow.
 */
function unsortedSegmentSum(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = args.backend as WasmHeapBackend;
  const { x, segmentIds } = args.inputs;
  if (!x || !segmentIds) throw new Error("UnsortedSegmentSum (wasm): expected inputs x and segmentIds");
  const numSegments = Number(args.attrs?.numSegments);
  if (segmentIds.shape.length !== 1 || segmentIds.shape[0] !== x.shape[0]) {
    throw new Error(
      `UnsortedSegmentSum (wasm): segmentIds must be 1-D with one id per row of x; ` +
        `got segmentIds shape [${segmentIds.shape}] for x shape [${x.shape}]`,
    );
  }
  const rowSize = x.shape.slice(1).reduce((a, b) => a * b, 1);
  const out = backend.makeOutput([numSegments, ...x.shape.slice(1)], x.dtype);
  const xValues = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  const outValues = backend.typedArrayFromHeap(out);
  outValues.fill(0);
  for (let row = 0; row < ids.length; row++) {
    const segment = ids[row];
    if (segment < 0 || segment >= numSegments) continue;
    const from = row * rowSize;
    const to = segment * rowSize;
    for (let k = 0; k < rowSize; k++) outValues[to + k] += xValues[from + k];
  }
  return out;
}

/** Registers the missing kernels on the `wasm` backend; safe to call more than once. */
export function registerMissingWasmKernels(): void {
  if (!tf.getKernel("UnsortedSegmentSum", "wasm")) {
    tf.registerKernel({
      kernelName: "UnsortedSegmentSum",
      backendName: "wasm",
      kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc,
    });
  }
}
