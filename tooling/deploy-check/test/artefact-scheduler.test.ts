import { createTestDatabase, type TestDatabase } from "@job-agent/db/testing";
import { cleanupQueues, testQueueConfig } from "@job-agent/queue/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Child, repoRoot, run } from "../src/processes.js";
import { simulateImage, type SimulatedImage } from "../src/simulate-image.js";
import { expectProductionArtefact, runtimeEnv } from "./artefact.js";

const queue = testQueueConfig();
let image: SimulatedImage;
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  image = simulateImage("scheduler");
});
afterAll(async () => {
  image?.cleanup();
  await database?.drop();
  await cleanupQueues(queue);
});

describe("the scheduler image, built outside Docker", () => {
  test("holds built code and production dependencies only", () => {
    expectProductionArtefact(image, "queue");
  });

  test("starts from the deploy directory with plain node, passes the image's health check, and exits 0 on SIGTERM", async () => {
    const env = runtimeEnv({ DATABASE_URL: database.url, REDIS_URL: queue.url, QUEUE_PREFIX: queue.prefix });
    const proc = new Child("node", ["dist/main.js"], { cwd: image.deployDir, env });
    try {
      await proc.waitFor('"scheduler started"');
      // The image's HEALTHCHECK command (no HTTP port: Redis must answer with the app's credentials).
      const check = run("node", [`${repoRoot}/docker/healthcheck.mjs`, "redis"], { env: { PATH: process.env.PATH, REDIS_URL: queue.url } });
      expect(check.code, check.stderr).toBe(0);
    } finally {
      const exit = await proc.stop("SIGTERM");
      expect(exit.code, proc.output).toBe(0);
    }
    expect(proc.output).toContain('"shutting down"');
  });
});
