/**
 * Calls to outside providers (the LLM, each job source) go through a limit
 * shared by every worker process. `acquire` resolves when a call may go; a
 * provider that stays over its limit rejects with an error carrying
 * `retryAfterMs`, which reschedules the job without counting an attempt.
 * The worker passes the Redis-backed limiter of @job-agent/queue.
 */
export interface RateLimitPort {
  acquire(provider: string, opts?: { signal?: AbortSignal }): Promise<void>;
}

/** What `requestJson` needs to ask before a request. */
export interface RequestLimit {
  port: RateLimitPort;
  provider: string;
}

export const limitFor = (port: RateLimitPort | undefined, provider: string): RequestLimit | undefined => (port ? { port, provider } : undefined);
