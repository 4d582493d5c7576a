import type { ErrorInfo } from "@job-agent/shared/errors";
import { StaleAttemptError, type CheckpointStore, type ExecutionSnapshot } from "@job-agent/workflows";
import type { Db, Tx } from "../client.js";
import { Prisma } from "../../generated/prisma/client.js";
import { notifyRunEvent } from "./events.js";

const json = (v: unknown) => v as Prisma.InputJsonValue;

/**
 * The fence of every write after `markRunning`: locks the execution's row and
 * checks that the writing attempt still owns it (no newer attempt has claimed
 * it, and it is still running). The row lock serialises the check with a
 * newer attempt's claim, so once that claim commits, no older attempt's
 * write can.
 */
const fence = async (tx: Tx, executionId: string, attempt: number | undefined): Promise<{ runId: string }> => {
  const rows = await tx.$queryRaw<{ run_id: string; attempts: number; status: string }[]>`
    select run_id::text as run_id, attempts, status::text as status
      from workflow_executions where id = ${executionId}::uuid for update`;
  const row = rows[0];
  if (!row || (attempt !== undefined && row.attempts > attempt) || row.status !== "running") throw new StaleAttemptError(executionId, attempt ?? row?.attempts ?? 0);
  return { runId: row.run_id };
};

/**
 * The engine's record of progress in Postgres. Each method is one
 * transaction that also publishes its event, so a status and its event are
 * never seen apart; every write is fenced with the attempt that makes it.
 */
export const createCheckpointStore = (db: Db): CheckpointStore => ({
  load: async (executionId): Promise<ExecutionSnapshot | null> => {
    const e = await db.prisma.workflowExecution.findUnique({
      where: { id: executionId },
      include: {
        run: { select: { id: true, userId: true, kind: true, input: true } },
        nodes: { where: { status: "completed" }, select: { name: true, output: true } },
      },
    });
    if (!e) return null;
    const earlier = await earlierCheckpoints(db.prisma, e.runId, e.id, e.createdAt);
    const own = Object.fromEntries(e.nodes.map((n) => [n.name, (n.output ?? {}) as Record<string, unknown>]));
    return {
      executionId: e.id,
      runId: e.run.id,
      userId: e.run.userId,
      kind: e.run.kind,
      status: e.status,
      runInput: e.run.input,
      checkpoints: { ...Object.fromEntries(earlier.map((n) => [n.name, n.output])), ...own },
    };
  },

  markRunning: (executionId) =>
    db.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ run_id: string; attempts: number; started_at: Date; created_at: Date }[]>`
        update workflow_executions
           set status = 'running', attempts = attempts + 1, started_at = coalesce(started_at, now()), updated_at = now()
         where id = ${executionId}::uuid and status in ('pending', 'running')
     returning run_id::text as run_id, attempts, started_at, created_at`;
      const e = rows[0];
      if (!e) return null;
      // A retried run: the nodes its earlier executions finished are this execution's checkpoints too.
      const earlier = await earlierCheckpoints(tx, e.run_id, executionId, e.created_at);
      if (earlier.length > 0) {
        await tx.nodeExecution.createMany({
          data: earlier.map((n) => ({
            executionId,
            name: n.name,
            position: n.position,
            status: "completed" as const,
            attempts: 0,
            output: json(n.output),
            startedAt: n.startedAt,
            finishedAt: n.finishedAt,
          })),
          skipDuplicates: true,
        });
      }
      const now = new Date();
      await tx.run.updateMany({ where: { id: e.run_id, startedAt: null }, data: { startedAt: now } });
      await tx.run.update({ where: { id: e.run_id }, data: { status: "running" } });
      await notifyRunEvent(tx, { type: "run.status", runId: e.run_id, executionId, status: "running" });
      return { attempt: e.attempts, startedAt: e.started_at };
    }),

  cancelRequested: async (executionId) => {
    const e = await db.prisma.workflowExecution.findUnique({ where: { id: executionId }, select: { run: { select: { cancelRequestedAt: true } } } });
    return Boolean(e?.run.cancelRequestedAt);
  },

  nodeStarted: ({ executionId, node, position, attempt }) =>
    db.prisma.$transaction(async (tx) => {
      const { runId } = await fence(tx, executionId, attempt);
      const n = await tx.nodeExecution.findUnique({ where: { executionId_name: { executionId, name: node } }, select: { status: true } });
      if (n?.status === "completed") throw new StaleAttemptError(executionId, attempt);
      await tx.nodeExecution.upsert({
        where: { executionId_name: { executionId, name: node } },
        create: { executionId, name: node, position, status: "running", attempts: 1 },
        update: { status: "running", attempts: { increment: 1 }, startedAt: new Date(), finishedAt: null, error: undefined },
      });
      await tx.workflowExecution.update({ where: { id: executionId }, data: { currentNode: node } });
      await notifyRunEvent(tx, { type: "node.started", runId, executionId, node });
    }),

  nodeCompleted: ({ executionId, node, output, progress, tokensUsed, attempt }) =>
    db.prisma.$transaction(async (tx) => {
      const { runId } = await fence(tx, executionId, attempt);
      // At most one completed output per (execution, node).
      const done = await tx.nodeExecution.updateMany({
        where: { executionId, name: node, status: { not: "completed" } },
        data: { status: "completed", output: json(output), finishedAt: new Date() },
      });
      if (done.count !== 1) throw new StaleAttemptError(executionId, attempt);
      await tx.workflowExecution.update({
        where: { id: executionId },
        data: { progress, currentNode: node, ...(tokensUsed ? { tokensUsed: { increment: tokensUsed } } : {}) },
      });
      await notifyRunEvent(tx, { type: "node.completed", runId, executionId, node, progress });
    }),

  nodeFailed: ({ executionId, node, error, final, tokensUsed, attempt }) =>
    db.prisma.$transaction(async (tx) => {
      const { runId } = await fence(tx, executionId, attempt);
      const now = new Date();
      await tx.nodeExecution.updateMany({
        where: { executionId, name: node, status: { not: "completed" } },
        data: { status: "failed", error: json(error), finishedAt: now },
      });
      if (tokensUsed) await tx.workflowExecution.update({ where: { id: executionId }, data: { tokensUsed: { increment: tokensUsed } } });
      await notifyRunEvent(tx, { type: "node.failed", runId, executionId, node });
      if (final) await failExecutionTx(tx, executionId, runId, { ...error, node });
    }),

  cancelled: ({ executionId, attempt, node }) =>
    db.prisma.$transaction(async (tx) => {
      const { runId } = await fence(tx, executionId, attempt);
      const now = new Date();
      if (node) {
        await tx.nodeExecution.updateMany({ where: { executionId, name: node, status: "running" }, data: { status: "cancelled", finishedAt: now } });
      }
      await tx.workflowExecution.update({ where: { id: executionId }, data: { status: "cancelled", finishedAt: now } });
      const run = await tx.run.update({
        where: { id: runId },
        data: { status: "cancelled", completedAt: now },
        select: { kind: true, profileId: true },
      });
      if (run.kind === "profiling" && run.profileId) {
        await tx.profile.updateMany({ where: { id: run.profileId, status: "pending" }, data: { status: "failed" } });
      }
      await notifyRunEvent(tx, { type: "run.status", runId, executionId, status: "cancelled" });
    }),

  failed: ({ executionId, attempt, error }) =>
    db.prisma.$transaction(async (tx) => {
      const { runId } = await fence(tx, executionId, attempt);
      await failExecutionTx(tx, executionId, runId, error);
    }),

  completed: ({ executionId, result, attempt }) =>
    db.prisma.$transaction(async (tx) => {
      const { runId } = await fence(tx, executionId, attempt);
      const now = new Date();
      const e = await tx.workflowExecution.update({
        where: { id: executionId },
        data: { status: "completed", progress: 100, finishedAt: now },
        select: { runId: true, run: { select: { kind: true, profileId: true } } },
      });
      await tx.run.update({ where: { id: runId }, data: { status: "completed", result: json(result), completedAt: now, error: Prisma.DbNull } });
      if (e.run.kind === "profiling" && e.run.profileId) {
        const titles = Array.isArray(result.suggestedTitles) ? result.suggestedTitles.map(String) : [];
        await tx.profile.update({
          where: { id: e.run.profileId },
          data: { status: "ready", data: json(result.profile), suggestedTitles: titles },
        });
      }
      await notifyRunEvent(tx, { type: "run.status", runId, executionId, status: "completed", progress: 100 });
    }),
});

