/**
 * The sandbox a submission's code runs in: bubblewrap (Linux), plus cgroups for memory and
 * processes where the machine allows, else a watchdog that polls the sandbox's processes.
 *
 * Inside: an unprivileged user (nobody, uid 65534; outside too when the grader is root and
 * nobody can read what the sandbox needs), no network (its own empty network namespace), its
 * own PID namespace (every process it starts dies with it), a private size-capped /tmp, /dev/shm
 * and work folder (everything else read-only), an empty environment but for PATH, HOME, TMPDIR, LANG and NODE_OPTIONS, and read-only
 * views of only what running a notebook needs: the system's /usr, Node.js, and the repository's
 * node_modules, dist, datasets and package.json. Instructor notebooks, release manifests, keys,
 * other submissions and the grader's output folder are not there to read.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findOnPath } from "../jupyter";

export interface Limits {
  /** Memory of all the sandbox's processes together, native memory included (and the JS heap limit). */
  memoryMb: number;
  /** Tasks (processes and threads) the sandbox may run at once. */
  processes: number;
  /** Size of each writable place: /tmp, /dev/shm and the work folder. */
  tmpMb: number;
  /** Bytes the sandbox may send back in all, printing included. */
  outputMb: number;
  /** Time for one cell (student cell or test cell). */
  cellSeconds: number;
  /** Time for one submission, from start to report. */
  timeLimitSeconds: number;
}

export const defaultLimits: Limits = { memoryMb: 2048, processes: 128, tmpMb: 64, outputMb: 20, cellSeconds: 60, timeLimitSeconds: 600 };

export type CgroupSupport = { version: 1; memory: string; pids: string } | { version: 2; parent: string };

export interface Bind {
  source: string;
  dest: string;
}

export interface SandboxPlan {
  kind: "bubblewrap" | "none";
  /** Who the code runs as, in words (for the report). */
  user: string;
  /** Run bwrap as this user (the grader is root and drops to nobody first). */
  dropTo: { uid: number; gid: number } | null;
  /** bwrap runs as root and maps nobody inside a user namespace. */
  rootMapped: boolean;
  cgroup: CgroupSupport | null;
  binds: Bind[];
  /** Where the submission's cells run (inside the sandbox: a tmpfs under the repository path, so "seqlab" resolves). */
  workDir: string;
  repoRoot: string;
  node: string;
  bwrap: string | null;
}

export interface SandboxRefusal {
  problem: string;
  fix: string;
}

const NOBODY = { uid: 65534, gid: 65534 };

/** PATH for starting the sandbox (sh, setpriv, bwrap): fixed, so nothing of the grader's environment shows inside. */
export const SANDBOX_LAUNCH_PATH = "/usr/local/bin:/usr/bin:/bin";


/** What the sandbox may read, besides /usr: Node.js, and the parts of the repository that running a notebook needs. */
export function sandboxBinds(repoRoot: string): Bind[] {
  const binds: Bind[] = [];
  const nodePrefix = path.dirname(path.dirname(fs.realpathSync(process.execPath)));
  if (!nodePrefix.startsWith("/usr/") && nodePrefix !== "/usr") binds.push({ source: nodePrefix, dest: nodePrefix });
  for (const entry of ["node_modules", "dist", "datasets", "package.json"]) {
    const source = path.join(repoRoot, entry);
    if (fs.existsSync(source)) binds.push({ source, dest: source });
  }
  // `import "seqlab"` resolves through node_modules/seqlab: wherever that leads must be readable too.
  const link = path.join(repoRoot, "node_modules", "seqlab");
  if (fs.existsSync(link)) {
    const target = fs.realpathSync(link);
    if (target !== repoRoot && fs.existsSync(path.join(target, "package.json"))) binds.push({ source: path.join(target, "package.json"), dest: path.join(target, "package.json") });
  }
  for (const file of ["/etc/localtime", "/etc/ld.so.cache"]) if (fs.existsSync(file)) binds.push({ source: file, dest: file });
  return binds;
}

/** Throws when a path the sandbox must not read lies inside something it can read. */
export function assertOutsideBinds(plan: SandboxPlan, secrets: { label: string; file: string }[]): void {
  if (plan.kind !== "bubblewrap") return;
  const readable = ["/usr", ...plan.binds.map((b) => b.source)];
  for (const { label, file } of secrets) {
    const real = fs.existsSync(file) ? fs.realpathSync(file) : path.resolve(file);
    const inside = readable.find((dir) => real === dir || real.startsWith(dir.endsWith("/") ? dir : dir + "/"));
    if (inside) throw new Error(`${label} ${file} is inside ${inside}, which graded code can read; move it elsewhere before grading`);
  }
}

