import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is tooling/chaos/src/processes.ts). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export { freePort } from "@job-agent/shared/testing";

/** Polls until `cond` holds; errors thrown by `cond` count as "not yet". */
export const waitFor = async (cond: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000, everyMs = 100): Promise<void> => {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await cond()) return;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) {
      const why = last instanceof Error ? ` (last error: ${last.message})` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(everyMs);
  }
};

/** Runs a command to completion; throws with its output unless it exits 0. Returns stdout. */
export const runOk = (cmd: string, args: string[], env: Record<string, string>): string => {
  const res = spawnSync(cmd, args, { cwd: repoRoot, env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  if (res.error) throw res.error;
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${res.status}\n${res.stdout}\n${res.stderr}`);
  return res.stdout;
};

/** `runOk` without blocking, so several commands can run side by side. */
export const run = (cmd: string, args: string[], env: Record<string, string>): Promise<string> =>
  new Promise((resolve, reject) =>
    execFile(cmd, args, { cwd: repoRoot, env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd} ${args.join(" ")} failed: ${err.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
    ),
  );

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A long-running child process whose output goes to a log file (kept for the
 * report) and whose last lines are kept in memory for failure messages.
 */
export class Proc {
  readonly child: ChildProcess;
  readonly exited: Promise<ExitInfo>;
  private recent: string[] = [];
  private readonly file: WriteStream;

  constructor(
    readonly name: string,
    cmd: string,
    args: string[],
    opts: { cwd: string; env: Record<string, string>; logFile: string },
  ) {
    this.file = createWriteStream(opts.logFile, { flags: "a" });
    this.file.write(`--- ${new Date().toISOString()} start ${cmd} ${args.join(" ")}\n`);
    this.child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
    const onData = (d: Buffer) => {
      this.file.write(d);
      this.recent.push(d.toString("utf8"));
      if (this.recent.length > 200) this.recent.splice(0, this.recent.length - 200);
    };
    this.child.stdout?.on("data", onData);
    this.child.stderr?.on("data", onData);
    this.exited = new Promise((resolve) =>
      this.child.once("exit", (code, signal) => {
        this.file.write(`--- ${new Date().toISOString()} exit code=${code} signal=${signal}\n`);
        resolve({ code, signal });
      }),
    );
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines this process printed. */
  tail(lines = 40): string {
    return this.recent.join("").split("\n").slice(-lines).join("\n");
  }

  signal(sig: NodeJS.Signals): void {
    if (this.alive) this.child.kill(sig);
  }

  /** Sends `sig` and waits for the exit; SIGKILL after the timeout. */
  async stop(sig: NodeJS.Signals = "SIGTERM", timeoutMs = 20_000): Promise<ExitInfo> {
    if (this.alive) {
      this.child.kill(sig);
      // A stopped process does not act on SIGTERM until it is continued.
      if (sig !== "SIGKILL") this.child.kill("SIGCONT");
    }
    const timer = setTimeout(() => this.child.kill("SIGKILL"), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  async closeLog(): Promise<void> {
    await new Promise<void>((resolve) => this.file.end(resolve));
  }
}
