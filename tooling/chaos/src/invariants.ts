import type { Redis } from "ioredis";
import type pg from "pg";
import type { Delivery } from "./receiver.js";

const TERMINAL = new Set(["completed", "failed", "cancelled"]);

/** The job-search workflow's nodes (their names are part of the API). */
export const JOB_SEARCH_NODES = ["ProfileRetrieval", "Discovery", "Matching", "Research", "Fabrication", "Completion", "Delivery"];

// Atomic in Redis: the active list and the lock keys are read at one instant.
const LOCKLESS_SCRIPT = `
local ids = redis.call('LRANGE', KEYS[1], 0, -1)
local out = {}
for _, id in ipairs(ids) do
  if redis.call('EXISTS', ARGV[1] .. id .. ':lock') == 0 then table.insert(out, id) end
end
return {#ids, out}`;

/**
 * Samples every queue's active list: each active job must hold a lock. A job
 * whose holder died or froze keeps its place in the active list until a
 * stall check moves it, so a lock that lapsed is tolerated for at most
 * `limitMs` (two stall intervals and a sampling period); a job that stays
 * active without a lock any longer is orphaned, and reported.
 */
export class LockSampler {
  samples = 0;
  maxActive = 0;
  readonly violations: string[] = [];
  private readonly since = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly queues: readonly string[],
    private readonly limitMs: number,
    private readonly everyMs = 200,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sample(), this.everyMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.busy) await new Promise((r) => setTimeout(r, 20));
    await this.sample();
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const now = Date.now();
      const seen = new Set<string>();
      let active = 0;
      for (const q of this.queues) {
        const [n, lockless] = (await this.redis.eval(LOCKLESS_SCRIPT, 1, `${this.prefix}:${q}:active`, `${this.prefix}:${q}:`)) as [number, string[]];
        active += n;
        for (const id of lockless) {
          const key = `${q}/${id}`;
          seen.add(key);
          const first = this.since.get(key) ?? now;
          this.since.set(key, first);
          if (now - first > this.limitMs && !this.violations.some((v) => v.startsWith(`${key} `))) {
            this.violations.push(`${key} active without a lock for more than ${this.limitMs} ms`);
          }
        }
      }
      for (const key of [...this.since.keys()]) if (!seen.has(key)) this.since.delete(key);
      this.samples += 1;
      this.maxActive = Math.max(this.maxActive, active);
    } catch {
      // Redis is down (on purpose): a gap in the samples, not a lockless job; durations restart after it.
      this.since.clear();
    } finally {
      this.busy = false;
    }
  }
}

interface EventRow {
  id: string;
  run_id: string;
  execution_id: string;
  type: string;
  status: string | null;
  node: string | null;
}

export interface RunCheck {
  statuses: Map<string, string>;
  /** The recorded error of each run that has one. */
  errors: Map<string, string>;
  violations: string[];
  /** Side effects that happened more than once: node outputs completed twice, webhooks received twice. */
  duplicates: number;
  /** Executions started more than once (taken over after a stall, or retried). */
  takeovers: number;
  /** Node starts beyond the first per (execution, node): interrupted nodes run again. */
  restartedNodes: number;
}

/**
 * Checks what Postgres recorded for these runs:
 * - status changes per execution follow pending → running (again after a takeover) → one terminal status,
 *   and nothing of an execution is written after its terminal status (a fenced-off worker writes nothing);
 * - a later execution (a retry) may start only after the previous one finished;
 * - each node of an execution completes at most once (no output is produced twice);
 * - a completed run has every node's checkpoint, and the run's status is its last event's.
 */
