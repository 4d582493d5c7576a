import type { Db } from "../client.js";
import type { RunKind } from "../../generated/prisma/client.js";
import type { PendingExecution } from "./runs.js";

interface ExecutionRow {
  execution_id: string;
  run_id: string;
  kind: RunKind;
  priority: number;
  user_id: string;
  webhook: boolean;
}

/** Executions in a status whose timestamp is at or before `$1`, oldest first, at most `$2`: one statement per list. */
const listSql = (status: "pending" | "running", column: "created_at" | "updated_at") => `
select e.id as execution_id, e.run_id, r.kind, r.priority, r.user_id, r.webhook_url is not null as webhook
  from workflow_executions e join runs r on r.id = e.run_id
 where e.status = '${status}' and e.${column} <= $1
 order by e.${column}
 limit $2`;

const LISTS = {
  pending: { name: "ja_pending_executions", text: listSql("pending", "created_at") },
  stale: { name: "ja_stale_running", text: listSql("running", "updated_at") },
} as const;

/** The executions of one of LISTS, as the reconciler needs them. */
const listExecutions = async (db: Db, list: keyof typeof LISTS, q: { before: Date; limit: number }): Promise<PendingExecution[]> => {
  const { rows } = await db.pool.query<ExecutionRow>({ ...LISTS[list], values: [q.before, q.limit] });
  return rows.map((r) => ({ executionId: r.execution_id, runId: r.run_id, kind: r.kind, priority: r.priority, userId: r.user_id, webhook: r.webhook }));
};

/** Executions still waiting to start, oldest first (for the reconciler). */
export const listPendingExecutions = (db: Db, q: { createdBefore: Date; limit: number }): Promise<PendingExecution[]> =>
  listExecutions(db, "pending", { before: q.createdBefore, limit: q.limit });

/**
 * Executions marked running that have not moved for a while: candidates for
 * the reconciler, which hands back those whose job is gone.
 */
export const listStaleRunning = (db: Db, q: { updatedBefore: Date; limit: number }): Promise<PendingExecution[]> =>
  listExecutions(db, "stale", { before: q.updatedBefore, limit: q.limit });

/** Run counts by status and kind since a moment, for /admin/stats. */
export const countRunsSince = async (db: Db, since: Date): Promise<{ kind: string; status: string; count: number }[]> => {
  const rows = await db.prisma.run.groupBy({ by: ["kind", "status"], where: { createdAt: { gte: since } }, _count: { _all: true } });
  return rows.map((r) => ({ kind: r.kind, status: r.status, count: r._count._all }));
};

/** Who and where, for reporting an execution that failed for good (ids only). */
export const getFailureContext = async (
  db: Db,
  executionId: string,
): Promise<{ runId: string; userId: string; node: string | null; attempts: number } | null> => {
  const { rows } = await db.pool.query<{ run_id: string; user_id: string; current_node: string | null; attempts: number }>({
    name: "ja_failure_context",
    text: "select e.run_id, r.user_id, e.current_node, e.attempts from workflow_executions e join runs r on r.id = e.run_id where e.id = $1",
    values: [executionId],
  });
  const e = rows[0];
  return e ? { runId: e.run_id, userId: e.user_id, node: e.current_node, attempts: e.attempts } : null;
};

export interface NodeStat {
  kind: string;
  node: string;
  completed: number;
  failed: number;
  /** Of finished node executions in the window. */
  failureRate: number;
  avgMs: number | null;
}

/** Throughput, failure rate and mean duration per workflow and node since a moment. */
export const nodeStatsSince = async (db: Db, since: Date): Promise<NodeStat[]> => {
  const rows = await db.prisma.$queryRaw<{ kind: string; node: string; completed: bigint; failed: bigint; avg_ms: number | null }[]>`
    select r.kind::text as kind, n.name as node,
           count(*) filter (where n.status = 'completed') as completed,
           count(*) filter (where n.status = 'failed') as failed,
           avg(extract(epoch from (n.finished_at - n.started_at)) * 1000) filter (where n.status = 'completed') as avg_ms
      from node_executions n
      join workflow_executions e on e.id = n.execution_id
      join runs r on r.id = e.run_id
     where n.started_at >= ${since}
     group by r.kind, n.name
     order by r.kind, min(n.position)`;
  return rows.map((r) => {
    const completed = Number(r.completed);
    const failed = Number(r.failed);
    return {
      kind: r.kind,
      node: r.node,
      completed,
      failed,
      failureRate: completed + failed ? failed / (completed + failed) : 0,
      avgMs: r.avg_ms === null ? null : Math.round(Number(r.avg_ms)),
    };
  });
};
