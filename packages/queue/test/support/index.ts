import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import type { QueueConfig } from "../../src/env.js";

export const redisUrl = (): string => process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** A queue config with a key prefix of its own, so test files never see each other's jobs. */
export const testQueueConfig = (): QueueConfig => ({ url: redisUrl(), prefix: `ja-test-${randomBytes(5).toString("hex")}` });

/** Deletes every key under the config's prefix. */
export const cleanupQueues = async (config: QueueConfig): Promise<void> => {
  const redis = new Redis(config.url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${config.prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
};