interface EarlierNode {
  name: string;
  position: number;
  output: Record<string, unknown>;
  startedAt: Date;
  finishedAt: Date | null;
}

/** Completed nodes of the run's executions created before this one: the latest output per node. */
const earlierCheckpoints = async (client: Tx, runId: string, executionId: string, createdAt: Date): Promise<EarlierNode[]> => {
  const rows = await client.nodeExecution.findMany({
    where: { status: "completed", execution: { runId, id: { not: executionId }, createdAt: { lt: createdAt } } },
    orderBy: [{ execution: { createdAt: "desc" } }],
    select: { name: true, position: true, output: true, startedAt: true, finishedAt: true },
  });
  const latest = new Map<string, EarlierNode>();
  for (const r of rows) {
    if (!latest.has(r.name)) latest.set(r.name, { name: r.name, position: r.position, output: (r.output ?? {}) as Record<string, unknown>, startedAt: r.startedAt, finishedAt: r.finishedAt });
  }
  return [...latest.values()];
};

const failExecutionTx = async (tx: Tx, executionId: string, runId: string, error: ErrorInfo & { node?: string }) => {
  const now = new Date();
  await tx.workflowExecution.update({ where: { id: executionId }, data: { status: "failed", error: json(error), finishedAt: now } });
  const run = await tx.run.update({
    where: { id: runId },
    data: { status: "failed", error: json(error), completedAt: now },
    select: { kind: true, profileId: true },
  });
  if (run.kind === "profiling" && run.profileId) {
    await tx.profile.update({ where: { id: run.profileId }, data: { status: "failed" } });
  }
  await notifyRunEvent(tx, { type: "run.status", runId, executionId, status: "failed" });
};

/**
 * Fails an execution that died outside any node (e.g. its job could not be
 * parsed, or the worker gave up on it). No-op once it is finished.
 */
export const failExecution = async (db: Db, executionId: string, error: ErrorInfo): Promise<void> => {
  await db.prisma.$transaction(async (tx) => {
    const e = await tx.workflowExecution.findUnique({ where: { id: executionId }, select: { runId: true, status: true } });
    if (!e || e.status === "completed" || e.status === "failed" || e.status === "cancelled") return;
    await failExecutionTx(tx, executionId, e.runId, error);
  });
};
