import { PermanentError, RetryableError, toErrorInfo, type ErrorInfo } from "@job-agent/shared/errors";
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
  runInput: unknown;
  /**
   * Outputs of nodes that already finished, by node name: this execution's,
   * and for a retried run those of its earlier executions (the latest per node).
   */
  checkpoints: Record<string, Record<string, unknown>>;
}

/** What `claim` hands back: the attempt that now owns the execution and what it needs to run. */
export interface ExecutionClaim {
  /** Monotonic per execution (1, 2, …): every later write is fenced with it. */
  attempt: number;
  /** The execution's first start; the run's overall time limit counts from here. */
  startedAt: Date;
  snapshot: ExecutionSnapshot;
  /** The run's cancellation has been asked for. */
  cancelRequested: boolean;
  /** The node the claim marked started (the first without a checkpoint); null when none was. */
  started: string | null;
}

/** A node's checkpoint, as written at the boundary after it. */
export interface CompletedNode {
  node: string;
  position: number;
  output: Record<string, unknown>;
  progress: number;
  /** Model tokens the node used (added to the execution's total). */
  tokensUsed?: number;
}

/**
 * Thrown by the store when a write comes from an attempt that no longer owns
 * the execution (another worker took the job over and claimed a newer
 * attempt, or the execution has finished). The write changed nothing.
 */
export class StaleAttemptError extends Error {
  readonly retryable = false;
  readonly code = "stale_attempt";
  constructor(executionId: string, attempt: number) {
    super(`attempt ${attempt} no longer owns execution ${executionId}`);
    this.name = "StaleAttemptError";
  }
}

export const isStaleAttempt = (err: unknown): boolean =>
  err instanceof StaleAttemptError || (err instanceof Error && err.name === "StaleAttemptError");

/** A node past its time limit: a retryable failure of this attempt. */
export class NodeTimeoutError extends RetryableError {
  readonly code = "node_timeout";
  constructor(node: string, limitMs: number) {
    super(`${node} exceeded its time limit of ${limitMs} ms`);
    this.name = "NodeTimeoutError";
  }
}

/** A run past its overall time limit: fails for good. */
export class RunTimeoutError extends PermanentError {
  constructor(limitMs: number) {
    super(`the run exceeded its time limit of ${Math.round(limitMs / 1000)} s`, "run_timeout");
    this.name = "RunTimeoutError";
  }
}

/** Why a node's signal was aborted when the run was cancelled. */
export class RunCancelledError extends Error {
  constructor() {
    super("the run was cancelled");
    this.name = "RunCancelledError";
  }
}

/**
 * An error that asks for the work to be tried again later without counting as
 * a failed attempt (a provider's rate limit): it carries `retryAfterMs`. The
 * queue layer reschedules the job; the engine never makes it final.
 */
export const isDeferral = (err: unknown): err is Error & { retryAfterMs: number } =>
  err instanceof Error && typeof (err as { retryAfterMs?: unknown }).retryAfterMs === "number";

/**
 * Where the engine records progress. Implemented by packages/db; every call
 * is one transaction (calls from concurrent executions may share one), so a
 * checkpoint, the progress it implies and its events are never seen apart.
 * A node boundary is one call: the node that finished is checkpointed and
 * the next one marked started. Every write after `claim` carries the attempt
 * it returned and changes nothing (throwing StaleAttemptError) once a newer
 * attempt owns the execution.
 */
