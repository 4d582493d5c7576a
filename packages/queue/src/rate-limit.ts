import { Redis } from "ioredis";
import type { QueueConfig } from "./env.js";

export interface RateLimitRule {
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
}

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Until the window resets, ms. */
  resetMs: number;
  /** False when Redis could not be asked and the request was let through. */
  enforced: boolean;
}

export interface RateLimiter {
  /** Counts one request against `key` and says whether it is within the rule. */
  hit(key: string, rule: RateLimitRule): Promise<RateLimitResult>;
  close(): Promise<void>;
}

export interface RateLimiterOptions {
  config: QueueConfig;
  /** How long a check may take before the request is let through. */
  timeoutMs?: number;
  onError?: (err: Error) => void;
}

// One round trip: count, start the window on the first hit, report the time left.
const SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}
`;

/**
 * A fixed-window counter per key in Redis, so a limit holds across every API
 * process. When Redis does not answer in time the request is let through
 * (`enforced: false`): an outage of the limiter must not take the API down.
 * Keys live under the queue prefix (`<prefix>:ratelimit:…`).
 */
export const createRateLimiter = ({ config, timeoutMs = 500, onError }: RateLimiterOptions): RateLimiter => {
  const redis = new Redis(config.url, { enableOfflineQueue: true, maxRetriesPerRequest: 1, connectTimeout: 2_000, lazyConnect: false, enableAutoPipelining: true });
  redis.on("error", (err: Error) => onError?.(err));
  // Sent once, then called by its SHA (EVALSHA), not re-sent and re-hashed on every request.
  redis.defineCommand("rateLimitHit", { numberOfKeys: 1, lua: SCRIPT });
  const hit = (redis as unknown as { rateLimitHit(key: string, windowMs: string): Promise<[number, number]> }).rateLimitHit.bind(redis);
  const fallback = (rule: RateLimitRule): RateLimitResult => ({ allowed: true, limit: rule.limit, remaining: rule.limit, resetMs: rule.windowMs, enforced: false });

  return {
    hit: async (key, rule) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        const res = await Promise.race([
          hit(`${config.prefix}:ratelimit:${key}`, String(rule.windowMs)),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`rate limit check timed out after ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        const [count, ttl] = res;
        return { allowed: count <= rule.limit, limit: rule.limit, remaining: Math.max(0, rule.limit - count), resetMs: Math.max(0, ttl), enforced: true };
      } catch (err) {
        onError?.(err instanceof Error ? err : new Error(String(err)));
        return fallback(rule);
      } finally {
        clearTimeout(timer);
      }
    },
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
};
