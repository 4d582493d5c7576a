import { ENDPOINT_GONE, endpointDisabledAt, failExecution, getRunForDelivery, recordDelivery, type Db } from "@job-agent/db";
import { QUEUES, type ExecutionJob, type Handlers, type JobContext, type Producer } from "@job-agent/queue";
import {
  RetryableError,
  WEBHOOK_RETRY,
  isPermanentError,
  postWebhook,
  toErrorInfo,
  webhookRetryDelayMs,
  type Logger,
  type WebhookOutbound,
  type WebhookRetryPolicy,
} from "@job-agent/shared";
import { executeWorkflow, isDeferral, isStaleAttempt, workflows, type ExecutionLimits, type Ports } from "@job-agent/workflows";
import type { CheckpointStore } from "@job-agent/workflows";

export interface HandlerDeps {
  db: Db;
  store: CheckpointStore;
  ports: Ports;
  producer: Producer;
  log: Logger;
  webhookTimeoutMs: number;
  /** Where webhooks may go (OUTBOUND_ALLOW_PRIVATE_HOSTS, https only in production). Default: public addresses only. */
  outbound?: WebhookOutbound;
  /** How failed webhook attempts are retried (default: about a day, WEBHOOK_RETRY). */
  webhookRetry?: WebhookRetryPolicy;
  /** Node and run time limits, cancellation polling (defaults: see ExecutionLimits). */
  limits?: ExecutionLimits;
}

/** Hands the job back to the queue at once, without a failed attempt (the worker is stopping). */
class HandBackError extends Error {
  readonly retryAfterMs = 0;
  constructor() {
    super("the worker is stopping; the execution resumes on another worker");
    this.name = "HandBackError";
  }
}

/** Wires each queue to what runs its jobs. */
export const createHandlers = ({
  db,
  store,
  ports,
  producer,
  log,
  webhookTimeoutMs,
  outbound = { allowPrivateHosts: [], httpsOnly: false },
  webhookRetry = WEBHOOK_RETRY,
  limits,
}: HandlerDeps): Handlers => {
  const runExecution = async (job: JobContext<ExecutionJob>): Promise<void> => {
    const { executionId, runId } = job.data;
    // A run created without a webhook has nothing to deliver (jobs that do not say are asked for anyway).
    const deliver = () => (job.data.webhook === false ? Promise.resolve() : requestDelivery(runId, executionId));
    let outcome: Awaited<ReturnType<typeof executeWorkflow>>;
    try {
      outcome = await executeWorkflow(workflows, {
        executionId,
        store,
        ports,
        attempt: job.attempt,
        isFinalAttempt: job.isFinalAttempt,
        yieldSignal: job.stopping,
        ...(limits ? { limits } : {}),
      });
    } catch (err) {
      if (isStaleAttempt(err)) {
        // Another worker took the job over (this one lost its lock); its attempt owns the execution now.
        log.warn("execution superseded by a newer attempt", { runId, executionId, jobId: job.id, error: (err as Error).message });
        return;
      }
      if (isDeferral(err)) throw err;
      if (isPermanentError(err) || job.isFinalAttempt) {
        // The engine has already recorded the failure; make sure of it (it may have died before a node ran).
        await failExecution(db, executionId, toErrorInfo(err)).catch(() => undefined);
        await deliver();
      }
      throw err;
    }
    log.info("execution finished", { runId, executionId, jobId: job.id, attempt: job.attempt, outcome: outcome.status });
    if (outcome.status === "yielded") throw new HandBackError();
    await deliver();
  };

  const finished = (status: string) => status === "completed" || status === "failed" || status === "cancelled";
  // Per execution: a retried run's new execution has webhooks of its own. Jobs queued before executions were named keep the run-wide ids.
  const attemptJobId = (runId: string, executionId: string | undefined, attempt: number) =>
    executionId ? `delivery-${runId}-${executionId}-${attempt}` : `delivery-${runId}-${attempt}`;

  /**
   * A delivery job without an attempt number asks for the webhook of a run's
   * execution: once the run has finished it becomes attempt 1. Each attempt
   * is a job of its own (`delivery-<run>-<execution>-<n>`, so enqueueing one
   * twice is a no-op) and each retry is a delayed job with exponential
   * backoff and jitter; every attempt of one execution carries the same
   * `webhook-id` (`msg_<execution>`). The receiver's answer never touches the
   * run: only WebhookDelivery rows are written.
   */
  const deliver: Handlers["delivery"] = async (job) => {
    const run = await getRunForDelivery(db, job.data.runId);
    if (!run?.webhookUrl) return;
    const n = job.data.attempt;
    const executionId = job.data.executionId;
    const ids = { runId: run.runId, ...(executionId ? { executionId } : {}) };
    if (n === undefined) {
      // Before the run has finished there is nothing to send yet; the worker asks again when it finishes.
      if (finished(run.status)) await producer.enqueue(QUEUES.delivery, { ...ids, attempt: 1 }, { jobId: attemptJobId(run.runId, executionId, 1) });
      return;
    }
    if (!finished(run.status)) throw new RetryableError(`run ${run.runId} is ${run.status}; delivery waits for it to finish`);
    const event = `run.${run.status}`;
    const webhookId = executionId ? `msg_${executionId}` : `msg_${run.runId}`;
    const base = { runId: run.runId, userId: run.userId, webhookId, event, url: run.webhookUrl, attempt: n };

    const disabledAt = await endpointDisabledAt(db, run.userId, run.webhookUrl);
    if (disabledAt) {
      await recordDelivery(db, { ...base, status: "skipped", responseStatus: null, error: `endpoint disabled after a 410 answer at ${disabledAt.toISOString()}`, durationMs: null });
      log.info("webhook skipped: endpoint disabled", { runId: run.runId, attempt: n });
      return;
    }

    const sent = await postWebhook({
      url: run.webhookUrl,
      secret: run.webhookSecret,
      webhookId,
      timeoutMs: webhookTimeoutMs,
      outbound,
      body: {
        type: event,
        timestamp: new Date().toISOString(),
        data: { runId: run.runId, kind: run.kind, status: run.status, completedAt: run.completedAt?.toISOString() ?? null, result: run.result, error: run.error },
      },
    });
    const gone = sent.status === 410;
    await recordDelivery(db, {
      ...base,
      status: sent.ok ? "succeeded" : "failed",
      responseStatus: sent.status,
      error: gone ? ENDPOINT_GONE : sent.error,
      durationMs: sent.durationMs,
    });
    log.info("webhook attempt", { runId: run.runId, attempt: n, ok: sent.ok, status: sent.status });
    if (sent.ok || gone) return;
    if (n >= webhookRetry.attempts) {
      log.warn("webhook given up", { runId: run.runId, attempts: n });
      return;
    }
    const delayMs = webhookRetryDelayMs(n + 1, webhookRetry);
    await producer.enqueue(QUEUES.delivery, { ...ids, attempt: n + 1 }, { jobId: attemptJobId(run.runId, executionId, n + 1), delayMs });
  };

  /** Asks for the webhook of the run's execution once it has finished (idempotent per execution). */
  const requestDelivery = (runId: string, executionId: string) =>
    producer.enqueue(QUEUES.delivery, { runId, executionId }, { jobId: `delivery-${runId}-${executionId}-finished` }).catch((err: unknown) => {
      log.warn("delivery request not queued", { runId, executionId, error: err instanceof Error ? err.message : String(err) });
    });

  return { [QUEUES.profiling]: runExecution, [QUEUES.jobSearch]: runExecution, [QUEUES.delivery]: deliver };
};
