import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const appDir = (app: string) => join(dirname(fileURLToPath(import.meta.url)), "..", "..", app);

/** Starts a built app (`node dist/main.js`) as its own process; its output is kept for diagnosis. */
export const startBuiltApp = (app: "api" | "worker" | "scheduler", env: Record<string, string>): ChildProcess & { output: string[] } => {
  const child = spawn(process.execPath, ["dist/main.js"], {
    cwd: appDir(app),
    env: { ...process.env, NODE_ENV: "test", LOG_FORMAT: "json", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  }) as ChildProcess & { output: string[] };
  child.output = [];
  child.stdout?.on("data", (d: Buffer) => child.output.push(d.toString()));
  child.stderr?.on("data", (d: Buffer) => child.output.push(d.toString()));
  return child;
};

export const stop = (child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    const t = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.once("exit", (code) => {
      clearTimeout(t);
      resolve(code);
    });
    child.kill(signal);
  });
