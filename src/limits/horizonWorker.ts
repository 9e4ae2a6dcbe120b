/**
 * A worker thread for memoryHorizon: receives { id, options } messages, runs trainRecall with
 * them and answers { id, run } (or { id, error }). It picks its tfjs backend the way the main
 * thread does (initBackend, SEQLAB_BACKEND honoured), quietly.
 */
import { parentPort } from "worker_threads";
import { initBackend } from "../backend";
import { trainRecall, type RecallRunOptions } from "./horizon";

if (!parentPort) throw new Error("horizonWorker: run me as a worker thread (memoryHorizon with workers > 1 does)");
const port = parentPort;
const ready = initBackend({ quiet: true });
let queue: Promise<void> = Promise.resolve();

port.on("message", (message: { id: number; options: RecallRunOptions }) => {
  // One run at a time, in the order they arrive.
  queue = queue.then(async () => {
    try {
      await ready;
      port.postMessage({ id: message.id, run: await trainRecall(message.options) });
    } catch (error) {
      port.postMessage({ id: message.id, error: error instanceof Error ? `${error.message}` : String(error) });
    }
  });
});
