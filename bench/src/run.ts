// `pnpm bench`: figures for the real stack on this machine. Each figure is the
// median of BENCH_REPS repetitions (default 3) with min and max; results go to
// bench/results/<timestamp>.json and a markdown table is printed.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fanOut } from "./fanout.js";
import { acceptRate, pipeline, startApi, statusReads, submit } from "./scenarios.js";
import { sse } from "./sse.js";
import { prepare, root, startApp, stopApp, type App } from "./stack.js";
import { round, spread, type Spread } from "./stats.js";

const reps = Number(process.env.BENCH_REPS ?? 3);
const pipelineRuns = Number(process.env.BENCH_PIPELINE_RUNS ?? 2000);
const only = (process.env.BENCH_ONLY ?? "accept,status,pipeline,fanout,sse,memory").split(",");
const fanOutProfiles = Number(process.env.BENCH_FANOUT_PROFILES ?? 10000);
const sseClients = Number(process.env.BENCH_SSE_CLIENTS ?? 1000);
/** The accept rate is measured with each of these numbers of API processes (API_PROCESSES). */
const apiProcessCounts = (process.env.BENCH_API_PROCESSES ?? "1,2").split(",").map(Number);

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const figures: Record<string, Spread & { unit: string; target?: string }> = {};
const record = (name: string, unit: string, values: number[], target?: string) => {
  figures[name] = { ...spread(values.map((v) => round(v, Math.abs(v) < 10 ? 2 : 1))), unit, ...(target ? { target } : {}) };
  const f = figures[name]!;
  console.log(`  ${name}: ${f.median} ${unit} (min ${f.min}, max ${f.max})${target ? ` — target ${target}` : ""}`);
};

console.log("building…");
if (spawnSync("pnpm", ["--silent", "build"], { cwd: root, stdio: "inherit" }).status !== 0) process.exit(1);

const collect = async <T extends object>(label: string, fn: (rep: number) => Promise<T>): Promise<T[]> => {
  const out: T[] = [];
  for (let i = 0; i < reps; i++) {
    console.log(`${label}: repetition ${i + 1}/${reps}`);
    out.push(await fn(i));
  }
  return out;
};

const withStack = async <T>(tag: string, fn: (ctx: { env: Awaited<ReturnType<typeof prepare>>; port: number; api: App }) => Promise<T>, apiProcesses = 1): Promise<T> => {
  const env = await prepare(tag);
  const port = await freePort();
  const api = await startApi(env, port, apiProcesses);
  try {
    return await fn({ env, port, api });
  } finally {
    await stopApp(api);
    await env.drop();
  }
};

if (only.includes("accept")) {
  for (const processes of apiProcessCounts) {
    const tag = `accept, ${processes} API process${processes > 1 ? "es" : ""}`;
    const r = await collect(tag, (i) => withStack(`accept${processes}${i}`, ({ env, port, api }) => acceptRate(env, port, api), processes));
    record(`${tag}: requests/s`, "req/s", r.map((x) => x.rps), ">= 2000");
    record(`${tag}: p50 latency`, "ms", r.map((x) => x.p50));
    record(`${tag}: p99 latency`, "ms", r.map((x) => x.p99), "< 50");
    record(`${tag}: errors`, "count", r.map((x) => x.errors), "0");
    for (const part of Object.keys(r[0]!.cpuMsPerRequest)) record(`${tag}: CPU per request, ${part}`, "ms", r.map((x) => x.cpuMsPerRequest[part] ?? 0));
  }
}

if (only.includes("status")) {
  const r = await collect("status reads", (i) =>
    withStack(`status${i}`, async ({ env, port }) => {
      const [runId] = await submit(env, port, 1, 1);
      return statusReads(env, port, runId!);
    }),
  );
  record("status: requests/s", "req/s", r.map((x) => x.rps));
  record("status: p99 latency", "ms", r.map((x) => x.p99));
  record("status: errors", "count", r.map((x) => x.errors), "0");
}

