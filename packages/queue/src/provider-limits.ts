import { sleep } from "@job-agent/shared";
import { RetryableError } from "@job-agent/shared/errors";
import { Redis } from "ioredis";
import type { QueueConfig } from "./env.js";

export interface ProviderRule {
  /** Calls allowed per window. */
  limit: number;
  windowMs: number;
}

/**
 * A provider over its limit for longer than the caller wants to wait. It
 * carries `retryAfterMs`: the queue layer moves the job back to delayed for
 * that long without counting an attempt.
 */
export class RateLimitedError extends RetryableError {
  readonly code = "rate_limited";
  readonly provider: string;
  readonly retryAfterMs: number;
  constructor(provider: string, retryAfterMs: number) {
    super(`${provider} is over its rate limit; try again in ${retryAfterMs} ms`);
    this.name = "RateLimitedError";
    this.provider = provider;
    this.retryAfterMs = retryAfterMs;
  }
}

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * `llm=60/60s,remotive=10/1m` → a rule per provider. Throws an Error naming
 * the bad entry, for the env parser to report.
 */
export const parseProviderRateLimits = (text: string): Record<string, ProviderRule> => {
  const rules: Record<string, ProviderRule> = {};
  for (const entry of text.split(",").map((e) => e.trim()).filter(Boolean)) {
    const m = /^([a-z][a-z0-9_-]*)=(\d+)\/(\d+)(ms|s|m|h)$/i.exec(entry);
    const limit = m ? Number(m[2]) : 0;
    const windowMs = m ? Number(m[3]) * UNITS[m[4]!.toLowerCase()]! : 0;
    if (!m || limit < 1 || windowMs < 1) throw new Error(`"${entry}" is not <provider>=<calls>/<window> (e.g. llm=60/60s)`);
    rules[m[1]!.toLowerCase()] = { limit, windowMs };
  }
  return rules;
};

/** What the adapters call before each request to a provider. */
export interface ProviderLimiter {
  /**
   * Resolves when a call to `provider` may go now (at once for a provider
   * without a rule). Waits up to the limiter's `maxWaitMs` for the window to
   * reset; past that, throws RateLimitedError. Rejects with the signal's
   * reason when it is aborted while waiting.
   */
  acquire(provider: string, opts?: { signal?: AbortSignal }): Promise<void>;
  close(): Promise<void>;
}

export interface ProviderLimiterOptions {
  config: QueueConfig;
  rules: Record<string, ProviderRule>;
  /** The longest a call waits for its provider's window before the job is rescheduled instead (ms). */
  maxWaitMs?: number;
  /** How long a Redis check may take before the call is let through (ms). */
  timeoutMs?: number;
  onError?: (err: Error) => void;
}

// A fixed window per provider; a refused call is not counted, and marks the provider saturated.
const SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n < tonumber(ARGV[1]) then
  n = redis.call('INCR', KEYS[1])
  if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
  redis.call('DEL', KEYS[2])
  return {1, 0}
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]); ttl = tonumber(ARGV[2]) end
redis.call('SET', KEYS[2], now, 'NX')
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return {0, ttl}
`;

/** How long a saturation mark outlives the last refused call (ms). */
const SATURATION_TTL_MS = 10 * 60_000;

const keys = (prefix: string, provider: string) => [`${prefix}:provider:${provider}:window`, `${prefix}:provider:${provider}:limited`];


/**
 * Limits per external provider (the LLM, each job source) that hold across
 * every worker process: a fixed window per provider in Redis. When Redis does
 * not answer in time the call goes ahead (the outage is reported through
 * `onError`): the limiter must not stop the work.
 */
export const createProviderLimiter = ({ config, rules, maxWaitMs = 2_000, timeoutMs = 1_000, onError }: ProviderLimiterOptions): ProviderLimiter => {
  const hasRules = Object.keys(rules).length > 0;
  const redis = hasRules ? new Redis(config.url, { maxRetriesPerRequest: 1, connectTimeout: 2_000 }) : null;
  redis?.on("error", (err: Error) => onError?.(err));
  // Called by its SHA (EVALSHA) after the first call.
  redis?.defineCommand("providerHit", { numberOfKeys: 2, lua: SCRIPT });
  const hit = redis ? (redis as unknown as { providerHit(...args: string[]): Promise<[number, number]> }).providerHit.bind(redis) : null;

  const check = async (provider: string, rule: ProviderRule): Promise<{ ok: boolean; waitMs: number }> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const [ok, ttl] = await Promise.race([
        hit!(...keys(config.prefix, provider), String(rule.limit), String(rule.windowMs), String(SATURATION_TTL_MS)),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`provider limit check timed out after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return { ok: ok === 1, waitMs: Math.max(1, ttl) };
    } catch (err) {
      onError?.(err instanceof Error ? err : new Error(String(err)));
      return { ok: true, waitMs: 0 };
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    acquire: async (provider, opts) => {
      const rule = rules[provider.toLowerCase()];
      if (!rule || !redis) return;
      let waited = 0;
      for (;;) {
        opts?.signal?.throwIfAborted();
        const { ok, waitMs } = await check(provider.toLowerCase(), rule);
        if (ok) return;
        // A little jitter, so waiting callers do not all come back in the same millisecond.
        const wait = waitMs + Math.floor(Math.random() * Math.min(250, rule.windowMs / 10 + 1));
        if (waited + wait > maxWaitMs) throw new RateLimitedError(provider, wait);
        await sleep(wait, opts?.signal);
        waited += wait;
      }
    },
    close: async () => {
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
};

/**
 * Which providers are being refused right now, for alerting: one entry per
 * provider named (or, without names, per provider with a saturation mark).
 * `limitedSinceMs` is the time (epoch ms) of the first refused call of the
 * current saturation, null when the provider's last call went through (or it
 * has had no refusal for 10 minutes).
 */
export const providerSaturation = async (
  config: QueueConfig,
  providers?: string[],
): Promise<{ provider: string; limitedSinceMs: number | null }[]> => {
  const redis = new Redis(config.url, { maxRetriesPerRequest: 1, connectTimeout: 2_000, lazyConnect: true });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    let names = providers?.map((p) => p.toLowerCase());
    if (!names) {
      const found = new Set<string>();
      let cursor = "0";
      do {
        const [next, ks] = await redis.scan(cursor, "MATCH", `${config.prefix}:provider:*:limited`, "COUNT", 500);
        cursor = next;
        for (const key of ks) found.add(key.slice(`${config.prefix}:provider:`.length, -":limited".length));
      } while (cursor !== "0");
      names = [...found].sort();
    }
    if (names.length === 0) return [];
    const values = await redis.mget(...names.map((p) => keys(config.prefix, p)[1]!));
    return names.map((provider, i) => ({ provider, limitedSinceMs: values[i] ? Number(values[i]) : null }));
  } finally {
    redis.disconnect();
  }
};
