import type { Db } from "../client.js";
import type { PendingExecution } from "./runs.js";

/** Executions in `status` whose `field` is at or before `before`, oldest first, as the reconciler needs them. */
const listExecutions = async (
  db: Db,
  q: { status: "pending" | "running"; field: "createdAt" | "updatedAt"; before: Date; limit: number },
): Promise<PendingExecution[]> => {
  const rows = await db.prisma.workflowExecution.findMany({
    where: { status: q.status, [q.field]: { lte: q.before } },
    orderBy: { [q.field]: "asc" },
    take: q.limit,
    select: { id: true, runId: true, run: { select: { kind: true, priority: true, userId: true, webhookUrl: true } } },
  });
  return rows.map((r) => ({ executionId: r.id, runId: r.runId, kind: r.run.kind, priority: r.run.priority, userId: r.run.userId, webhook: r.run.webhookUrl !== null }));
};

/** Executions still waiting to start, oldest first (for the reconciler). */
export const listPendingExecutions = (db: Db, q: { createdBefore: Date; limit: number }): Promise<PendingExecution[]> =>
  listExecutions(db, { status: "pending", field: "createdAt", before: q.createdBefore, limit: q.limit });

/**
 * Executions marked running that have not moved for a while: candidates for
 * the reconciler, which hands back those whose job is gone.
 */
export const listStaleRunning = (db: Db, q: { updatedBefore: Date; limit: number }): Promise<PendingExecution[]> =>
  listExecutions(db, { status: "running", field: "updatedAt", before: q.updatedBefore, limit: q.limit });

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
  const e = await db.prisma.workflowExecution.findUnique({
    where: { id: executionId },
    select: { runId: true, currentNode: true, attempts: true, run: { select: { userId: true } } },
  });
  return e ? { runId: e.runId, userId: e.run.userId, node: e.currentNode, attempts: e.attempts } : null;
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
