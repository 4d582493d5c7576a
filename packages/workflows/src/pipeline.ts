import { PermanentError, toErrorInfo, type ErrorInfo } from "@job-agent/shared/errors";
import type { z } from "zod";
import type { CallOptions, Ports, TokenUsage } from "./ports.js";

export type WorkflowKind = "profiling" | "job_search";

/** What a node gets besides its input: the ports, the run's ids and a signal. */
export interface NodeContext {
  ports: Ports;
  runId: string;
  userId: string;
  executionId: string;
  attempt: number;
  signal: AbortSignal;
  /** What a node passes to its port calls: the signal, and a tally of the model tokens they use. */
  call: CallOptions & { signal: AbortSignal; onUsage: (usage: TokenUsage) => void };
}

/**
 * One step of a workflow. Its input is picked out of the workflow state (the
 * run's parameters merged with every earlier node's output) by `input`; what
 * it returns is checked by `output` and stored as its checkpoint.
 */
export interface NodeDef<I = unknown, O extends Record<string, unknown> = Record<string, unknown>> {
  name: string;
  input: z.ZodType<I>;
  output: z.ZodType<O>;
  run(input: I, ctx: NodeContext): Promise<O>;
}

export const defineNode = <I, O extends Record<string, unknown>>(def: NodeDef<I, O>): NodeDef<I, O> => def;

export interface WorkflowDef {
  kind: WorkflowKind;
  nodes: readonly NodeDef<unknown, Record<string, unknown>>[];
  /** The run's stored input → the initial workflow state. */
  initialState(input: { runId: string; userId: string; runInput: unknown }): Record<string, unknown>;
  /** The final state → the run's result. */
  result(state: Record<string, unknown>): Record<string, unknown>;
}

export const defineWorkflow = (def: WorkflowDef): WorkflowDef => def;

export const nodeNames = (def: WorkflowDef): string[] => def.nodes.map((n) => n.name);

/** What the engine knows about an execution when it starts work on it. */
export interface ExecutionSnapshot {
  executionId: string;
  runId: string;
  userId: string;
  kind: WorkflowKind;
  status: "pending" | "running" | "completed" | "failed" | "cancelled";
  runInput: unknown;
  /** Outputs of nodes that already finished, by node name. */
  checkpoints: Record<string, Record<string, unknown>>;
}

/**
 * Where the engine records progress. Implemented by packages/db; every call
 * is one transaction, so a checkpoint and the progress it implies are never
 * seen apart.
 */
export interface CheckpointStore {
  load(executionId: string): Promise<ExecutionSnapshot | null>;
  markRunning(executionId: string, attempt: number): Promise<void>;
  nodeStarted(input: { executionId: string; node: string; position: number; attempt: number }): Promise<void>;
  nodeCompleted(input: {
    executionId: string;
    node: string;
    position: number;
    attempt: number;
    output: Record<string, unknown>;
    progress: number;
    /** Model tokens the node used (added to the execution's total). */
    tokensUsed?: number;
  }): Promise<void>;
  nodeFailed(input: {
    executionId: string;
    node: string;
    attempt: number;
    error: ErrorInfo;
    final: boolean;
    /** Model tokens the failed attempt used (they were spent all the same). */
    tokensUsed?: number;
  }): Promise<void>;
  completed(input: { executionId: string; result: Record<string, unknown> }): Promise<void>;
}

export interface ExecuteOptions {
  executionId: string;
  store: CheckpointStore;
  ports: Ports;
  /** 1-based number of this attempt at the execution. */
  attempt: number;
  /** True when a retryable failure now must fail the execution for good. */
  isFinalAttempt: boolean;
  signal?: AbortSignal;
}

export type ExecuteOutcome =
  | { status: "completed"; result: Record<string, unknown>; executedNodes: string[] }
  | { status: "skipped"; reason: string };

const TERMINAL = new Set(["completed", "failed", "cancelled"]);

/**
 * Runs a workflow's nodes in order. Nodes whose checkpoint exists are not run
 * again: their stored output is merged into the state instead, so a retried or
 * recovered execution resumes at the first unfinished node.
 */
export const executeWorkflow = async (
  workflows: Record<WorkflowKind, WorkflowDef>,
  opts: ExecuteOptions,
): Promise<ExecuteOutcome> => {
  const { store, executionId, ports } = opts;
  const snap = await store.load(executionId);
  if (!snap) return { status: "skipped", reason: "execution not found" };
  if (TERMINAL.has(snap.status)) return { status: "skipped", reason: `execution is ${snap.status}` };
  const def = workflows[snap.kind];
  await store.markRunning(executionId, opts.attempt);

  let state = def.initialState({ runId: snap.runId, userId: snap.userId, runInput: snap.runInput });
  const executed: string[] = [];
  const signal = opts.signal ?? new AbortController().signal;
  const total = def.nodes.length;

  for (const [position, node] of def.nodes.entries()) {
    const saved = snap.checkpoints[node.name];
    if (saved) {
      state = { ...state, ...saved };
      continue;
    }
    await store.nodeStarted({ executionId, node: node.name, position, attempt: opts.attempt });
    const ids = { runId: snap.runId, executionId, node: node.name, attempt: opts.attempt };
    const startedAt = ports.clock.now().getTime();
    ports.log.info("node started", ids);
    let output: Record<string, unknown>;
    let tokensUsed = 0;
    const onUsage = (u: TokenUsage): void => {
      const n = Math.max(0, Math.round(u.promptTokens)) + Math.max(0, Math.round(u.completionTokens));
      if (Number.isFinite(n)) tokensUsed += n;
    };
    try {
      const input = parseOrThrow(node.input, state, `${node.name} input`);
      const raw = await node.run(input, {
        ports,
        runId: snap.runId,
        userId: snap.userId,
        executionId,
        attempt: opts.attempt,
        signal,
        call: { signal, onUsage },
      });
      output = parseOrThrow(node.output, raw, `${node.name} output`);
    } catch (err) {
      const error = toErrorInfo(err);
      const final = error.permanent || opts.isFinalAttempt;
      ports.log.warn("node failed", { ...ids, ms: ports.clock.now().getTime() - startedAt, final, error: error.message });
      await store.nodeFailed({ executionId, node: node.name, attempt: opts.attempt, error, final, ...(tokensUsed > 0 ? { tokensUsed } : {}) });
      throw err;
    }
    const progress = Math.round(((position + 1) / total) * 100);
    await store.nodeCompleted({
      executionId,
      node: node.name,
      position,
      attempt: opts.attempt,
      output,
      progress,
      ...(tokensUsed > 0 ? { tokensUsed } : {}),
    });
    ports.log.info("node finished", { ...ids, ms: ports.clock.now().getTime() - startedAt });
    executed.push(node.name);
    state = { ...state, ...output };
  }

  const result = def.result(state);
  await store.completed({ executionId, result });
  return { status: "completed", result, executedNodes: executed };
};

const parseOrThrow = <T>(schema: z.ZodType<T>, value: unknown, what: string): T => {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
      .join("; ");
    throw new PermanentError(`${what} is invalid: ${detail}`, "invalid_node_data");
  }
  return parsed.data;
};