export interface CheckpointStore {
  /**
   * Claims the execution for a new attempt (its attempt counter + 1), marks it
   * running, reads its run and checkpoints, and marks started the first node
   * without a checkpoint (of `nodes[kind]`, the workflows' node names) unless
   * the run's cancellation was asked for; null when the execution has
   * finished meanwhile or does not exist. `queueAttempt` is the queue's own
   * attempt number, for the record only.
   */
  claim(input: { executionId: string; queueAttempt?: number; nodes: Record<WorkflowKind, string[]> }): Promise<ExecutionClaim | null>;
  /**
   * A node boundary: `completed` is checkpointed and `next` marked started,
   * unless the run's cancellation was asked for (then `started` is false).
   */
  advance(input: {
    executionId: string;
    attempt: number;
    completed?: CompletedNode;
    next?: { node: string; position: number };
  }): Promise<{ cancelRequested: boolean; started: boolean }>;
  /**
   * The last boundary: `completed` is checkpointed and the execution and its
   * run complete with `result`. `attempt` omitted: any attempt that finds the
   * execution running (callers outside the engine).
   */
  finish(input: { executionId: string; attempt?: number; completed?: CompletedNode; result: Record<string, unknown> }): Promise<void>;
  /** True once the run's cancellation has been requested (polled while a node runs). */
  cancelRequested(executionId: string): Promise<boolean>;
  nodeFailed(input: {
    executionId: string;
    node: string;
    attempt: number;
    error: ErrorInfo;
    final: boolean;
    /** Model tokens the failed attempt used (they were spent all the same). */
    tokensUsed?: number;
  }): Promise<void>;
  /** The execution and its run become `cancelled` (the running node, if named, too). */
  cancelled(input: { executionId: string; attempt: number; node?: string }): Promise<void>;
  /** The execution and its run fail for good outside any node's failure (past the run's time limit); a named running node fails too. */
  failed(input: { executionId: string; attempt: number; error: ErrorInfo; node?: string }): Promise<void>;
}

/** Time limits and how often a running node looks for a cancellation. */
export interface ExecutionLimits {
  /** A node's time limit by node name (ms). Default: 120 s for every node. */
  nodeTimeoutMs?: (node: string) => number;
  /** The run's overall limit, from the execution's first start (ms). Default 30 min. */
  runTimeoutMs?: number;
  /** How often a running node checks whether the run was cancelled (ms). Default 1 s. */
  cancelPollMs?: number;
}

export const DEFAULT_NODE_TIMEOUT_MS = 120_000;
export const DEFAULT_RUN_TIMEOUT_MS = 30 * 60_000;
export const DEFAULT_CANCEL_POLL_MS = 1_000;

export interface ExecuteOptions {
  executionId: string;
  store: CheckpointStore;
  ports: Ports;
  /** 1-based number of the queue's attempt at the job (the fencing attempt comes from the store). */
  attempt: number;
  /** True when a retryable failure now must fail the execution for good. */
  isFinalAttempt: boolean;
  signal?: AbortSignal;
  /**
   * Aborted when the worker is stopping: the engine lets the running node
   * finish, then stops at the next node boundary (outcome `yielded`), so the
   * job can be handed to another worker and resume from its checkpoints.
   */
  yieldSignal?: AbortSignal;
  limits?: ExecutionLimits;
}

export type ExecuteOutcome =
  | { status: "completed"; result: Record<string, unknown>; executedNodes: string[]; attempt: number }
  | { status: "cancelled"; executedNodes: string[]; attempt: number; node: string | null }
  | { status: "yielded"; executedNodes: string[]; attempt: number; nextNode: string }
  | { status: "skipped"; reason: string };

/** Every workflow's node names in order, by kind: what `claim` needs to mark the first node started. */
const nodeNamesByKind = (workflows: Record<WorkflowKind, WorkflowDef>): Record<WorkflowKind, string[]> => ({
  profiling: nodeNames(workflows.profiling),
  job_search: nodeNames(workflows.job_search),
});

/**
 * Runs a workflow's nodes in order. Nodes whose checkpoint exists are not run
 * again: their stored output is merged into the state instead, so a retried or
 * recovered execution resumes at the first unfinished node.
 *
 * Each node boundary is one write (the node's checkpoint and the next node's
 * start), which also tells whether the run's cancellation was asked for; while
 * a node runs that is polled, and a cancelled run aborts the node's signal and
 * ends `cancelled`. Each node has a time limit (its signal is aborted and the
 * attempt fails, retryably) and the run has an overall one (it fails for
 * good). A node that ignores its signal is abandoned all the same: its late
 * result is dropped.
 */
