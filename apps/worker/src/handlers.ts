import { failExecution, getRunForDelivery, recordDelivery, type Db } from "@job-agent/db";
import { QUEUES, type ExecutionJob, type Handlers, type JobContext, type Producer } from "@job-agent/queue";
import { RetryableError, isPermanentError, postWebhook, toErrorInfo, type Logger } from "@job-agent/shared";
import { executeWorkflow, workflows, type Ports } from "@job-agent/workflows";
import type { CheckpointStore } from "@job-agent/workflows";

export interface HandlerDeps {
  db: Db;
  store: CheckpointStore;
  ports: Ports;
  producer: Producer;
  log: Logger;
  webhookTimeoutMs: number;
}

/** Wires each queue to what runs its jobs. */
export const createHandlers = ({ db, store, ports, producer, log, webhookTimeoutMs }: HandlerDeps): Handlers => {
  const runExecution = async (job: JobContext<ExecutionJob>): Promise<void> => {
    const { executionId, runId } = job.data;
    try {
      const outcome = await executeWorkflow(workflows, {
        executionId,
        store,
        ports,
        attempt: job.attempt,
        isFinalAttempt: job.isFinalAttempt,
      });
      log.info("execution finished", { runId, executionId, jobId: job.id, attempt: job.attempt, outcome: outcome.status });
    } catch (err) {
      if (isPermanentError(err) || job.isFinalAttempt) {
        // The engine has already recorded the failure; make sure of it (it may have died before a node ran).
        await failExecution(db, executionId, toErrorInfo(err)).catch(() => undefined);
        await producer.enqueue(QUEUES.delivery, { runId }, { jobId: `delivery-${runId}` }).catch(() => undefined);
      }
      throw err;
    }
  };

  const deliver: Handlers["delivery"] = async (job) => {
    const run = await getRunForDelivery(db, job.data.runId);
    if (!run?.webhookUrl) return;
    if (run.status !== "completed" && run.status !== "failed" && run.status !== "cancelled") {
      throw new RetryableError(`run ${run.runId} is ${run.status}; delivery waits for it to finish`);
    }
    const event = `run.${run.status}`;
    const attempt = await postWebhook({
      url: run.webhookUrl,
      secret: run.webhookSecret,
      webhookId: `msg_${run.runId}`,
      timeoutMs: webhookTimeoutMs,
      body: { type: event, timestamp: new Date().toISOString(), data: { runId: run.runId, kind: run.kind, status: run.status, result: run.result, error: run.error } },
    });
    await recordDelivery(db, {
      runId: run.runId,
      userId: run.userId,
      webhookId: attempt.webhookId,
      event,
      url: run.webhookUrl,
      attempt: job.attempt,
      status: attempt.ok ? "succeeded" : "failed",
      responseStatus: attempt.status,
      error: attempt.error,
      durationMs: attempt.durationMs,
    });
    if (!attempt.ok) throw new RetryableError(`webhook delivery failed: ${attempt.error}`);
  };

  return { [QUEUES.profiling]: runExecution, [QUEUES.jobSearch]: runExecution, [QUEUES.delivery]: deliver };
};
