import { Agent, request } from "node:http";
import autocannon from "autocannon";
import { commits, cpuMeter, reportFunctions, startApp, stopApp, waitFor, type App, type Env } from "./stack.js";
import { quantile } from "./stats.js";

const body = JSON.stringify({ query: "Software Engineer", location: "London", numResults: 5, maxScreening: 2 });

export const appEnv = (env: Env, extra: Record<string, string> = {}) => ({
  DATABASE_URL: env.databaseUrl,
  REDIS_URL: env.redisUrl,
  QUEUE_PREFIX: env.prefix,
  ...extra,
});

export const startApi = async (env: Env, port: number, processes = 1): Promise<App> => {
  // The benchmark measures capacity, not the per-key limits that protect it.
  const api = startApp(
    "api",
    appEnv(env, {
      PORT: String(port),
      HOST: "127.0.0.1",
      API_PROCESSES: String(processes),
      DATABASE_POOL_MAX: "10",
      RATE_LIMIT_PREMIUM: "100000000",
      MAX_UNFINISHED_RUNS_PREMIUM: "100000000",
    }),
  );
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/ready`)).ok, "the API");
  return api;
};

/** Scenario 1: POST /v1/job-searches → 202 under 50 connections (no worker, so only the accept path is measured). */
export const acceptRate = async (env: Env, port: number, api: App, seconds = 10) => {
  const cpu = cpuMeter([api]);
  const r = await autocannon({
    url: `http://127.0.0.1:${port}/v1/job-searches`,
    method: "POST",
    connections: 50,
    duration: seconds,
    headers: { authorization: `Bearer ${env.key}`, "content-type": "application/json" },
    body,
  });
  const used = cpu();
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
    total: r.requests.total,
    /** CPU milliseconds per accepted request, by part of the stack (`bench` is autocannon). */
    cpuMsPerRequest: Object.fromEntries(Object.entries(used).map(([k, v]) => [k, (v * 1000) / Math.max(1, r.requests.total)])),
  };
};

/** Scenario 2: GET /v1/runs/:id. */
export const statusReads = async (env: Env, port: number, runId: string, seconds = 10) => {
  const r = await autocannon({
    url: `http://127.0.0.1:${port}/v1/runs/${runId}`,
    connections: 50,
    duration: seconds,
    headers: { authorization: `Bearer ${env.key}` },
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx };
};

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** POSTs a job search (node:http with keep-alive: a cheap client, so the figures are the server's). */
const post = (port: number, key: string): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path: "/v1/job-searches", method: "POST", agent, headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });

/** Submits `n` job searches over HTTP, `concurrency` at a time; returns their run ids. */
export const submit = async (env: Env, port: number, n: number, concurrency = 50): Promise<string[]> => {
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next += 1;
        const res = await post(port, env.key);
        if (res.status !== 202) throw new Error(`submit answered ${res.status}: ${res.body}`);
        ids.push((JSON.parse(res.body) as { runId: string }).runId);
      }
    }),
  );
  return ids;
};

/** Runs of this scenario's database that have finished (each scenario has a database of its own). */
export const finishedRuns = async (env: Env, statuses = ["completed", "failed", "cancelled"]): Promise<number> => {
  const { rows } = await env.db.pool.query<{ n: number }>("select count(*)::int as n from runs where status = any($1::\"Status\"[])", [statuses]);
  return rows[0]!.n;
};

/**
 * Scenario 3: `n` job searches through all seven nodes with `workers` worker
 * processes. Submission happens with the workers stopped is not what users
 * see, so the workers run while the runs arrive; completed/s is measured from
 * the first submit to the last completion.
 */
export const pipeline = async (env: Env, port: number, api: App, opts: { n: number; workers: number; adapters: "null" | "offline"; concurrency: number }) => {
  const workers = Array.from({ length: opts.workers }, () =>
    // One benchmark user stands for many: the per-user fairness cap would otherwise hold it to two runs at a time.
    startApp(
      "worker",
      appEnv(env, { WORKFLOW_ADAPTERS: opts.adapters, WORKER_CONCURRENCY: String(opts.concurrency), DATABASE_POOL_MAX: "10", USER_MAX_CONCURRENT_RUNS: "100000" }),
    ),
  );
  await new Promise((r) => setTimeout(r, 1_500));
  const idle = workers.map((w) => w.rss());
  const commitsBefore = await commits(env.databaseUrl);
  const cpu = cpuMeter([api, ...workers]);
  const started = Date.now();
  const ids = await submit(env, port, opts.n);
  await waitFor(async () => (await finishedRuns(env)) >= ids.length, "every run to finish", 600_000, 100);
  const cpuUsed = cpu();
  await reportFunctions(env.databaseUrl);
  const rows = await env.db.prisma.run.findMany({ where: { id: { in: ids } }, select: { status: true, createdAt: true, completedAt: true } });
  const commitsAfter = await commits(env.databaseUrl);
  const peak = workers.map((w) => w.peakRss());
  await Promise.all(workers.map(stopApp));
  const failed = rows.filter((r) => r.status !== "completed").length;
  const lat = rows.map((r) => (r.completedAt?.getTime() ?? Date.now()) - r.createdAt.getTime()).sort((a, b) => a - b);
  const last = Math.max(...rows.map((r) => r.completedAt?.getTime() ?? 0));
  return {
    runsPerSec: ids.length / ((last - started) / 1000),
    p50: quantile(lat, 0.5),
    p95: quantile(lat, 0.95),
    failed,
    commitsPerRun: (commitsAfter - commitsBefore) / ids.length,
    workerIdleRssMb: Math.max(...idle) / 2 ** 20,
    workerPeakRssMb: Math.max(...peak) / 2 ** 20,
    /** CPU milliseconds per run, by part of the stack. */
    cpuMsPerRun: Object.fromEntries(Object.entries(cpuUsed).map(([k, v]) => [k, (v * 1000) / ids.length])),
  };
};
