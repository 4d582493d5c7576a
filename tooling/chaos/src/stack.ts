import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import { createDatabase, dropDatabase } from "./postgres.js";
import { Proc, freePort, repoRoot, run, waitFor } from "./processes.js";
import { RedisServer } from "./redis.js";
import { WebhookReceiver } from "./receiver.js";

export type AppName = "api" | "worker" | "scheduler";

/** Short lock and stall settings, so every recovery happens within seconds. */
export const TIMINGS = {
  WORKER_LOCK_MS: 3_000,
  WORKER_STALLED_INTERVAL_MS: 1_500,
  WORKER_GRACE_MS: 10_000,
  RECONCILE_INTERVAL_MS: 500,
  RECONCILE_GRACE_MS: 500,
  STALE_RUNNING_MS: 5_000,
  DELIVERY_RECONCILE_GRACE_MS: 2_000,
} as const;

export const QUEUE_NAMES = ["profiling", "job-search", "delivery"] as const;

const TERMINAL = new Set(["completed", "failed", "cancelled"]);

const QUERIES = ["Backend Engineer", "Data Scientist", "Product Designer", "DevOps Engineer", "Frontend Developer", "Data Engineer", "Product Manager", "QA Engineer"];
const LOCATIONS = ["Berlin", "Remote", "London", "Amsterdam"];

export interface Submitted {
  runId: string;
  status: number;
  ms: number;
}

/**
 * The whole product as separate processes: its own Redis (AOF) and Postgres
 * database, the built api, two workers and the scheduler, and a webhook
 * receiver on 127.0.0.1.
 */
export class Stack {
  readonly dir = mkdtempSync(join(tmpdir(), "job-agent-chaos-"));
  readonly logDir = join(this.dir, "logs");
  readonly dbName = `job_agent_chaos_${Date.now().toString(36)}`;
  readonly prefix = `ja-chaos-${Date.now().toString(36)}`;
  readonly receiver = new WebhookReceiver();
  redisServer!: RedisServer;
  databaseUrl = "";
  apiPort = 0;
  /** The lock-token id of worker 2's job-search consumer. */
  steadyOwner = "";
  keys: string[] = [];
  api: Proc | null = null;
  scheduler: Proc | null = null;
  workers: (Proc | null)[] = [null, null];
  pool!: pg.Pool;
  redis!: Redis;
  private readonly queues = new Map<string, Queue>();
  private readonly extraWorkerEnv: Record<string, string>;

