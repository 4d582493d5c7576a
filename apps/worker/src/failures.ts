import { failExecution, getFailureContext, type Db } from "@job-agent/db";
import { ExecutionJob, type WorkerOptions } from "@job-agent/queue";
import { reportJobFailure, toErrorInfo, type Logger } from "@job-agent/shared";

/**
 * What happens when a job fails for good: the execution is failed in
 * Postgres (if the engine could not do it) and one Sentry event is sent with
 * the run, execution, node, attempt and user ids — never CV text.
 */
export const onJobFailedForGood =
  (deps: { db: Db; log: Logger }): NonNullable<WorkerOptions["onFailed"]> =>
  ({ id, queue, data, attempt, error }) => {
    const exec = ExecutionJob.safeParse(data);
    void (async () => {
      const ctx = exec.success ? await getFailureContext(deps.db, exec.data.executionId).catch(() => null) : null;
      deps.log.error("job failed for good", { queue, jobId: id, attempt, runId: ctx?.runId, executionId: exec.data?.executionId, node: ctx?.node, error: error.message });
      reportJobFailure({
        queue,
        jobId: id,
        attempt,
        error,
        runId: ctx?.runId ?? (exec.success ? exec.data.runId : undefined),
        executionId: exec.data?.executionId,
        userId: ctx?.userId,
        node: ctx?.node ?? undefined,
      });
      if (exec.success) await failExecution(deps.db, exec.data.executionId, toErrorInfo(error)).catch(() => undefined);
    })();
  };
