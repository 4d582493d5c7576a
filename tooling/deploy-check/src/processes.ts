import { spawn, spawnSync, type ChildProcess, type SpawnOptions, type SpawnSyncOptions } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is tooling/deploy-check/src/processes.ts). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion and returns its exit code and output. */
export const run = (cmd: string, args: string[], options: SpawnSyncOptions = {}): RunResult => {
  const res = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options });
  if (res.error) throw res.error;
  return { code: res.status ?? 1, stdout: String(res.stdout ?? ""), stderr: String(res.stderr ?? "") };
};

/** Runs a command and throws, with its output, unless it exits 0. */
export const runOk = (cmd: string, args: string[], options: SpawnSyncOptions = {}): RunResult => {
  const res = run(cmd, args, options);
  if (res.code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${res.code}\n${res.stdout}\n${res.stderr}`);
  return res;
};

export { freePort } from "@job-agent/shared/testing";

/** A child process whose output is collected, so tests can wait for a log line. */
export class Child {
  readonly proc: ChildProcess;
  output = "";
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(cmd: string, args: string[], options: SpawnOptions) {
    this.proc = spawn(cmd, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    this.proc.stdout?.on("data", (d: Buffer) => (this.output += d.toString("utf8")));
    this.proc.stderr?.on("data", (d: Buffer) => (this.output += d.toString("utf8")));
    this.exited = new Promise((resolve) => this.proc.once("exit", (code, signal) => resolve({ code, signal })));
  }

  /** Resolves when the output contains `text`; rejects if the process exits first or time runs out. */
  async waitFor(text: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes(text)) {
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) throw new Error(`process exited before printing "${text}":\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`no "${text}" within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Sends a signal and waits for the exit. */
  async stop(signal: NodeJS.Signals = "SIGTERM", timeoutMs = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(signal);
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Polls a URL until it answers (any status); throws after the timeout. */
export const waitForHttp = async (url: string, child?: Child, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return;
    } catch {
      if (child && (child.proc.exitCode !== null || child.proc.signalCode !== null)) throw new Error(`process exited while waiting for ${url}:\n${child.output}`);
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms${child ? `:\n${child.output}` : ""}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
};