export const executeWorkflow = async (
  workflows: Record<WorkflowKind, WorkflowDef>,
  opts: ExecuteOptions,
): Promise<ExecuteOutcome> => {
  const { store, executionId, ports } = opts;
  const nodeTimeoutMs = opts.limits?.nodeTimeoutMs ?? (() => DEFAULT_NODE_TIMEOUT_MS);
  const runTimeoutMs = opts.limits?.runTimeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
  const cancelPollMs = opts.limits?.cancelPollMs ?? DEFAULT_CANCEL_POLL_MS;
  // The claim and the read of the checkpoints are one transaction: once it has committed no older
  // attempt can write, so the snapshot holds every node that will ever be completed outside this attempt.
  const claim = await store.claim({ executionId, queueAttempt: opts.attempt, nodes: nodeNamesByKind(workflows) });
  if (!claim) return { status: "skipped", reason: "execution not found or already finished" };
  const snap = claim.snapshot;
  const def = workflows[snap.kind];
  const { attempt } = claim;
  const deadline = claim.startedAt.getTime() + runTimeoutMs;
  const now = () => ports.clock.now().getTime();
  /** The node this attempt has marked started and not yet finished. */
  let running = claim.started;
  let cancel = claim.cancelRequested;

  let state = def.initialState({ runId: snap.runId, userId: snap.userId, runInput: snap.runInput });
  const executed: string[] = [];
  const outer = opts.signal ?? new AbortController().signal;
  const total = def.nodes.length;
  const toRun = (from: number): number => def.nodes.findIndex((n, i) => i >= from && !snap.checkpoints[n.name]);

  for (let position = 0; position < total; position++) {
    const node = def.nodes[position]!;
    const saved = snap.checkpoints[node.name];
    if (saved) {
      state = { ...state, ...saved };
      continue;
    }
    const ids = { runId: snap.runId, executionId, node: node.name, attempt };
    if (opts.yieldSignal?.aborted) {
      ports.log.info("execution yielded at a node boundary", ids);
      return { status: "yielded", executedNodes: executed, attempt, nextNode: node.name };
    }
    if (cancel) {
      await store.cancelled({ executionId, attempt, ...(running ? { node: running } : {}) });
      ports.log.info("run cancelled", ids);
      return { status: "cancelled", executedNodes: executed, attempt, node: null };
    }
    const remaining = deadline - now();
    if (remaining <= 0) {
      const err = new RunTimeoutError(runTimeoutMs);
      await store.failed({ executionId, attempt, error: { ...toErrorInfo(err) }, ...(running ? { node: running } : {}) });
      throw err;
    }
    if (running !== node.name) {
      // Not started by the last write (it should have been): start it now. Only a cancellation keeps it from starting.
      const r = await store.advance({ executionId, attempt, next: { node: node.name, position } });
      if (!r.started) {
        await store.cancelled({ executionId, attempt });
        ports.log.info("run cancelled", ids);
        return { status: "cancelled", executedNodes: executed, attempt, node: null };
      }
      running = node.name;
    }
    const nodeLimit = Math.max(1, nodeTimeoutMs(node.name));
    const limitMs = Math.min(nodeLimit, remaining);
    const startedAt = now();
    ports.log.info("node started", ids);
    let output: Record<string, unknown>;
    let tokensUsed = 0;
    const onUsage = (u: TokenUsage): void => {
      const n = Math.max(0, Math.round(u.promptTokens)) + Math.max(0, Math.round(u.completionTokens));
      if (Number.isFinite(n)) tokensUsed += n;
    };
    const guard = guardNode({
      outer,
      limitMs,
      onTimeout: () => (limitMs < nodeLimit ? new RunTimeoutError(runTimeoutMs) : new NodeTimeoutError(node.name, nodeLimit)),
      cancelPollMs,
      cancelRequested: () => store.cancelRequested(executionId),
    });
    try {
      const input = parseOrThrow(node.input, state, `${node.name} input`);
      const raw = await guard.run(() =>
        node.run(input, {
          ports,
          runId: snap.runId,
          userId: snap.userId,
          executionId,
          attempt,
          signal: guard.signal,
          call: { signal: guard.signal, onUsage },
        }),
      );
      output = parseOrThrow(node.output, raw, `${node.name} output`);
    } catch (err) {
      if (err instanceof RunCancelledError) {
        await store.cancelled({ executionId, attempt, node: node.name });
        ports.log.info("run cancelled", { ...ids, ms: now() - startedAt });
        return { status: "cancelled", executedNodes: executed, attempt, node: node.name };
      }
      if (isStaleAttempt(err)) throw err;
      const error = toErrorInfo(err);
      const deferred = isDeferral(err);
      const final = !deferred && (error.permanent || opts.isFinalAttempt);
      ports.log.warn("node failed", { ...ids, ms: now() - startedAt, final, deferred, error: error.message });
      await store.nodeFailed({ executionId, node: node.name, attempt, error, final, ...(tokensUsed > 0 ? { tokensUsed } : {}) });
      throw err;
    } finally {
      guard.dispose();
    }
    executed.push(node.name);
    state = { ...state, ...output };
    const completed: CompletedNode = {
      node: node.name,
      position,
      output,
      progress: Math.round(((position + 1) / total) * 100),
      ...(tokensUsed > 0 ? { tokensUsed } : {}),
    };
    const next = toRun(position + 1);
    if (next < 0) {
      // the last node to run: its checkpoint and the run's completion are one write
      for (const later of def.nodes.slice(position + 1)) state = { ...state, ...snap.checkpoints[later.name] };
      const result = def.result(state);
      await store.finish({ executionId, attempt, completed, result });
      ports.log.info("node finished", { ...ids, ms: now() - startedAt });
      return { status: "completed", result, executedNodes: executed, attempt };
    }
    // A stopping worker or a run past its limit starts no further node; the checks at the top say why.
    const nextNode = def.nodes[next]!;
    const startNext = !opts.yieldSignal?.aborted && deadline - now() > 0;
    const r = await store.advance({ executionId, attempt, completed, ...(startNext ? { next: { node: nextNode.name, position: next } } : {}) });
    cancel = r.cancelRequested;
    running = r.started ? nextNode.name : null;
    ports.log.info("node finished", { ...ids, ms: now() - startedAt });
  }

  // Every node had its checkpoint already (a retry of a run that had finished its work).
  const result = def.result(state);
  await store.finish({ executionId, attempt, result });
  return { status: "completed", result, executedNodes: executed, attempt };
};

