/**
 * Starting JupyterLab and Chromium for the browser tests: JupyterLab on a free port with a random
 * token, its own settings (notebooks render every cell, no news or update checks) and the
 * project's kernel (JUPYTER_PATH); Debian's Chromium driven by playwright-core.
 */
import { spawn, type ChildProcess } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { chromium, type Browser } from "playwright-core";
import { chromiumPath, jupyterEnvironment, type JupyterInstall } from "../../src/tools/jupyter";

/** A port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningLab {
  url: string;
  token: string;
  /** GET/DELETE against the server's REST API (token added). */
  api(method: "GET" | "DELETE", route: string): Promise<any>;
  stop(): Promise<void>;
  log(): string;
}

/** JupyterLab user settings for the tests: every cell stays rendered, nothing is fetched from outside. */
const LAB_SETTINGS: Record<string, unknown> = {
  // JupyterLab 4 renders only the cells in view by default; the test reads every output.
  "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": { windowingMode: "none" },
  "@jupyterlab/apputils-extension/notification.jupyterlab-settings": { fetchNews: "false", checkForUpdates: false },
  // The test saves once, after the run; an autosave in the middle would be read as the result.
  "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": { autosave: false },
};

export async function startJupyterLab(jupyter: JupyterInstall, rootDir: string): Promise<RunningLab> {
  const port = await freePort();
  const token = crypto.randomBytes(16).toString("hex");
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "seqlab-lab-"));
  for (const [file, value] of Object.entries(LAB_SETTINGS)) {
    const target = path.join(home, "settings", file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, JSON.stringify(value));
  }
  const rootFlag = typeof process.getuid === "function" && process.getuid() === 0 ? ["--allow-root"] : [];
  const child: ChildProcess = spawn(
    jupyter.python,
    [
      "-m", "jupyterlab", "--no-browser", `--port=${port}`, "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1",
      `--IdentityProvider.token=${token}`, `--ServerApp.root_dir=${rootDir}`, ...rootFlag,
    ],
    {
      env: {
        ...jupyterEnvironment(),
        JUPYTERLAB_SETTINGS_DIR: path.join(home, "settings"),
        JUPYTERLAB_WORKSPACES_DIR: path.join(home, "workspaces"),
        JUPYTER_CONFIG_DIR: path.join(home, "config"),
        JUPYTER_RUNTIME_DIR: path.join(home, "runtime"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let log = "";
  child.stdout?.on("data", (d) => (log += d));
  child.stderr?.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const api = async (method: "GET" | "DELETE", route: string) => {
    const response = await fetch(`${url}${route}${route.includes("?") ? "&" : "?"}token=${token}`, { method });
    if (!response.ok) throw new Error(`${method} ${route}: HTTP ${response.status}`);
    return response.status === 204 ? null : response.json();
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`JupyterLab exited with code ${child.exitCode} before it was ready:\n${log.slice(-3000)}`);
    try {
      await api("GET", "/api/status");
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`JupyterLab did not answer on ${url} within 90 s:\n${log.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      const exited = await Promise.race([new Promise((r) => child.once("exit", () => r(true))), new Promise((r) => setTimeout(() => r(false), 10_000))]);
      if (!exited) child.kill("SIGKILL");
    }
    fs.rmSync(home, { recursive: true, force: true });
  };
  return { url, token, api, stop, log: () => log };
}

/** Debian's Chromium, headless, with the flags this closed network needs (see README). */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!fs.existsSync(executablePath)) {
    throw new Error(`Chromium was not found at ${executablePath}. Install it (Debian/Ubuntu: sudo apt-get install chromium) or set SEQLAB_CHROMIUM=/path/to/chromium`);
  }
  const rootFlags = typeof process.getuid === "function" && process.getuid() === 0 ? ["--no-sandbox"] : [];
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      ...rootFlags,
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