if (only.includes("pipeline")) {
  const adapterSets = (process.env.BENCH_PIPELINE_ADAPTERS ?? "null,offline").split(",") as ("null" | "offline")[];
  const workerCounts = (process.env.BENCH_PIPELINE_WORKERS ?? "1,2").split(",").map(Number);
  for (const adapters of adapterSets) {
    for (const workers of workerCounts) {
      const n = adapters === "null" ? pipelineRuns : Math.min(pipelineRuns, 500);
      const r = await collect(`pipeline ${adapters} ×${workers}`, (i) =>
        withStack(`pipe${adapters}${workers}${i}`, ({ env, port, api }) => pipeline(env, port, api, { n, workers, adapters, concurrency: Number(process.env.BENCH_WORKER_CONCURRENCY ?? 64) })),
      );
      const tag = `pipeline ${adapters}, ${workers} worker${workers > 1 ? "s" : ""}, ${n} runs`;
      record(`${tag}: completed/s`, "runs/s", r.map((x) => x.runsPerSec), adapters === "null" && workers === 2 ? ">= 500" : undefined);
      record(`${tag}: p50 submit→completed`, "ms", r.map((x) => x.p50));
      record(`${tag}: p95 submit→completed`, "ms", r.map((x) => x.p95), adapters === "null" && workers === 2 ? "< 2000" : undefined);
      record(`${tag}: commits per run`, "commits", r.map((x) => x.commitsPerRun));
      record(`${tag}: failed runs`, "count", r.map((x) => x.failed), "0");
      record(`${tag}: worker peak RSS`, "MB", r.map((x) => x.workerPeakRssMb));
      for (const part of Object.keys(r[0]!.cpuMsPerRun)) record(`${tag}: CPU per run, ${part}`, "ms", r.map((x) => x.cpuMsPerRun[part] ?? 0));
    }
  }
}

if (only.includes("fanout")) {
  const r = await collect("morning fan-out", (i) => withStack(`fan${i}`, ({ env }) => fanOut(env, fanOutProfiles)));
  record(`fan-out ${fanOutProfiles} schedules: all runs in Postgres`, "ms", r.map((x) => x.inPostgresMs));
  record(`fan-out ${fanOutProfiles} schedules: all runs enqueued`, "ms", r.map((x) => x.enqueuedMs), "< 10000");
  record(`fan-out ${fanOutProfiles} schedules: all runs completed (null adapters, 2 workers)`, "ms", r.map((x) => x.completedMs));
}

if (only.includes("sse")) {
  const r = await collect("live events", (i) => withStack(`sse${i}`, ({ env, port, api }) => sse(env, port, api, { clients: sseClients, runs: Math.max(1, Math.round(sseClients / 10)) })));
  record(`SSE ${sseClients} clients: delivery p50`, "ms", r.map((x) => x.p50));
  record(`SSE ${sseClients} clients: delivery p99`, "ms", r.map((x) => x.p99), "< 250");
  record(`SSE ${sseClients} clients: events received`, "count", r.map((x) => x.events));
  record(`SSE ${sseClients} clients: API peak RSS`, "MB", r.map((x) => x.apiPeakRssMb));
}

if (only.includes("memory")) {
  const r = await collect("idle memory", (i) =>
    withStack(`mem${i}`, async ({ env, api }) => {
      const base = { DATABASE_URL: env.databaseUrl, REDIS_URL: env.redisUrl, QUEUE_PREFIX: env.prefix };
      const worker = startApp("worker", base);
      const scheduler = startApp("scheduler", base);
      await new Promise((res) => setTimeout(res, 3_000));
      const out = { api: api.rss() / 2 ** 20, worker: worker.rss() / 2 ** 20, scheduler: scheduler.rss() / 2 ** 20 };
      await Promise.all([stopApp(worker), stopApp(scheduler)]);
      return out;
    }),
  );
  record("idle RSS: api", "MB", r.map((x) => x.api), "< 150");
  record("idle RSS: worker", "MB", r.map((x) => x.worker), "< 150");
  record("idle RSS: scheduler", "MB", r.map((x) => x.scheduler), "< 150");
}

const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const dir = join(root, "bench", "results");
mkdirSync(dir, { recursive: true });
const { cpus, totalmem } = await import("node:os");
const versionOf = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: "utf8" }).stdout?.trim() || "unknown";
const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? "unknown",
  memoryGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  postgres: versionOf("psql", ["--version"]),
  redis: versionOf("redis-server", ["--version"]),
};
const settings = { reps, pipelineRuns, fanOutProfiles, sseClients, apiProcessCounts, workerConcurrency: Number(process.env.BENCH_WORKER_CONCURRENCY ?? 64) };
const file = join(dir, `${stamp}.json`);
writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), machine, settings, figures }, null, 2)}\n`);
const table = [
  "| figure | median | min | max | target |",
  "| --- | --- | --- | --- | --- |",
  ...Object.entries(figures).map(([name, f]) => `| ${name} | ${f.median} ${f.unit} | ${f.min} | ${f.max} | ${f.target ?? ""} |`),
].join("\n");
writeFileSync(join(dir, `${stamp}.md`), `# pnpm bench, ${new Date().toISOString()}\n\n${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GiB, Node ${machine.node}, ${machine.postgres}, ${machine.redis}; medians of ${reps} repetitions.\n\n${table}\n`);
console.log(`\n${table}`);
console.log(`\nresults: ${file} (and .md)`);
process.exit(0);