/** Arguments for bwrap (everything before the command). */
export function bwrapArguments(plan: SandboxPlan, limits: Limits): string[] {
  const args = ["--unshare-all", "--die-with-parent", "--new-session", "--hostname", "seqlab-sandbox"];
  if (plan.rootMapped) args.push("--unshare-user", "--uid", String(NOBODY.uid), "--gid", String(NOBODY.gid), "--cap-drop", "ALL");
  args.push("--ro-bind", "/usr", "/usr");
  for (const top of ["bin", "sbin", "lib", "lib32", "lib64", "libx32"]) {
    const at = `/${top}`;
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(at);
    } catch {
      continue;
    }
    if (stat.isSymbolicLink()) args.push("--symlink", fs.readlinkSync(at), at);
    else if (stat.isDirectory()) args.push("--ro-bind", at, at);
  }
  const bytes = (mb: number) => String(Math.round(mb * 1024 * 1024));
  args.push("--proc", "/proc", "--dev", "/dev");
  args.push("--size", bytes(limits.tmpMb), "--tmpfs", "/dev/shm");
  args.push("--size", bytes(limits.tmpMb), "--tmpfs", "/tmp");
  // Mounts apply in order: the binds come after the empty /tmp, or one under /tmp (Node.js
  // unpacked by mktemp, a repository cloned there) would be hidden by it.
  for (const bind of plan.binds) args.push("--ro-bind", bind.source, bind.dest);
  args.push("--size", bytes(limits.tmpMb), "--tmpfs", plan.workDir);
  // bwrap builds / and /dev as tmpfs without a size, writable by the sandbox's user: without
  // these, a submission could fill half the machine's memory there (unseen by the watchdog).
  args.push("--remount-ro", "/dev", "--remount-ro", "/");
  args.push("--chdir", plan.workDir);
  args.push("--clearenv");
  for (const [name, value] of Object.entries(sandboxEnvironment(plan, limits))) args.push("--setenv", name, value);
  return args;
}

/** The whole environment graded code sees. */
export function sandboxEnvironment(plan: SandboxPlan, limits: Limits): Record<string, string> {
  return {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    HOME: plan.workDir,
    PWD: plan.workDir, // bwrap sets it after --chdir anyway; listed so this is the whole environment
    TMPDIR: "/tmp",
    LANG: "C.UTF-8",
    NODE_OPTIONS: `--max-old-space-size=${limits.memoryMb}`,
  };
}

/**
 * The command that starts the agent: through a shell that first joins the cgroups (so every
 * process the sandbox ever starts is inside them), then drops to nobody, then bwrap.
 */
export function sandboxCommand(plan: SandboxPlan, limits: Limits, agentScript: string, cgroupProcsFiles: string[]): { command: string; args: string[] } {
  const agent = [plan.node, agentScript];
  if (plan.kind === "none") return { command: agent[0], args: agent.slice(1) };
  let inner = [plan.bwrap!, ...bwrapArguments(plan, limits), "--", ...agent];
  if (plan.dropTo) inner = ["setpriv", `--reuid=${plan.dropTo.uid}`, `--regid=${plan.dropTo.gid}`, "--clear-groups", "--", ...inner];
  if (cgroupProcsFiles.length === 0) return { command: inner[0], args: inner.slice(1) };
  const join = 'while [ "$1" != "--" ]; do echo $$ > "$1" || exit 97; shift; done; shift; exec "$@"';
  return { command: "/bin/sh", args: ["-c", join, "seqlab-sandbox", ...cgroupProcsFiles, "--", ...inner] };
}

/** The cgroup hierarchy this process can make children in, or null. */
export function detectCgroups(): CgroupSupport | null {
  if (process.platform !== "linux" || typeof process.getuid !== "function" || process.getuid() !== 0) return null;
  let lines: string[];
  try {
    lines = fs.readFileSync("/proc/self/cgroup", "utf8").trim().split("\n");
  } catch {
    return null;
  }
  const v1 = (controller: string) => {
    const line = lines.find((l) => l.split(":")[1]?.split(",").includes(controller));
    return line ? path.join("/sys/fs/cgroup", controller, line.split(":")[2]) : null;
  };
  const memory = v1("memory");
  const pids = v1("pids");
  const probe = (dirs: string[], file: (dir: string) => string[]) => {
    const made: string[] = [];
    try {
      for (const dir of dirs) {
        const child = path.join(dir, `seqlab-probe-${process.pid}`);
        fs.mkdirSync(child);
        made.push(child);
        for (const f of file(child)) if (!fs.existsSync(f)) return false;
      }
      return true;
    } catch {
      return false;
    } finally {
      for (const dir of made) fs.rmdirSync(dir);
    }
  };
  if (memory && pids && probe([memory, pids], (d) => [path.join(d, d.startsWith(memory) ? "memory.limit_in_bytes" : "pids.max")])) return { version: 1, memory, pids };
  const unified = lines.find((l) => l.startsWith("0::"));
  if (unified && fs.existsSync("/sys/fs/cgroup/cgroup.controllers")) {
    const parent = path.join("/sys/fs/cgroup", unified.slice(3));
    if (probe([parent], (d) => [path.join(d, "memory.max"), path.join(d, "pids.max")])) return { version: 2, parent };
  }
  return null;
}

