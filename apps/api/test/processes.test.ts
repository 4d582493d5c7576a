import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createApiKey } from "@job-agent/db";
import { createTestDatabase, type TestDatabase } from "@job-agent/db/testing";
import { cleanupQueues, testQueueConfig } from "@job-agent/queue/testing";
import { eventually, freePort } from "@job-agent/shared/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** The built API (`dist/main.js`, from `pnpm build`) as a child process, stopped with real signals. */
const API = fileURLToPath(new URL("../dist/main.js", import.meta.url));

let tdb: TestDatabase;
const config = testQueueConfig();
const children: ChildProcess[] = [];
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await cleanupQueues(config).catch(() => undefined);
  await tdb?.drop();
});

/** Processes whose parent is `pid`, from /proc. */
const childrenOf = async (pid: number): Promise<number[]> => {
  const { readdir, readFile } = await import("node:fs/promises");
  const out: number[] = [];
  for (const d of await readdir("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    const stat = await readFile(`/proc/${d}/stat`, "utf8").catch(() => "");
    if (stat && Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) out.push(Number(d));
  }
  return out;
};

describe("API_PROCESSES", () => {
  it("serves one port from several processes, starts another when one dies, and stops them all on SIGTERM", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [API], {
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "test",
        LOG_FORMAT: "json",
        LOG_LEVEL: "info",
        DATABASE_URL: tdb.url,
        REDIS_URL: config.url,
        QUEUE_PREFIX: config.prefix,
        HOST: "127.0.0.1",
        PORT: String(port),
        API_PROCESSES: "2",
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    children.push(child);
    let logs = "";
    child.stderr.on("data", (b: Buffer) => (logs += b.toString()));
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));

    await eventually(async () => (await fetch(`http://127.0.0.1:${port}/ready`).catch(() => null))?.ok === true, "the API on its port");
    const [first, second] = await eventually(async () => (await childrenOf(child.pid!)).length === 2, "two API processes").then(() => childrenOf(child.pid!));
    // the port answers once the first process listens; the second follows
    await eventually(() => (logs.match(/"api listening"/g) ?? []).length === 2, "both API processes listening");

    // A request is served the same whichever process takes it.
    const { key } = await createApiKey(tdb.db, { email: "cluster@example.com" });
    for (let i = 0; i < 6; i++) {
      const me = await fetch(`http://127.0.0.1:${port}/v1/me`, { headers: { authorization: `Bearer ${key}` } });
      expect(me.status).toBe(200);
    }

    // One dies: another takes its place, and the port keeps answering.
    process.kill(first!, "SIGKILL");
    await eventually(async () => {
      const now = await childrenOf(child.pid!);
      return now.length === 2 && !now.includes(first!) && now.includes(second!);
    }, "a new API process in place of the killed one");
    await eventually(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.ok === true, "the port answering");

    const remaining = await childrenOf(child.pid!);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    for (const pid of remaining) expect(() => process.kill(pid, 0)).toThrow();
  });
});
