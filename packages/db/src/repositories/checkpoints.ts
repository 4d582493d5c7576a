import type { ErrorInfo } from "@job-agent/shared/errors";
import type { CheckpointStore, ExecutionSnapshot } from "@job-agent/workflows";
import type { Db, Tx } from "../client.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { notifyRunEvent } from "./events.js";

const json = (v: unknown) => v as Prisma.InputJsonValue;

const runIdOf = async (tx: Tx, executionId: string): Promise<string> => {
  const e = await tx.workflowExecution.findUniqueOrThrow({ where: { id: executionId }, select: { runId: true } });
  return e.runId;
};

/**
 * The engine's record of progress in Postgres. Each method is one
 * transaction that also publishes its event, so a status and its event are
 * never seen apart.
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
    return {
      executionId: e.id,
      runId: e.run.id,
      userId: e.run.userId,
      kind: e.run.kind,
      status: e.status,
      runInput: e.run.input,
      checkpoints: Object.fromEntries(e.nodes.map((n) => [n.name, (n.output ?? {}) as Record<string, unknown>])),
    };
  },

  markRunning: (executionId, attempt) =>
    db.prisma.$transaction(async (tx) => {
      const now = new Date();
      const e = await tx.workflowExecution.update({
        where: { id: executionId },
        data: { status: "running", attempts: attempt, startedAt: now },
        select: { runId: true, startedAt: true },
      });
      await tx.run.updateMany({ where: { id: e.runId, startedAt: null }, data: { startedAt: now } });
      await tx.run.update({ where: { id: e.runId }, data: { status: "running" } });
      await notifyRunEvent(tx, { type: "run.status", runId: e.runId, executionId, status: "running" });
    }),

  nodeStarted: ({ executionId, node, position }) =>
    db.prisma.$transaction(async (tx) => {
      await tx.nodeExecution.upsert({
        where: { executionId_name: { executionId, name: node } },
        create: { executionId, name: node, position, status: "running", attempts: 1 },
        update: { status: "running", attempts: { increment: 1 }, startedAt: new Date(), finishedAt: null, error: undefined },
      });
      const e = await tx.workflowExecution.update({
        where: { id: executionId },
        data: { currentNode: node },
        select: { runId: true },
      });
      await notifyRunEvent(tx, { type: "node.started", runId: e.runId, executionId, node });
    }),

  nodeCompleted: ({ executionId, node, output, progress, tokensUsed }) =>
    db.prisma.$transaction(async (tx) => {
      await tx.nodeExecution.update({
        where: { executionId_name: { executionId, name: node } },
        data: { status: "completed", output: json(output), finishedAt: new Date() },
      });
      const e = await tx.workflowExecution.update({
        where: { id: executionId },
        data: { progress, currentNode: node, ...(tokensUsed ? { tokensUsed: { increment: tokensUsed } } : {}) },
        select: { runId: true },
      });
      await notifyRunEvent(tx, { type: "node.completed", runId: e.runId, executionId, node, progress });
    }),

  nodeFailed: ({ executionId, node, error, final, tokensUsed }) =>
    db.prisma.$transaction(async (tx) => {
      const now = new Date();
      await tx.nodeExecution.update({
        where: { executionId_name: { executionId, name: node } },
        data: { status: "failed", error: json(error), finishedAt: now },
      });
      if (tokensUsed) await tx.workflowExecution.update({ where: { id: executionId }, data: { tokensUsed: { increment: tokensUsed } } });
      const runId = await runIdOf(tx, executionId);
      await notifyRunEvent(tx, { type: "node.failed", runId, executionId, node });
      if (final) await failExecutionTx(tx, executionId, runId, { ...error, node });
    }),

  completed: ({ executionId, result }) =>
    db.prisma.$transaction(async (tx) => {
      const now = new Date();
      const e = await tx.workflowExecution.update({
        where: { id: executionId },
        data: { status: "completed", progress: 100, finishedAt: now },
        select: { runId: true, run: { select: { kind: true, profileId: true } } },
      });
      await tx.run.update({ where: { id: e.runId }, data: { status: "completed", result: json(result), completedAt: now, error: undefined } });
      if (e.run.kind === "profiling" && e.run.profileId) {
        const titles = Array.isArray(result.suggestedTitles) ? result.suggestedTitles.map(String) : [];
        await tx.profile.update({
          where: { id: e.run.profileId },
          data: { status: "ready", data: json(result.profile), suggestedTitles: titles },
        });
      }
      await notifyRunEvent(tx, { type: "run.status", runId: e.runId, executionId, status: "completed", progress: 100 });
    }),
});

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
