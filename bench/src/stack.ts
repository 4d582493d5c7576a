// Starts the real stack for a benchmark: its own database and queue prefix, built apps as separate processes.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createApiKey, createDb, type Db } from "@job-agent/db";
import pg from "pg";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface App {
  name: string;
  child: ChildProcess;
  /** Resident memory now, bytes (from /proc). */
  rss(): number;
  /** Peak resident memory since start, bytes. */
  peakRss(): number;
}

const procStatus = (pid: number | undefined, field: "VmRSS" | "VmHWM"): number => {
  if (!pid) return 0;
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
};

export const startApp = (name: "api" | "worker" | "scheduler", env: Record<string, string>): App => {
  const child = spawn(process.execPath, ["dist/main.js"], {
    cwd: join(root, "apps", name),
    env: { ...process.env, NODE_ENV: "production", LOG_LEVEL: "warn", LOG_FORMAT: "json", ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return { name, child, rss: () => procStatus(child.pid, "VmRSS"), peakRss: () => procStatus(child.pid, "VmHWM") };
};

export const stopApp = (app: App): Promise<void> =>
  new Promise((resolve) => {
    if (app.child.exitCode !== null || app.child.signalCode !== null) return resolve();
    const t = setTimeout(() => app.child.kill("SIGKILL"), 20_000);
    app.child.once("exit", () => {
      clearTimeout(t);
      resolve();
    });
    app.child.kill("SIGTERM");
  });

export const waitFor = async (cond: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000, everyMs = 50): Promise<void> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await cond()) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
};

export interface Env {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  db: Db;
  key: string;
  drop(): Promise<void>;
}

const adminUrl = process.env.BENCH_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** A fresh migrated database (through `pnpm db:migrate`, the real path) and a premium API key. */
export const prepare = async (tag: string): Promise<Env> => {
  const name = `job_agent_bench_${tag}_${Date.now().toString(36)}`;
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const databaseUrl = u.toString();
  const res = spawnSync("pnpm", ["--silent", "db:migrate"], { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: "utf8" });
  if (res.status !== 0) throw new Error(`migrate failed: ${res.stderr}`);
  const db = createDb({ url: databaseUrl, poolMax: 4, applicationName: "bench" });
  const { key } = await createApiKey(db, { email: `bench-${tag}@example.com`, plan: "premium" });
  return {
    databaseUrl,
    redisUrl: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379",
    prefix: `ja-bench-${tag}-${Date.now().toString(36)}`,
    db,
    key,
    drop: async () => {
      await db.close();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
    },
  };
};

/** Transactions committed in a database so far (pg_stat_database). */
export const commits = async (databaseUrl: string): Promise<number> => {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query("select pg_stat_clear_snapshot()");
    const { rows } = await c.query<{ n: string }>("select xact_commit::text as n from pg_stat_database where datname = current_database()");
    return Number(rows[0]?.n ?? 0);
  } finally {
    await c.end();
  }
};