/** One submission's cgroups: created with its limits, joined by the sandbox, read for what killed it, removed after. */
export class SandboxCgroup {
  readonly dirs: string[];

  constructor(support: CgroupSupport, name: string, limits: Limits) {
    const bytes = String(Math.round(limits.memoryMb * 1024 * 1024));
    if (support.version === 1) {
      this.dirs = [path.join(support.memory, name), path.join(support.pids, name)];
      for (const dir of this.dirs) fs.mkdirSync(dir);
      fs.writeFileSync(path.join(this.dirs[0], "memory.limit_in_bytes"), bytes);
      const swap = path.join(this.dirs[0], "memory.memsw.limit_in_bytes");
      if (fs.existsSync(swap)) fs.writeFileSync(swap, bytes); // no escape into swap
      fs.writeFileSync(path.join(this.dirs[1], "pids.max"), String(limits.processes));
    } else {
      this.dirs = [path.join(support.parent, name)];
      fs.mkdirSync(this.dirs[0]);
      fs.writeFileSync(path.join(this.dirs[0], "memory.max"), bytes);
      if (fs.existsSync(path.join(this.dirs[0], "memory.swap.max"))) fs.writeFileSync(path.join(this.dirs[0], "memory.swap.max"), "0");
      fs.writeFileSync(path.join(this.dirs[0], "pids.max"), String(limits.processes));
    }
  }

  get procsFiles(): string[] {
    return this.dirs.map((dir) => path.join(dir, "cgroup.procs"));
  }

  private read(file: string): string {
    for (const dir of this.dirs) if (fs.existsSync(path.join(dir, file))) return fs.readFileSync(path.join(dir, file), "utf8");
    return "";
  }

  /** True when the kernel killed a process here for using more memory than the limit. */
  memoryKilled(): boolean {
    const oom = /oom_kill (\d+)/.exec(this.read("memory.oom_control")) ?? /oom_kill (\d+)/.exec(this.read("memory.events"));
    return !!oom && Number(oom[1]) > 0;
  }

  /** True when a process or thread could not start because of the limit. */
  processLimitHit(): boolean {
    const events = /max (\d+)/.exec(this.read("pids.events"));
    return !!events && Number(events[1]) > 0;
  }

  /** Kills whatever is left inside, then removes the cgroups. */
  destroy(): void {
    for (let attempt = 0; attempt < 50; attempt++) {
      const pids = this.procsFiles.flatMap((file) => (fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean) : []));
      if (pids.length === 0) break;
      for (const pid of pids) {
        try {
          process.kill(Number(pid), "SIGKILL");
        } catch {
          // already gone
        }
      }
      spawnSync("sleep", ["0.02"]);
    }
    for (const dir of this.dirs) {
      try {
        fs.rmdirSync(dir);
      } catch {
        // still busy: left for the next destroy of the same name (the grader's cleanup)
      }
    }
  }
}

/** Starts `node -e <check>` in the sandbox: it must start, see no network interface but loopback, and (as root) be nobody. */
function probeSandbox(plan: SandboxPlan, limits: Limits, expectNobody: boolean): { ok: boolean; stderr: string } {
  const { command, args } = sandboxCommand(plan, limits, "-e", []);
  const nobody = expectNobody ? "process.getuid()===65534&&" : "";
  const check = `const os=require('os');process.exit(${nobody}Object.keys(os.networkInterfaces()).every(n=>n==='lo')?0:3)`;
  const result = spawnSync(command, [...args, check], { encoding: "utf8", timeout: 20000 });
  return { ok: result.status === 0, stderr: `${result.stderr ?? ""}${result.error ? String(result.error) : ""}`.trim() };
}

/**
 * Decides how submissions will be sandboxed on this machine, trying the strongest form first;
 * returns why not (and the fix) when there is no sandbox and `allowUnsafe` is false.
 */
