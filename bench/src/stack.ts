// Starts the real stack for a benchmark: its own database and queue prefix, built apps as separate processes.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createApiKey, createDb, type Db } from "@job-agent/db";
import { cleanupQueues } from "@job-agent/queue/testing";
import pg from "pg";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface App {
  name: string;
  child: ChildProcess;
  /** Resident memory now, bytes (from /proc), of the process and the processes it started (API_PROCESSES > 1). */
  rss(): number;
  /** Peak resident memory since start, bytes (the largest of the process and those it started). */
  peakRss(): number;
  /** CPU seconds used so far by the process and those it started. */
  cpu(): number;
}

/** A process and its descendants, from the parent pids in /proc. */
export const processTree = (root: number | undefined): number[] => {
  if (!root) return [];
  const parentOf = new Map<number, number>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      parentOf.set(Number(d), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      /* gone */
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parentOf) if (ppid === tree[i]) tree.push(pid);
  return tree;
};

const procStatus = (pid: number | undefined, field: "VmRSS" | "VmHWM"): number => {
  if (!pid) return 0;
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
};

/** BENCH_CPU_PROF=<dir>: every app started here writes a V8 CPU profile there when it exits. */
const cpuProfDir = process.env.BENCH_CPU_PROF;

export const startApp = (name: "api" | "worker" | "scheduler", env: Record<string, string>): App => {
  const prof = cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${cpuProfDir}`, `--cpu-prof-name=${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...prof, "dist/main.js"], {
    cwd: join(root, "apps", name),
    env: { ...process.env, NODE_ENV: "production", LOG_LEVEL: "warn", LOG_FORMAT: "json", ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const tree = () => processTree(child.pid);
  return {
    name,
    child,
    rss: () => tree().reduce((n, pid) => n + procStatus(pid, "VmRSS"), 0),
    peakRss: () => Math.max(0, ...tree().map((pid) => procStatus(pid, "VmHWM"))),
    cpu: () => tree().reduce((n, pid) => n + cpuSeconds(pid), 0),
  };
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
  if (process.env.BENCH_PG_FUNCTIONS) {
    // Time spent in each SQL function, for `reportFunctions` (new connections pick the setting up).
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`alter database "${name}" set track_functions = 'pl'`);
    await c.end();
  }
  const db = createDb({ url: databaseUrl, poolMax: 4, applicationName: "bench" });
  const { key } = await createApiKey(db, { email: `bench-${tag}@example.com`, plan: "premium" });
  const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
  const prefix = `ja-bench-${tag}-${Date.now().toString(36)}`;
  return {
    databaseUrl,
    redisUrl,
    prefix,
    db,
    key,
    drop: async () => {
      await cleanupQueues({ url: redisUrl, prefix });
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

const CLK_TCK = 100;

/** CPU seconds (user + system) a process has used, from /proc; 0 when it is gone. */
export const cpuSeconds = (pid: number | undefined): number => {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return 0;
  }
};

/** Pids of every process whose command name is `comm` (e.g. every Postgres backend, or redis-server). */
export const pidsOf = (comm: string): number[] => {
  const out: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, "utf8").trim() === comm) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
};

const cpuByPid = (comm: string): Map<number, number> => new Map(pidsOf(comm).map((p) => [p, cpuSeconds(p)]));

/** CPU used since `before` by the processes alive now (a process that started in between counts whole). */
const cpuSince = (before: Map<number, number>, after: Map<number, number>): number =>
  [...after].reduce((n, [pid, s]) => n + s - (before.get(pid) ?? 0), 0);

/**
 * CPU seconds used by each part of the stack between the call and the call
 * of what it returns: the apps, Postgres (every backend; one that exited in
 * between is missed) and Redis, and this benchmark process.
 */
export const cpuMeter = (apps: App[]) => {
  const apps0 = apps.map((a) => a.cpu());
  const pg0 = cpuByPid("postgres");
  const redis0 = cpuByPid("redis-server");
  const bench0 = process.cpuUsage();
  return (): Record<string, number> => {
    const byApp: Record<string, number> = {};
    apps.forEach((a, i) => (byApp[a.name] = (byApp[a.name] ?? 0) + a.cpu() - apps0[i]!));
    const bench = process.cpuUsage(bench0);
    return {
      ...byApp,
      postgres: cpuSince(pg0, cpuByPid("postgres")),
      redis: cpuSince(redis0, cpuByPid("redis-server")),
      bench: (bench.user + bench.system) / 1e6,
    };
  };
};

/** BENCH_PG_FUNCTIONS=1: prints calls and time of the database's SQL functions (pg_stat_user_functions). */
export const reportFunctions = async (databaseUrl: string): Promise<void> => {
  if (!process.env.BENCH_PG_FUNCTIONS) return;
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query("select pg_stat_force_next_flush()").catch(() => undefined);
    const { rows } = await c.query("select funcname, calls, round(total_time::numeric, 1) as total_ms, round(self_time::numeric, 1) as self_ms from pg_stat_user_functions order by total_time desc");
    console.table(rows);
  } finally {
    await c.end();
  }
};