export const checkRuns = async (pool: pg.Pool, runIds: string[]): Promise<RunCheck> => {
  const violations: string[] = [];
  let duplicates = 0;
  let takeovers = 0;
  let restartedNodes = 0;
  const { rows: runs } = await pool.query<{ id: string; status: string; error: string | null }>(
    "select id, status::text as status, error::text as error from runs where id = any($1::uuid[])",
    [runIds],
  );
  const statuses = new Map(runs.map((r) => [r.id, r.status]));
  const errors = new Map(runs.filter((r) => r.error !== null).map((r) => [r.id, r.error ?? ""]));
  const { rows: events } = await pool.query<EventRow>(
    `select id::text as id, run_id, execution_id, type, data->>'status' as status, data->>'node' as node
       from run_events where run_id = any($1::uuid[]) order by run_events.id`,
    [runIds],
  );
  const byRun = new Map<string, EventRow[]>();
  for (const e of events) byRun.set(e.run_id, [...(byRun.get(e.run_id) ?? []), e]);

  for (const runId of runIds) {
    const evs = byRun.get(runId) ?? [];
    const execState = new Map<string, string>();
    const completedNodes = new Map<string, number>();
    const startedNodes = new Set<string>();
    const runningExecs = new Set<string>();
    let current: string | null = null;
    let lastRunStatus = "pending";
    for (const e of evs) {
      const where = `run ${runId} event ${e.id} (${e.type}${e.status ? ` ${e.status}` : ""}${e.node ? ` ${e.node}` : ""}, execution ${e.execution_id})`;
      if (e.execution_id !== current) {
        if (execState.has(e.execution_id)) {
          violations.push(`${where}: written by an older execution after a newer one started`);
          continue;
        }
        if (current !== null && !TERMINAL.has(execState.get(current) ?? "")) {
          violations.push(`${where}: a new execution started while execution ${current} was ${execState.get(current)}`);
        }
        current = e.execution_id;
        execState.set(current, "pending");
      }
      const state = execState.get(current) ?? "pending";
      if (TERMINAL.has(state)) {
        violations.push(`${where}: written after the execution was ${state}`);
        continue;
      }
      if (e.type === "run.status") {
        const to = e.status ?? "";
        const legal = to === "running" ? state === "pending" || state === "running" : TERMINAL.has(to) ? state === "running" || (to === "cancelled" && state === "pending") || (to === "failed" && state === "pending") : false;
        if (!legal) violations.push(`${where}: illegal transition ${state} → ${to}`);
        if (to === "running") {
          if (runningExecs.has(current)) takeovers += 1;
          runningExecs.add(current);
        }
        execState.set(current, to);
        lastRunStatus = to;
      } else {
        if (state !== "running") violations.push(`${where}: node event while the execution was ${state}`);
        if (e.type === "node.started" && e.node) {
          const key = `${e.execution_id}/${e.node}`;
          if (startedNodes.has(key)) restartedNodes += 1;
          startedNodes.add(key);
        }
        if (e.type === "node.completed" && e.node) {
          const key = `${e.execution_id}/${e.node}`;
          const n = (completedNodes.get(key) ?? 0) + 1;
          completedNodes.set(key, n);
          if (n > 1) {
            duplicates += 1;
            violations.push(`${where}: node ${e.node} completed ${n} times in one execution`);
          }
        }
      }
    }
    const status = statuses.get(runId);
    if (!status) violations.push(`run ${runId} is not in Postgres`);
    else if (status !== lastRunStatus) violations.push(`run ${runId} is ${status} but its last status event says ${lastRunStatus}`);
  }

  // Checkpoints: at most one completed output per (execution, node); a completed run has them all.
  const { rows: nodes } = await pool.query<{ run_id: string; execution_id: string; name: string; done: number; rows: number; latest: boolean }>(
    `select e.run_id, n.execution_id, n.name,
            count(*) filter (where n.status = 'completed' and n.output is not null)::int as done, count(*)::int as rows,
            e.id = (select e2.id from workflow_executions e2 where e2.run_id = e.run_id order by e2.created_at desc, e2.id desc limit 1) as latest
       from node_executions n join workflow_executions e on e.id = n.execution_id
      where e.run_id = any($1::uuid[]) group by e.run_id, n.execution_id, n.name, e.id`,
    [runIds],
  );
  const doneByRun = new Map<string, Set<string>>();
  for (const n of nodes) {
    if (n.done > 1 || n.rows > 1) {
      duplicates += n.done - 1;
      violations.push(`execution ${n.execution_id} has ${n.done} completed outputs for node ${n.name}`);
    }
    if (n.latest && n.done >= 1) doneByRun.set(n.run_id, new Set([...(doneByRun.get(n.run_id) ?? []), n.name]));
  }
  for (const [runId, status] of statuses) {
    if (status !== "completed") continue;
    const done = doneByRun.get(runId) ?? new Set();
    const missing = JOB_SEARCH_NODES.filter((n) => !done.has(n));
    if (missing.length > 0) violations.push(`run ${runId} is completed without checkpoints for ${missing.join(", ")}`);
  }
  return { statuses, errors, violations, duplicates, takeovers, restartedNodes };
};

/**
 * Webhooks: each finished run's `webhook-id` arrives exactly once (the
 * receiver answers 204, so a second arrival is a duplicate side effect) and
 * a run has one webhook id only.
 */
export const checkWebhooks = (finishedRunIds: string[], deliveries: Delivery[]): { violations: string[]; duplicates: number; missing: number } => {
  const violations: string[] = [];
  let duplicates = 0;
  let missing = 0;
  const byId = new Map<string, Delivery[]>();
  for (const d of deliveries) byId.set(d.webhookId, [...(byId.get(d.webhookId) ?? []), d]);
  for (const [id, list] of byId) {
    const acked = list.filter((d) => d.status >= 200 && d.status < 300);
    if (acked.length > 1) {
      duplicates += acked.length - 1;
      violations.push(`webhook ${id || "(no webhook-id header)"} received ${acked.length} times (each answered 204)`);
    }
  }
  for (const runId of finishedRunIds) {
    const ids = new Set(deliveries.filter((d) => d.runId === runId).map((d) => d.webhookId));
    if (ids.size === 0) {
      missing += 1;
      violations.push(`run ${runId} finished but its webhook never arrived`);
    } else if (ids.size > 1) {
      duplicates += ids.size - 1;
      violations.push(`run ${runId} sent ${ids.size} different webhook ids: ${[...ids].join(", ")}`);
    }
  }
  return { violations, duplicates, missing };
};
