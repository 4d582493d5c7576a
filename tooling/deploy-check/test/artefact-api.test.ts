import { randomBytes } from "node:crypto";
import { cleanupQueues, testQueueConfig } from "@job-agent/queue/testing";
import { databaseUrl, dropDatabase } from "@job-agent/db/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Child, freePort, repoRoot, run, runOk } from "../src/processes.js";
import { simulateImage, type SimulatedImage } from "../src/simulate-image.js";
import { expectProductionArtefact, runtimeEnv } from "./artefact.js";

const queue = testQueueConfig();
const dbName = `ja_test_image_${randomBytes(5).toString("hex")}`;
let image: SimulatedImage;

beforeAll(() => {
  image = simulateImage("api");
});
afterAll(async () => {
  image?.cleanup();
  await dropDatabase(dbName);
  await cleanupQueues(queue);
});

describe("the api image, built outside Docker", () => {
  test("holds built code and production dependencies only", () => {
    expectProductionArtefact(image, "db");
  });

  test("the migrate stage's command creates and migrates a new database; the deployed api then serves /health and /ready and stops on SIGTERM", async () => {
    const url = databaseUrl(dbName);
    // docker/api.Dockerfile, stage migrate: CMD pnpm --filter @job-agent/db migrate (in the build stage's /app)
    runOk("pnpm", ["--filter", "@job-agent/db", "migrate"], { cwd: image.buildDir, env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: "true", DATABASE_URL: url } });
    const tables = runOk("psql", [url, "-Atc", "select count(*) from _prisma_migrations where finished_at is not null"]);
    expect(Number(tables.stdout.trim())).toBeGreaterThan(0);

    const port = await freePort();
    const env = runtimeEnv({ DATABASE_URL: url, REDIS_URL: queue.url, QUEUE_PREFIX: queue.prefix, PORT: String(port), HOST: "127.0.0.1" });
    const api = new Child("node", ["dist/main.js"], { cwd: image.deployDir, env });
    try {
      await api.waitFor('"api listening"');
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${port}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ checks: { postgres: true, redis: true } });

      // The image's HEALTHCHECK command.
      const check = run("node", [`${repoRoot}/docker/healthcheck.mjs`, "http"], { env: { PATH: process.env.PATH, PORT: String(port) } });
      expect(check.code, check.stderr).toBe(0);
    } finally {
      const exit = await api.stop("SIGTERM");
      expect(exit.code, api.output).toBe(0);
    }
    expect(api.output).toContain('"shutting down"');
    // Nothing listens any more: the same health check now fails.
    const after = run("node", [`${repoRoot}/docker/healthcheck.mjs`, "http"], { env: { PATH: process.env.PATH, PORT: String(port) } });
    expect(after.code).toBe(1);
  });
});