  constructor(workerEnv: Record<string, string>) {
    this.extraWorkerEnv = workerEnv;
    mkdirSync(this.logDir, { recursive: true });
    mkdirSync(join(this.dir, "redis"), { recursive: true });
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.apiPort}`;
  }

  async start(): Promise<void> {
    this.redisServer = new RedisServer(await freePort(), join(this.dir, "redis"), this.logDir);
    await this.redisServer.start();
    this.redis = new Redis(this.redisServer.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: () => 200, lazyConnect: false });
    this.redis.on("error", () => undefined);
    this.databaseUrl = await createDatabase(this.dbName);
    this.pool = new pg.Pool({ connectionString: this.databaseUrl, max: 3, application_name: "chaos-suite" });
    // Connections cut on purpose (pg_terminate_backend) must not crash the suite.
    this.pool.on("error", () => undefined);
    // Four users, so a per-user cap on running executions still lets the batch fill both workers.
    this.keys = await Promise.all(
      [1, 2, 3, 4].map(async (n) => {
        const out = await run("pnpm", ["--silent", "keys:create", "--email", `chaos-${n}@example.com`, "--plan", "premium"], { DATABASE_URL: this.databaseUrl });
        const key = out.trim().split("\n").pop()?.trim() ?? "";
        if (!key) throw new Error(`keys:create printed no key: ${out}`);
        return key;
      }),
    );
    await this.receiver.start();
    this.apiPort = await freePort();
    this.startApp("scheduler");
    this.api = this.startApp("api");
    await waitFor(async () => {
      for (const p of [this.api, this.scheduler]) if (p && !p.alive) throw new Error(`${p.name} exited:\n${p.tail()}`);
      const res = await fetch(`${this.apiUrl}/ready`, { signal: AbortSignal.timeout(2_000) });
      return res.ok;
    }, "the api to be ready", 30_000, 200);
    await this.startSteadyWorker();
    this.startApp("worker", 0);
    await this.waitWorkersConnected();
  }

  /**
   * Worker 2 is never faulted; worker 1 is the one killed, frozen and drained.
   * Worker 2 starts alone and runs a probe so its lock-token id is known:
   * every other lock owner is then worker 1, which tells whether a fault hits
   * jobs in flight.
   */
  private async startSteadyWorker(): Promise<void> {
    this.startApp("worker", 1);
    await this.waitWorkersConnected();
    const [probe] = await this.submit(1);
    if (probe?.status !== 202) throw new Error(`the probe run was not accepted (${probe?.status})`);
    let owner = "";
    await waitFor(async () => {
      owner = [...(await this.activeByWorker("job-search")).keys()][0] ?? "";
      return owner !== "";
    }, "the probe run to be taken by worker 2", 30_000, 10);
    this.steadyOwner = owner;
    if ((await this.waitFinished([probe.runId], 30_000)) === null) throw new Error("the probe run did not finish");
  }

  /** True when worker 1 holds a job whose execution is in the middle of a node. */
  async victimMidNode(runIds: string[]): Promise<boolean> {
    const { rows } = await this.pool.query<{ id: string }>(
      `select distinct e.id from workflow_executions e join node_executions n on n.execution_id = e.id
        where e.run_id = any($1::uuid[]) and e.status = 'running' and n.status = 'running'`,
      [runIds],
    );
    for (const { id } of rows) {
      const token = await this.redis.get(`${this.prefix}:job-search:${id}:lock`);
      if (token && !token.startsWith(`${this.steadyOwner}:`)) return true;
    }
    return false;
  }

  private env(app: AppName): Record<string, string> {
    const base: Record<string, string> = {
      ...(process.env as Record<string, string>),
      NODE_ENV: "production",
      LOG_FORMAT: "json",
      LOG_LEVEL: "info",
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: this.redisServer.url,
      QUEUE_PREFIX: this.prefix,
      OUTBOUND_ALLOW_PRIVATE_HOSTS: "127.0.0.1",
      OUTBOUND_HTTPS_ONLY: "false",
    };
    delete base.SENTRY_DSN;
    delete base.VITEST;
    if (app === "api") return { ...base, PORT: String(this.apiPort), HOST: "127.0.0.1" };
    if (app === "worker") {
      return {
        ...base,
        WORKER_CONCURRENCY: "4",
        WORKER_LOCK_MS: String(TIMINGS.WORKER_LOCK_MS),
        WORKER_STALLED_INTERVAL_MS: String(TIMINGS.WORKER_STALLED_INTERVAL_MS),
        WORKER_GRACE_MS: String(TIMINGS.WORKER_GRACE_MS),
        WEBHOOK_TIMEOUT_MS: "5000",
        WEBHOOK_RETRY_BASE_MS: "500",
        ...this.extraWorkerEnv,
      };
    }
    return {
      ...base,
      RECONCILE_INTERVAL_MS: String(TIMINGS.RECONCILE_INTERVAL_MS),
      RECONCILE_GRACE_MS: String(TIMINGS.RECONCILE_GRACE_MS),
      STALE_RUNNING_MS: String(TIMINGS.STALE_RUNNING_MS),
      DELIVERY_RECONCILE_GRACE_MS: String(TIMINGS.DELIVERY_RECONCILE_GRACE_MS),
    };
  }

  startApp(app: AppName, index = 0): Proc {
    const name = app === "worker" ? `worker-${index + 1}` : app;
    const proc = new Proc(name, process.execPath, ["dist/main.js"], { cwd: join(repoRoot, "apps", app), env: this.env(app), logFile: join(this.logDir, `${name}.log`) });
    if (app === "worker") this.workers[index] = proc;
    if (app === "scheduler") this.scheduler = proc;
    return proc;
  }

  /** A BullMQ handle on one of the stack's queues, for looking and for pushing jobs by hand. */
  queue(name: (typeof QUEUE_NAMES)[number]): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { prefix: this.prefix, connection: { url: this.redisServer.url, maxRetriesPerRequest: 1, enableOfflineQueue: false } });
      q.on("error", () => undefined);
      this.queues.set(name, q);
    }
    return q;
  }

  worker(index: number): Proc {
    const w = this.workers[index];
    if (!w) throw new Error(`worker ${index + 1} is not running`);
    return w;
  }

  /** Waits until Redis lists as many worker connections on the job-search queue as there are live workers. */
  async waitWorkersConnected(timeoutMs = 30_000): Promise<void> {
    const want = this.workers.filter((w) => w?.alive).length;
    await waitFor(async () => {
      const counts = await Promise.all(QUEUE_NAMES.map((q) => this.queue(q).getWorkersCount()));
      return counts.every((n) => n >= want);
    }, `${want} workers to connect to Redis`, timeoutMs, 200);
  }

  /** Both workers alive (restarting any that is not) and consuming. */
  async ensureHealthy(): Promise<void> {
    if (!this.redisServer.proc) await this.redisServer.start();
    if (!this.workers[1]?.alive) {
      await this.workers[0]?.stop("SIGTERM");
      await this.startSteadyWorker();
    }
    if (!this.workers[0]?.alive) this.startApp("worker", 0);
    await this.waitWorkersConnected();
  }

  /**
   * POST /v1/job-searches `count` times at once, each with the receiver as
   * webhook: different searches alternating between the users, or, with an
   * idempotency key, the same request of the first user every time.
   */
  async submit(count: number, opts: { idempotencyKey?: string } = {}): Promise<Submitted[]> {
    return Promise.all(
      Array.from({ length: count }, async (_, n) => {
        const i = opts.idempotencyKey === undefined ? n : 0;
        const started = Date.now();
        const res = await fetch(`${this.apiUrl}/v1/job-searches`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${this.keys[i % this.keys.length]}`,
            "content-type": "application/json",
            ...(opts.idempotencyKey === undefined ? {} : { "idempotency-key": opts.idempotencyKey }),
          },
          body: JSON.stringify({ query: QUERIES[i % QUERIES.length], location: LOCATIONS[i % LOCATIONS.length], numResults: 5, maxScreening: 3, webhookUrl: this.receiver.url }),
          // A hang is a broken promise; 15 s is far beyond any prompt answer.
          signal: AbortSignal.timeout(15_000),
        });
        const body = (await res.json().catch(() => ({}))) as { runId?: string };
        return { runId: body.runId ?? "", status: res.status, ms: Date.now() - started };
      }),
    );
  }

  async countRuns(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>("select count(*)::text as n from runs");
    return Number(rows[0]?.n ?? 0);
  }

  async statuses(runIds: string[]): Promise<Map<string, string>> {
    const { rows } = await this.pool.query<{ id: string; status: string }>("select id, status::text as status from runs where id = any($1::uuid[])", [runIds]);
    return new Map(rows.map((r) => [r.id, r.status]));
  }

  /** Polls Postgres until every run is finished; returns when that happened (or null on timeout). */
  async waitFinished(runIds: string[], timeoutMs: number): Promise<number | null> {
    try {
      await waitFor(async () => {
        const s = await this.statuses(runIds);
        return runIds.every((id) => TERMINAL.has(s.get(id) ?? ""));
      }, "runs to finish", timeoutMs, 100);
      return Date.now();
    } catch {
      return null;
    }
  }

  /** Active jobs of a queue grouped by the worker that holds their lock (the lock token starts with the worker's id). */
  async activeByWorker(queue: string): Promise<Map<string, string[]>> {
    const ids = await this.redis.lrange(`${this.prefix}:${queue}:active`, 0, -1);
    const out = new Map<string, string[]>();
    for (const id of ids) {
      const token = await this.redis.get(`${this.prefix}:${queue}:${id}:lock`);
      if (!token) continue;
      const owner = token.split(":")[0] ?? token;
      out.set(owner, [...(out.get(owner) ?? []), id]);
    }
    return out;
  }

  async stop(): Promise<void> {
    const apps = [this.api, this.scheduler, ...this.workers].filter((p): p is Proc => p !== null);
    await Promise.all(apps.map((p) => p.stop("SIGTERM", 15_000)));
    for (const p of [this.api, this.scheduler, ...this.workers]) await p?.closeLog();
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    this.redis?.disconnect();
    await this.pool?.end().catch(() => undefined);
    await this.redisServer?.stop();
    await this.redisServer?.proc?.closeLog();
    await this.receiver.stop();
    if (this.databaseUrl) await dropDatabase(this.dbName);
  }

  /** Removes the temporary directory (logs included); kept when a scenario failed, for reading. */
  removeDir(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
