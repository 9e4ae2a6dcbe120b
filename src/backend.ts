/**
 * Picks the fastest tfjs backend available on this machine and reports the choice once.
 *
 * Order: the native TensorFlow backend (`@tensorflow/tfjs-node`, an optional dependency that
 * cannot install offline), then `wasm`, then the pure-JavaScript `cpu` backend.
 * `SEQLAB_BACKEND=cpu|wasm|tensorflow` forces one.
 */
import * as tf from "@tensorflow/tfjs";
import { registerMissingWasmKernels } from "./wasmKernels";

export const BACKEND_NAMES = ["tensorflow", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendChoice {
  name: BackendName;
  /** Why this backend: forced by SEQLAB_BACKEND, or the fastest one that loaded. */
  reason: string;
}

let chosen: Promise<BackendChoice> | null = null;

/** Reads and validates SEQLAB_BACKEND; undefined when unset or empty. */
export function backendFromEnvironment(env: NodeJS.ProcessEnv = process.env): BackendName | undefined {
  const raw = env.SEQLAB_BACKEND?.trim();
  if (!raw) return undefined;
  if ((BACKEND_NAMES as readonly string[]).includes(raw)) return raw as BackendName;
  throw new Error(
    `SEQLAB_BACKEND=${JSON.stringify(raw)} is not a backend seqlab knows. ` +
      `Use one of: ${BACKEND_NAMES.join(", ")} (or unset it to pick the fastest available).`,
  );
}

/** Loads the package that registers `name`; returns an error message when it cannot. */
function loadBackendPackage(name: BackendName): string | null {
  const packageName =
    name === "tensorflow" ? "@tensorflow/tfjs-node" : name === "wasm" ? "@tensorflow/tfjs-backend-wasm" : null;
  if (packageName === null) return null; // cpu ships with @tensorflow/tfjs
  try {
    require(packageName);
    return null;
  } catch (error) {
    return `${packageName} could not be loaded (${(error as Error).message.split("\n")[0]})`;
  }
}

async function activate(name: BackendName): Promise<boolean> {
  // Prod mode silences the "looks like you are running TensorFlow.js in Node.js" banner that the
  // cpu backend prints; it must be set before the backend is first created.
  if (name === "cpu") tf.enableProdMode();
  if (name === "wasm") registerMissingWasmKernels();
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

async function choose(forced: BackendName | undefined): Promise<BackendChoice> {
  if (forced) {
    const loadError = loadBackendPackage(forced);
    if (loadError || !(await activate(forced))) {
      throw new Error(
        `SEQLAB_BACKEND=${forced} was requested but that backend is not available: ` +
          `${loadError ?? "it failed to initialise"}. Unset SEQLAB_BACKEND or choose another of ${BACKEND_NAMES.join(", ")}.`,
      );
    }
    return { name: forced, reason: "forced by SEQLAB_BACKEND" };
  }
  const skipped: string[] = [];
  for (const name of BACKEND_NAMES) {
    const loadError = loadBackendPackage(name);
    if (loadError) {
      skipped.push(loadError);
      continue;
    }
    if (await activate(name)) {
      const reason = skipped.length ? `fastest available; skipped: ${skipped.join("; ")}` : "fastest available";
      return { name, reason };
    }
    skipped.push(`${name} failed to initialise`);
  }
  throw new Error(`No tfjs backend could be initialised: ${skipped.join("; ")}`);
}

/**
 * Chooses and activates the backend (once per process; later calls return the same choice)
 * and prints one line saying which. Call `await initBackend()` before creating tensors.
 */
export function initBackend(options: { quiet?: boolean } = {}): Promise<BackendChoice> {
  if (!chosen) {
    const forced = backendFromEnvironment();
    chosen = choose(forced).then((choice) => {
      if (!options.quiet) console.log(`seqlab: tfjs backend "${choice.name}" (${choice.reason})`);
      return choice;
    });
    chosen.catch(() => {
      chosen = null; // let a corrected environment try again
    });
  }
  return chosen;
}