/**
 * A node's own abort signal: aborted by its time limit, by a cancellation
 * (polled), or by the caller's signal. `run` settles as soon as the signal is
 * aborted, with its reason, whether or not the node's work listens to it.
 * Timers only: the node's work is never blocked on.
 */
const guardNode = (o: {
  outer: AbortSignal;
  limitMs: number;
  onTimeout: () => Error;
  cancelPollMs: number;
  cancelRequested: () => Promise<boolean>;
}) => {
  const ctrl = new AbortController();
  const abort = (reason: unknown): void => {
    if (!ctrl.signal.aborted) ctrl.abort(reason);
  };
  const onOuter = (): void => abort(o.outer.reason);
  if (o.outer.aborted) onOuter();
  else o.outer.addEventListener("abort", onOuter, { once: true });
  const timer = setTimeout(() => abort(o.onTimeout()), o.limitMs);
  let polling = false;
  const poll = setInterval(() => {
    if (polling || ctrl.signal.aborted) return;
    polling = true;
    o.cancelRequested()
      .then((yes) => {
        if (yes) abort(new RunCancelledError());
      })
      .catch(() => undefined)
      .finally(() => {
        polling = false;
      });
  }, o.cancelPollMs);
  const aborted = new Promise<never>((_, reject) => {
    const fire = (): void => reject(ctrl.signal.reason instanceof Error ? ctrl.signal.reason : new Error(String(ctrl.signal.reason)));
    if (ctrl.signal.aborted) fire();
    else ctrl.signal.addEventListener("abort", fire, { once: true });
  });
  aborted.catch(() => undefined);
  return {
    signal: ctrl.signal,
    run: <T>(work: () => Promise<T>): Promise<T> => Promise.race([Promise.resolve().then(work), aborted]),
    dispose: (): void => {
      clearTimeout(timer);
      clearInterval(poll);
      o.outer.removeEventListener("abort", onOuter);
    },
  };
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
