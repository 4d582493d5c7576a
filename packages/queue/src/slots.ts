import { Redis } from "ioredis";
import type { QueueConfig } from "./env.js";

/**
 * A counting semaphore per key in Redis, shared by every worker process: at
 * most `limit` holders per key. A holder's slot expires `ttlMs` after its
 * last refresh, so a worker that dies frees its slots on its own. Holders are
 * job ids: a job taken over after a stall finds its slot still its own.
 */
export interface Slots {
  /** True when `holder` has (or now takes) one of the key's slots. */
  acquire(key: string, holder: string, limit: number): Promise<boolean>;
  /** Extends the holder's slot; false when it had expired and was given away. */
  refresh(key: string, holder: string): Promise<boolean>;
  release(key: string, holder: string): Promise<void>;
  /** Holders of the key's live slots. */
  holders(key: string): Promise<string[]>;
  close(): Promise<void>;
}

// Scores are expiry times on Redis's own clock, so workers' clocks need not agree.
const NOW = `local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;
const ACQUIRE = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 1
end
return 0`;
const REFRESH = `${NOW}
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1`;
const HOLDERS = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZRANGE', KEYS[1], 0, -1)`;

export interface SlotsOptions {
  config: QueueConfig;
  /** A slot's lifetime without a refresh, ms. */
  ttlMs: number;
  /** Key namespace under the queue prefix (default `slots`). */
  namespace?: string;
  onError?: (err: Error) => void;
}

/** The scripts, registered once per connection and then called by their SHA (EVALSHA). */
interface SlotScripts {
  slotAcquire(key: string, holder: string, limit: string, ttlMs: string): Promise<number>;
  slotRefresh(key: string, holder: string, ttlMs: string): Promise<number>;
  slotHolders(key: string): Promise<string[]>;
}

export const createSlots = ({ config, ttlMs, namespace = "slots", onError }: SlotsOptions): Slots => {
  // Concurrent jobs' slot commands leave in one write.
  const redis = new Redis(config.url, { maxRetriesPerRequest: null, connectTimeout: 5_000, enableAutoPipelining: true });
  redis.on("error", (err: Error) => onError?.(err));
  redis.defineCommand("slotAcquire", { numberOfKeys: 1, lua: ACQUIRE });
  redis.defineCommand("slotRefresh", { numberOfKeys: 1, lua: REFRESH });
  redis.defineCommand("slotHolders", { numberOfKeys: 1, lua: HOLDERS });
  const scripts = redis as unknown as SlotScripts;
  const k = (key: string) => `${config.prefix}:${namespace}:${key}`;
  return {
    acquire: async (key, holder, limit) => (await scripts.slotAcquire(k(key), holder, String(limit), String(ttlMs))) === 1,
    refresh: async (key, holder) => (await scripts.slotRefresh(k(key), holder, String(ttlMs))) === 1,
    release: async (key, holder) => {
      await redis.zrem(k(key), holder);
    },
    holders: (key) => scripts.slotHolders(k(key)),
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
};
