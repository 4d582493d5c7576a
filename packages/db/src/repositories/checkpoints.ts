import type { ErrorInfo } from "@job-agent/shared/errors";
import { StaleAttemptError, type CheckpointStore, type CompletedNode, type ExecutionClaim, type WorkflowKind } from "@job-agent/workflows";
import { sqlBatcher } from "../batch.js";
import type { Db } from "../client.js";

/** One operation of `ja_checkpoint` (see the hot_paths migration): `e` the execution, `a` the fencing attempt. */
type Op =
  | { op: "claim"; e: string; nodes: Record<WorkflowKind, string[]> }
  | { op: "advance"; e: string; a: number; done: Done | null; next: { node: string; position: number } | null }
  | { op: "finish"; e: string; a: number | null; done: Done | null; result: Record<string, unknown> }
  | { op: "node_failed"; e: string; a: number; node: string; error: ErrorInfo; final: boolean; tokens: number }
  | { op: "stop"; e: string; a: number; status: "cancelled" | "failed"; node: string | null; error: ErrorInfo | null };

interface Done {
  node: string;
  output: Record<string, unknown>;
  progress: number;
  tokens: number;
}

interface Claimed {
  ok: true;
  attempt: number;
  startedAt: string;
  runId: string;
  userId: string;
  kind: WorkflowKind;
  input: unknown;
  checkpoints: Record<string, Record<string, unknown>>;
  cancel: boolean;
  started: string | null;
}

interface Advanced {
  ok: true;
  cancel: boolean;
  started: boolean;
}

type Result = { ok: false } | { ok: true } | Claimed | Advanced;

/** The SQLSTATE `ja_checkpoint` raises for a write found stale only after it began. */
const STALE_AFTER_FENCE = "JA001";

const done = (c: CompletedNode | undefined): Done | null =>
  c ? { node: c.node, output: c.output, progress: c.progress, tokens: c.tokensUsed ?? 0 } : null;

export interface CheckpointStoreOptions {
  /** Operations per transaction at most (default 200). */
  maxBatch?: number;
  /** Transactions in flight at once (default 1). */
  maxInFlight?: number;
}

/**
 * The engine's record of progress in Postgres (`ja_checkpoint`). Every call
 * is one transaction that also stores and publishes its events, so a status
 * and its event are never seen apart; every write is fenced with the attempt
 * that makes it. Calls from concurrent executions that arrive while earlier
 * ones are being written share the next transaction (group commit), so a busy
 * worker makes far fewer commits than it writes checkpoints.
 */
export const createCheckpointStore = (db: Db, opts: CheckpointStoreOptions = {}): CheckpointStore => {
  const apply = sqlBatcher<Op, Result>(db, "ja_checkpoint", opts);
  /** Applies a fenced write; a write the attempt may no longer make throws StaleAttemptError. */
  const write = async (op: Exclude<Op, { op: "claim" }>): Promise<Result> => {
    const r = await apply(op).catch((err: unknown) => {
      // JA001: the fence passed but the node already had its checkpoint (the write was undone)
      throw (err as { code?: string }).code === STALE_AFTER_FENCE ? new StaleAttemptError(op.e, op.a ?? 0) : err;
    });
    if (!r.ok) throw new StaleAttemptError(op.e, op.a ?? 0);
    return r;
  };

  return {
    claim: async ({ executionId, nodes }): Promise<ExecutionClaim | null> => {
      const r = await apply({ op: "claim", e: executionId, nodes });
      if (!r.ok) return null;
      const c = r as Claimed;
      return {
        attempt: c.attempt,
        startedAt: new Date(c.startedAt),
        snapshot: { executionId, runId: c.runId, userId: c.userId, kind: c.kind, runInput: c.input, checkpoints: c.checkpoints },
        cancelRequested: c.cancel,
        started: c.started,
      };
    },

    advance: async ({ executionId, attempt, completed, next }) => {
      const r = (await write({ op: "advance", e: executionId, a: attempt, done: done(completed), next: next ?? null })) as Advanced;
      return { cancelRequested: r.cancel, started: r.started };
    },

    finish: async ({ executionId, attempt, completed, result }) => {
      await write({ op: "finish", e: executionId, a: attempt ?? null, done: done(completed), result });
    },

    cancelRequested: async (executionId) => {
      const { rows } = await db.pool.query<{ c: boolean }>({
        name: "ja_cancel_requested",
        text: "select r.cancel_requested_at is not null as c from workflow_executions e join runs r on r.id = e.run_id where e.id = $1",
        values: [executionId],
      });
      return rows[0]?.c ?? false;
    },

    nodeFailed: async ({ executionId, node, error, final, tokensUsed, attempt }) => {
      await write({ op: "node_failed", e: executionId, a: attempt, node, error, final, tokens: tokensUsed ?? 0 });
    },

    cancelled: async ({ executionId, attempt, node }) => {
      await write({ op: "stop", e: executionId, a: attempt, status: "cancelled", node: node ?? null, error: null });
    },

    failed: async ({ executionId, attempt, error, node }) => {
      await write({ op: "stop", e: executionId, a: attempt, status: "failed", node: node ?? null, error });
    },
  };
};

/**
 * Fails an execution that died outside any node (e.g. its job could not be
 * parsed, or the worker gave up on it), with its run. No-op once it is finished.
 */
export const failExecution = async (db: Db, executionId: string, error: ErrorInfo): Promise<void> => {
  await db.pool.query({ name: "ja_fail_execution", text: "select ja_fail_execution($1, $2::jsonb)", values: [executionId, JSON.stringify(error)] });
};
