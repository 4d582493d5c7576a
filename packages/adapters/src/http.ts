import { PermanentError, RetryableError } from "@job-agent/shared/errors";
import type { RequestLimit } from "./rate-limit.js";

export interface HttpOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  method?: "GET" | "POST";
  body?: string;
  /** The provider's shared rate limit, asked before the request is sent. */
  limit?: RequestLimit;
}

const errorDetail = (text: string): string => {
  try {
    const j = JSON.parse(text) as { error?: unknown; message?: unknown };
    const e = j.error;
    if (typeof e === "string") return e;
    if (e && typeof e === "object" && typeof (e as { message?: unknown }).message === "string") return (e as { message: string }).message;
    if (typeof j.message === "string") return j.message;
  } catch {
    /* not JSON */
  }
  return text.replace(/\s+/g, " ").slice(0, 200);
};

/**
 * One JSON request to an outside service. 429 and 5xx (and network failures)
 * are RetryableError; other 4xx are PermanentError; the body's own error
 * message is kept. The caller's label names the service in errors.
 */
export const requestJson = async (label: string, url: string, opts: HttpOptions): Promise<unknown> => {
  await opts.limit?.port.acquire(opts.limit.provider, { signal: opts.signal });
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetch(url, { method: opts.method ?? "GET", headers: { accept: "application/json", ...opts.headers }, body: opts.body, signal });
  } catch (err) {
    if (opts.signal?.aborted) throw opts.signal.reason instanceof Error ? opts.signal.reason : new Error("aborted");
    if (timeout.aborted) throw new RetryableError(`${label}: no answer within ${opts.timeoutMs} ms`);
    throw new RetryableError(`${label}: request failed (${err instanceof Error ? err.message : String(err)})`);
  }
  const text = await res.text();
  if (res.status === 429 || res.status >= 500) {
    const retryAfter = res.headers.get("retry-after");
    throw new RetryableError(`${label}: HTTP ${res.status}${retryAfter ? ` (retry after ${retryAfter} s)` : ""}: ${errorDetail(text)}`);
  }
  if (res.status >= 400) throw new PermanentError(`${label}: HTTP ${res.status}: ${errorDetail(text)}`, `http_${res.status}`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RetryableError(`${label}: the answer is not JSON`);
  }
};
