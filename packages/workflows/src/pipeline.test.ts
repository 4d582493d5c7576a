import { PermanentError, RetryableError, type ErrorInfo } from "@job-agent/shared/errors";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  NodeTimeoutError,
  RunTimeoutError,
  StaleAttemptError,
  defineNode,
  defineWorkflow,
  executeWorkflow,
  type CheckpointStore,
  type ExecuteOptions,
  type NodeContext,
  type WorkflowDef,
  type WorkflowKind,
} from "./pipeline.js";
import type { Ports } from "./ports.js";

const log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A store in memory that records every write, with the attempt fence of the real one. */
const memoryStore = (opts: { checkpoints?: Record<string, Record<string, unknown>>; startedAt?: Date; cancelAfterWrites?: number } = {}) => {
  const calls: string[] = [];
  let owner = 0;
  let writes = 0;
  let cancel = false;
  const failures: { node: string; error: ErrorInfo; final: boolean }[] = [];
  const fence = (attempt: number | undefined) => {
    if (attempt !== undefined && attempt < owner) throw new StaleAttemptError("e", attempt);
  };
  /** Whether the run's cancellation has been asked for, as the next write sees it. */
  const cancelled = () => cancel || (opts.cancelAfterWrites !== undefined && writes++ >= opts.cancelAfterWrites);
  const checkpoints = opts.checkpoints ?? {};
  const store: CheckpointStore = {
    claim: ({ nodes }) => {
      owner++;
      const c = cancelled();
      const started = c ? null : (nodes.profiling.find((n) => !checkpoints[n]) ?? null);
      if (started) calls.push(`started ${started}`);
      const snapshot = { executionId: "e", runId: "r", userId: "u", kind: "profiling" as const, runInput: {}, checkpoints };
      return Promise.resolve({ attempt: owner, startedAt: opts.startedAt ?? new Date(), snapshot, cancelRequested: c, started });
    },
    advance: ({ attempt, completed, next }) => {
      fence(attempt);
      if (completed) calls.push(`completed ${completed.node}`);
      const c = cancelled();
      if (next && !c) calls.push(`started ${next.node}`);
      return Promise.resolve({ cancelRequested: c, started: next !== undefined && !c });
    },
    finish: ({ attempt, completed }) => {
      fence(attempt);
      if (completed) calls.push(`completed ${completed.node}`);
      calls.push("run completed");
      return Promise.resolve();
    },
    cancelRequested: () => Promise.resolve(cancel),
    nodeFailed: ({ node, error, final, attempt }) => (fence(attempt), calls.push(`failed ${node}`), failures.push({ node, error, final }), Promise.resolve()),
    cancelled: ({ node, attempt }) => (fence(attempt), calls.push(`cancelled ${node ?? "-"}`), Promise.resolve()),
    failed: ({ error, attempt, node }) => (fence(attempt), calls.push(`run failed ${error.code ?? ""} ${node ?? "-"}`), Promise.resolve()),
  };
  return {
    store,
    calls,
    failures,
    requestCancel: () => {
      cancel = true;
    },
    takeOver: () => {
      owner++;
    },
  };
};

const ports = { llm: {}, sources: [], clock: { now: () => new Date() }, log } as unknown as Ports;

/** A workflow of three nodes; the middle one does what the test says. */
const flow = (middle: (ctx: NodeContext) => Promise<Record<string, unknown>>): Record<WorkflowKind, WorkflowDef> => {
  const step = (name: string, run: (ctx: NodeContext) => Promise<Record<string, unknown>>) =>
    defineNode({ name, input: z.object({}).loose(), output: z.object({}).loose(), run: (_i, ctx) => run(ctx) });
  const def = defineWorkflow({
    kind: "profiling",
    nodes: [step("First", () => Promise.resolve({ first: 1 })), step("Middle", middle), step("Last", () => Promise.resolve({ last: 1 }))],
    initialState: () => ({}),
    result: (s) => s,
  });
  return { profiling: def, job_search: def };
};

const run = (wf: Record<WorkflowKind, WorkflowDef>, store: CheckpointStore, over: Partial<ExecuteOptions> = {}) =>
  executeWorkflow(wf, { executionId: "e", store, ports, attempt: 1, isFinalAttempt: false, ...over });

/** Resolves when the signal is aborted; never otherwise (a node that listens to its signal). */
const untilAborted = (signal: AbortSignal) => new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted by signal"))));

