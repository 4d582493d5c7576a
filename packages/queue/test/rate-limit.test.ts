import { afterAll, describe, expect, it } from "vitest";
import { createRateLimiter } from "../src/rate-limit.js";
import { cleanupQueues, testQueueConfig } from "./support/index.js";

const config = testQueueConfig();
afterAll(() => cleanupQueues(config));

describe("the Redis rate limiter", () => {
  it("holds one count per key across limiters (as across API processes)", async () => {
    const a = createRateLimiter({ config });
    const b = createRateLimiter({ config });
    try {
      const rule = { limit: 3, windowMs: 60_000 };
      const results = [await a.hit("key:1", rule), await b.hit("key:1", rule), await a.hit("key:1", rule), await b.hit("key:1", rule)];
      expect(results.map((r) => [r.allowed, r.remaining, r.enforced])).toEqual([
        [true, 2, true],
        [true, 1, true],
        [true, 0, true],
        [false, 0, true],
      ]);
      expect(results[3]!.resetMs).toBeGreaterThan(0);
      expect(results[3]!.resetMs).toBeLessThanOrEqual(60_000);
      expect((await b.hit("key:2", rule)).remaining).toBe(2);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("starts a new window when the old one expires", async () => {
    const l = createRateLimiter({ config });
    try {
      const rule = { limit: 1, windowMs: 200 };
      expect((await l.hit("key:w", rule)).allowed).toBe(true);
      expect((await l.hit("key:w", rule)).allowed).toBe(false);
      await new Promise((r) => setTimeout(r, 300));
      expect((await l.hit("key:w", rule)).allowed).toBe(true);
    } finally {
      await l.close();
    }
  });

  it("lets requests through, marked unenforced, when Redis cannot be reached", async () => {
    const errors: Error[] = [];
    const l = createRateLimiter({ config: { url: "redis://127.0.0.1:1", prefix: config.prefix }, timeoutMs: 300, onError: (e) => errors.push(e) });
    try {
      const r = await l.hit("key:x", { limit: 1, windowMs: 1_000 });
      expect(r).toMatchObject({ allowed: true, enforced: false });
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      await l.close();
    }
  });
});
