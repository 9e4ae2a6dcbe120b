/**
 * The sandbox itself, started for real: these need bubblewrap (CI installs it).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { defaultLimits, isRefusal, planSandbox } from "../../src/tools/grading/sandbox";
import { root } from "./helpers";

test("Node.js unpacked under /tmp by mktemp (as CI does for Node 22) still runs inside the sandbox, whose /tmp is empty", () => {
  // mktemp -d makes a 0700 folder: only root may enter it, as in CI.
  const unpacked = fs.mkdtempSync(path.join(os.tmpdir(), "tmp."));
  try {
    const bin = path.join(unpacked, "package", "bin");
    fs.mkdirSync(bin, { recursive: true });
    const node = path.join(bin, "node");
    fs.copyFileSync(process.execPath, node);
    fs.chmodSync(node, 0o755);
    fs.writeFileSync(path.join(os.tmpdir(), path.basename(unpacked) + "-outside.txt"), "the grader's /tmp");
    const script = `
      const sandbox = require(${JSON.stringify(path.join(root, "src", "tools", "grading", "sandbox.ts"))});
      const limits = sandbox.defaultLimits;
      const plan = sandbox.planSandbox(${JSON.stringify(root)}, false, limits);
      if (sandbox.isRefusal(plan)) { console.log(JSON.stringify({ refused: plan.problem })); process.exit(0); }
      const { command, args } = sandbox.sandboxCommand(plan, limits, "-e", []);
      const inside = "console.log(JSON.stringify({ execPath: process.execPath, tmp: require('fs').readdirSync('/tmp') }))";
      const run = require("child_process").spawnSync(command, [...args, inside], { encoding: "utf8" });
      console.log(JSON.stringify({ node: plan.node, stdout: run.stdout, stderr: run.stderr }));
    `;
    const result = spawnSync(node, ["--import", "tsx", "-e", script], { cwd: root, encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    const outcome = JSON.parse(result.stdout.trim().split("\n").pop()!);
    assert.equal(outcome.refused, undefined, `the sandbox refused: ${outcome.refused}`);
    assert.equal(outcome.node, node);
    const inside = JSON.parse(outcome.stdout.trim());
    assert.equal(inside.execPath, node);
    // The folder that leads to Node.js is there; the grader's own files in /tmp are not.
    assert.ok(inside.tmp.includes(path.basename(unpacked)), `/tmp inside: ${inside.tmp.join(", ")}`);
    assert.ok(!inside.tmp.includes(path.basename(unpacked) + "-outside.txt"), `/tmp inside: ${inside.tmp.join(", ")}`);
  } finally {
    fs.rmSync(unpacked, { recursive: true, force: true });
    fs.rmSync(path.join(os.tmpdir(), path.basename(unpacked) + "-outside.txt"), { force: true });
  }
});

test("an empty entry in PATH is not the current folder: a bwrap planted there is not used", () => {
  const planted = fs.mkdtempSync(path.join(os.tmpdir(), "seqlab-planted-"));
  const saved = { cwd: process.cwd(), PATH: process.env.PATH };
  try {
    fs.writeFileSync(path.join(planted, "bwrap"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    process.chdir(planted);
    process.env.PATH = ":/nonexistent";
    const plan = planSandbox(root, false, defaultLimits);
    assert.ok(isRefusal(plan), "a sandbox was planned with the planted bwrap");
    assert.equal(plan.problem, "bubblewrap (bwrap) is not installed");
  } finally {
    process.chdir(saved.cwd);
    process.env.PATH = saved.PATH;
    fs.rmSync(planted, { recursive: true, force: true });
  }
});
