// @sentry/node is loaded only when a DSN is configured: it is large, and a
// process without Sentry should not pay for it in start-up time or memory.
import type * as SentryNs from "@sentry/node";

type SentryModule = typeof SentryNs;
let sentry: SentryModule | null = null;

export interface SentryOptions {
  dsn?: string | undefined;
  app: string;
  environment: string;
  release?: string | undefined;
}

const REDACT_KEYS = /authorization|api[-_]?key|secret|password|token|cv_?text|cover_?letter/i;

/**
 * Starts Sentry for an app when a DSN is configured; without one nothing is
 * sent and nothing breaks. Events carry the app as a tag and never request
 * bodies or secrets.
 */
export const initSentry = async (o: SentryOptions): Promise<boolean> => {
  if (!o.dsn) return false;
  const S = await import("@sentry/node");
  S.init({
    dsn: o.dsn,
    environment: o.environment,
    ...(o.release ? { release: o.release } : {}),
    dataCollection: { userInfo: false, cookies: false, httpBodies: [] },
    tracesSampleRate: 0,
    initialScope: { tags: { app: o.app } },
    beforeSend: (event) => {
      if (event.request) {
        delete event.request.data;
        delete event.request.cookies;
        if (event.request.headers) for (const k of Object.keys(event.request.headers)) if (REDACT_KEYS.test(k)) delete event.request.headers[k];
      }
      if (event.extra) for (const k of Object.keys(event.extra)) if (REDACT_KEYS.test(k)) delete event.extra[k];
      return event;
    },
  });
  sentry = S;
  return true;
};

export const sentryEnabled = (): boolean => sentry !== null;

export interface JobFailure {
  runId?: string | undefined;
  executionId?: string | undefined;
  userId?: string | undefined;
  node?: string | undefined;
  attempt: number;
  queue: string;
  jobId: string;
  error: Error;
}

/** One event for a job that failed for good (no CV text, ids only). */
export const reportJobFailure = (f: JobFailure): void => {
  const S = sentry;
  if (!S) return;
  S.withScope((scope) => {
    scope.setTags({
      queue: f.queue,
      ...(f.runId ? { runId: f.runId } : {}),
      ...(f.executionId ? { executionId: f.executionId } : {}),
      ...(f.node ? { node: f.node } : {}),
    });
    scope.setContext("job", { jobId: f.jobId, attempt: f.attempt, runId: f.runId, executionId: f.executionId, node: f.node });
    if (f.userId) scope.setUser({ id: f.userId });
    scope.setFingerprint(["job-failed", f.queue, f.runId ?? f.jobId]);
    S.captureException(f.error);
  });
};

export const reportMessage = (message: string, level: "info" | "warning" | "error", context: Record<string, unknown>, tags: Record<string, string> = {}): void => {
  const S = sentry;
  if (!S) return;
  S.withScope((scope) => {
    scope.setTags(tags);
    scope.setContext("details", context);
    S.captureMessage(message, level);
  });
};

export const reportError = (err: unknown, context: Record<string, unknown> = {}): void => {
  const S = sentry;
  if (!S) return;
  S.withScope((scope) => {
    scope.setContext("details", context);
    S.captureException(err);
  });
};

/** Waits (bounded) until queued events are sent: call before exiting. */
export const flushSentry = async (timeoutMs = 2_000): Promise<void> => {
  if (sentry) await sentry.flush(timeoutMs);
};

/** Express error handler that reports to Sentry when it is on (a no-op otherwise). */
export const sentryErrorMiddleware =
  () =>
  (err: unknown, _req: unknown, _res: unknown, next: (err?: unknown) => void): void => {
    reportError(err);
    next(err);
  };