describe("the engine", () => {
  it("stops before the next node once the run's cancellation is requested, without running it", async () => {
    const m = memoryStore({ cancelAfterWrites: 1 });
    let middleRan = false;
    const out = await run(flow(() => ((middleRan = true), Promise.resolve({}))), m.store);
    expect(out).toMatchObject({ status: "cancelled", node: null, executedNodes: ["First"] });
    expect(middleRan).toBe(false);
    expect(m.calls).toEqual(["started First", "completed First", "cancelled -"]);
  });

  it("aborts a running node's signal when the run is cancelled, and records the run cancelled", async () => {
    const m = memoryStore();
    let seen: AbortSignal | undefined;
    const wf = flow((ctx) => {
      seen = ctx.call.signal;
      setTimeout(m.requestCancel, 30);
      return untilAborted(ctx.signal);
    });
    const out = await run(wf, m.store, { limits: { cancelPollMs: 10 } });
    expect(out).toMatchObject({ status: "cancelled", node: "Middle" });
    expect(seen?.aborted).toBe(true);
    expect(m.calls).toEqual(["started First", "completed First", "started Middle", "cancelled Middle"]);
  });

  it("aborts a node past its time limit and fails the attempt retryably, even when the node ignores its signal", async () => {
    const m = memoryStore();
    let seen: AbortSignal | undefined;
    const wf = flow((ctx) => ((seen = ctx.signal), new Promise<never>(() => undefined)));
    const err = await run(wf, m.store, { limits: { nodeTimeoutMs: (n) => (n === "Middle" ? 40 : 5_000) } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NodeTimeoutError);
    expect(err).toBeInstanceOf(RetryableError);
    expect(seen?.aborted).toBe(true);
    expect(m.failures).toEqual([{ node: "Middle", final: false, error: expect.objectContaining({ code: "node_timeout", permanent: false, message: "Middle exceeded its time limit of 40 ms" }) }]);
  });

  it("fails the run for good once it is past its overall limit, before or during a node", async () => {
    const before = memoryStore({ startedAt: new Date(Date.now() - 10_000), checkpoints: { First: {} } });
    await expect(run(flow(() => Promise.resolve({})), before.store, { limits: { runTimeoutMs: 5_000 } })).rejects.toBeInstanceOf(RunTimeoutError);
    // the claim had marked Middle started; it fails with the run
    expect(before.calls).toEqual(["started Middle", "run failed run_timeout Middle"]);

    const during = memoryStore();
    const err = await run(flow((ctx) => untilAborted(ctx.signal)), during.store, { limits: { runTimeoutMs: 60, nodeTimeoutMs: () => 5_000 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunTimeoutError);
    expect(err).toBeInstanceOf(PermanentError);
    expect(during.failures).toEqual([{ node: "Middle", final: true, error: expect.objectContaining({ code: "run_timeout", permanent: true }) }]);
  });

  it("never makes a deferral (a provider's rate limit) final, even on the last attempt", async () => {
    const m = memoryStore();
    const limited = Object.assign(new RetryableError("llm is over its rate limit"), { retryAfterMs: 500 });
    const err = await run(flow(() => Promise.reject(limited)), m.store, { isFinalAttempt: true }).catch((e: unknown) => e);
    expect(err).toBe(limited);
    expect(m.failures).toEqual([{ node: "Middle", final: false, error: expect.objectContaining({ message: "llm is over its rate limit" }) }]);
  });

  it("stops at the next node boundary when the worker is stopping, after the running node finished", async () => {
    const m = memoryStore();
    const stopping = new AbortController();
    const wf = flow(async () => {
      stopping.abort();
      await new Promise((r) => setTimeout(r, 20));
      return { middle: 1 };
    });
    const out = await run(wf, m.store, { yieldSignal: stopping.signal });
    expect(out).toMatchObject({ status: "yielded", nextNode: "Last", executedNodes: ["First", "Middle"] });
    expect(m.calls).toEqual(["started First", "completed First", "started Middle", "completed Middle"]);
  });

  it("stops writing once a newer attempt owns the execution", async () => {
    const m = memoryStore();
    const wf = flow(() => (m.takeOver(), Promise.resolve({})));
    await expect(run(wf, m.store)).rejects.toBeInstanceOf(StaleAttemptError);
    expect(m.calls).toEqual(["started First", "completed First", "started Middle"]);
  });

  it("resumes after the nodes whose checkpoints exist, merging their outputs", async () => {
    const m = memoryStore({ checkpoints: { First: { first: 7 }, Middle: { middle: 8 } } });
    const out = await run(flow(() => Promise.reject(new Error("must not run"))), m.store);
    expect(out).toMatchObject({ status: "completed", executedNodes: ["Last"], result: { first: 7, middle: 8, last: 1 } });
    expect(m.calls).toEqual(["started Last", "completed Last", "run completed"]);
  });

  it("writes once per node boundary: a checkpoint and the next node's start together, the last with the run's completion", async () => {
    const m = memoryStore();
    const out = await run(flow(() => Promise.resolve({ middle: 1 })), m.store);
    expect(out).toMatchObject({ status: "completed", executedNodes: ["First", "Middle", "Last"], result: { first: 1, middle: 1, last: 1 } });
    expect(m.calls).toEqual(["started First", "completed First", "started Middle", "completed Middle", "started Last", "completed Last", "run completed"]);
  });

  it("cancels before the first node when the cancellation was asked for before the claim", async () => {
    const m = memoryStore({ cancelAfterWrites: 0 });
    const out = await run(flow(() => Promise.reject(new Error("must not run"))), m.store);
    expect(out).toMatchObject({ status: "cancelled", node: null, executedNodes: [] });
    expect(m.calls).toEqual(["cancelled -"]);
  });
});
