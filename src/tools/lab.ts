/**
 * `npm run lab [-- options]`: starts JupyterLab 4 on notebooks/ with the project's kernel
 * registered (JUPYTER_PATH). Options other than --help are passed to JupyterLab unchanged, e.g.
 * `npm run lab -- --no-browser --port 8890`. Where only Debian's Jupyter 6 is installed it starts
 * the classic notebook instead, and says so.
 */
import { spawnSync } from "child_process";
import * as net from "net";
import { parseArgs } from "util";
import { describeJupyter, findJupyter, hasJupyterLab4, installInstructions, jupyterEnvironment, kernelDisplayName, kernelProblem } from "./jupyter";
import { notebooksDir } from "./repository";

const USAGE = `usage: npm run lab [-- JupyterLab options]

Starts JupyterLab on notebooks/ with the "${kernelDisplayName}" kernel. Every option is passed to
JupyterLab, e.g.  npm run lab -- --no-browser --port 8890
(a --port that is taken is refused, rather than silently moved to another port).

  -h, --help   this text (JupyterLab's own options: npm run lab -- --help-all)`;

/** The port asked for with --port N, --port=N or --ServerApp.port=N, or null. Throws on a bad value. */
export function requestedPort(args: string[]): number | null {
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const match = /^--(?:ServerApp\.)?port(?:=(.*))?$/.exec(args[i]);
    if (!match) continue;
    value = match[1] ?? args[i + 1];
    if (value === undefined || value.startsWith("--")) throw new Error(`${args[i]} needs a port number, e.g. --port 8890`);
  }
  if (value === undefined) return null;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a whole number from 1 to 65535, got "${value}"`);
  return port;
}

/** Resolves to true when something already listens on 127.0.0.1:port. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "EADDRINUSE" || error.code === "EACCES"));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(false)));
  });
}

async function main(args: string[]): Promise<number> {
  let port: number | null;
  try {
    // Only --help is ours; everything else is JupyterLab's, kept in order.
    const { tokens } = parseArgs({ args, options: { help: { type: "boolean", short: "h" } }, strict: false, allowPositionals: true, tokens: true });
    if (tokens.some((t) => t.kind === "option" && t.name === "help")) {
      console.log(USAGE);
      return 0;
    }
    port = requestedPort(args);
  } catch (error) {
    console.error(`lab: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (port !== null && (await portInUse(port))) {
    console.error(`lab: port ${port} is already in use (another Jupyter or program listens on it). Stop that program, or choose a free port: npm run lab -- --port ${port + 1}`);
    return 2;
  }
  const jupyter = findJupyter();
  if (!jupyter) {
    console.error("lab: Jupyter was not found. Run `npm run setup`, or:\n" + installInstructions());
    return 2;
  }
  const problem = kernelProblem();
  if (problem) {
    console.error(`lab: ${problem}`);
    return 2;
  }
  // Jupyter refuses to start as root (as in containers and CI machines) without --allow-root.
  const rootFlag = typeof process.getuid === "function" && process.getuid() === 0 ? ["--allow-root"] : [];
  // With an explicit port, fail instead of moving to the next free one.
  const portFlags = port === null ? [] : ["--ServerApp.port_retries=0"];
  let command: string[];
  if (hasJupyterLab4(jupyter)) {
    command = ["-m", "jupyterlab", `--ServerApp.root_dir=${notebooksDir}`];
  } else if (jupyter.lab) {
    console.warn(`lab: JupyterLab 4 is not installed (${describeJupyter(jupyter)}); starting the ${jupyter.lab === "jupyterlab" ? "older JupyterLab" : "classic notebook"} instead. For JupyterLab 4 run: npm run setup`);
    command = ["-m", jupyter.lab, `--notebook-dir=${notebooksDir}`];
  } else {
    console.error(`lab: neither JupyterLab nor the classic notebook is installed under ${jupyter.python}. Run \`npm run setup\` (it installs JupyterLab 4 into .venv).`);
    return 2;
  }
  console.log(`lab: starting ${describeJupyter(jupyter)}\n     on ${notebooksDir} with the kernel "${kernelDisplayName}"; stop it with Ctrl+C`);
  const result = spawnSync(jupyter.python, [...command, ...rootFlag, ...portFlags, ...args], { stdio: "inherit", env: jupyterEnvironment() });
  return result.status ?? 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