export function planSandbox(repoRoot: string, allowUnsafe: boolean, limits: Limits = defaultLimits): SandboxPlan | SandboxRefusal {
  const base = { repoRoot, node: fs.realpathSync(process.execPath), workDir: path.join(repoRoot, ".grading-work"), binds: sandboxBinds(repoRoot) };
  if (allowUnsafe) return { ...base, kind: "none", user: "the grader's own user (NO SANDBOX: --unsafe-no-sandbox)", dropTo: null, rootMapped: false, cgroup: null, bwrap: null };
  const noSandboxHelp = "or, only for work you trust, grade without a sandbox: npm run grade -- --unsafe-no-sandbox ...";
  if (process.platform !== "linux") {
    return { problem: `no sandbox is available on ${process.platform}: bubblewrap needs Linux`, fix: `grade in a Linux machine, VM or container (e.g. a Debian container with \`apt-get install bubblewrap\`), ${noSandboxHelp}` };
  }
  const bwrap = findOnPath("bwrap");
  if (!bwrap) return { problem: "bubblewrap (bwrap) is not installed", fix: `install it: sudo apt-get install -y bubblewrap (Debian/Ubuntu), sudo dnf install -y bubblewrap (Fedora), sudo pacman -S bubblewrap (Arch); ${noSandboxHelp}` };
  const cgroup = detectCgroups();
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  const attempts: Omit<SandboxPlan, keyof typeof base | "kind" | "cgroup" | "bwrap">[] = root
    ? [
        { user: "nobody (uid 65534) inside the sandbox and outside it", dropTo: NOBODY, rootMapped: false },
        { user: "nobody (uid 65534) inside a user namespace; the grader's root outside it, without capabilities", dropTo: null, rootMapped: true },
      ]
    : [{ user: `the grader's own user (uid ${process.getuid?.()}) inside a user namespace, without capabilities`, dropTo: null, rootMapped: false }];
  const errors: string[] = [];
  for (const attempt of attempts) {
    const plan: SandboxPlan = { ...base, ...attempt, kind: "bubblewrap", cgroup, bwrap };
    // Without root, the uid inside is the grader's own; the probe asks for nobody only when it can be.
    const probe = probeSandbox(plan, limits, root);
    if (probe.ok) return plan;
    errors.push(probe.stderr || "the sandbox did not start");
  }
  return {
    problem: `bubblewrap is installed but could not start a sandbox here: ${errors[errors.length - 1].split("\n")[0]}`,
    fix: `enable unprivileged user namespaces (Debian: sudo sysctl -w kernel.unprivileged_userns_clone=1; Ubuntu 24.04: sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0), or run the grader as root; ${noSandboxHelp}`,
  };
}

export const isRefusal = (value: SandboxPlan | SandboxRefusal): value is SandboxRefusal => "problem" in value;

/** Which limits hold for this plan, in words, for reports. */
export function describeLimits(plan: SandboxPlan, limits: Limits): Record<string, string> {
  const cgroup = plan.cgroup ? `cgroup v${plan.cgroup.version}` : null;
  return {
    sandbox: plan.kind === "bubblewrap" ? `bubblewrap (${plan.bwrap})` : "NONE (--unsafe-no-sandbox): graded code can read and write what the grader can, and use the network",
    user: plan.user,
    network: plan.kind === "bubblewrap" ? "none (own network namespace)" : "the grader's",
    processes: plan.kind === "bubblewrap" ? `own PID namespace (all die with the sandbox); at most ${limits.processes} tasks by ${cgroup ?? "a watchdog polling every 100 ms"}` : `at most ${limits.processes} tasks by a watchdog polling every 100 ms`,
    memory: `${limits.memoryMb} MB for all processes, native memory included, by ${cgroup ?? "a watchdog polling every 100 ms (not enforced by the kernel)"}; JS heap limit ${limits.memoryMb} MB`,
    files: plan.kind === "bubblewrap" ? `read-only: /usr, Node.js, the repository's ${plan.binds.filter((b) => b.source.startsWith(plan.repoRoot)).map((b) => path.relative(plan.repoRoot, b.source)).join(", ")}; writable: /tmp, /dev/shm and the work folder, ${limits.tmpMb} MB each` : "everything the grader's user can read and write",
    time: `${limits.cellSeconds} s per cell, ${limits.timeLimitSeconds} s per submission`,
    output: `${limits.outputMb} MB per submission`,
    environment: plan.kind === "bubblewrap" ? `only ${Object.keys(sandboxEnvironment(plan, limits)).join(", ")}` : "the grader's",
  };
}

export const cpuCount = () => (typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length);
