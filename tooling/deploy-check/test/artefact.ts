import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "@job-agent/db/testing";
import { cleanupQueues, testQueueConfig } from "@job-agent/queue/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Child, repoRoot, run } from "../src/processes.js";
import { formatSize, simulateImage, type SimulatedImage } from "../src/simulate-image.js";

/** What no production image may carry: dev-only tools of this workspace. */
const DEV_ONLY = ["vitest", "vite", "tsx", "eslint", "esbuild", "@types+node"];

/** The deploy directory holds built code and production dependencies only, and prints its size. */
export const expectProductionArtefact = (image: SimulatedImage, pkg: string): void => {
  console.log(`${image.app}: deploy directory ${formatSize(image.sizeBytes)} (prune ${image.seconds.prune}s, install ${image.seconds.install}s, build ${image.seconds.build}s, deploy ${image.seconds.deploy}s)`);
  const dir = image.deployDir;
  expect(existsSync(join(dir, "dist", "main.js"))).toBe(true);
  expect(existsSync(join(dir, "src"))).toBe(false);
  expect(existsSync(join(dir, "test"))).toBe(false);
  const internal = join(dir, "node_modules", "@job-agent", pkg);
  expect(existsSync(join(internal, "dist"))).toBe(true);
  expect(existsSync(join(internal, "src"))).toBe(false);
  const installed = readdirSync(join(dir, "node_modules", ".pnpm"));
  for (const name of DEV_ONLY) expect(installed.filter((d) => d.startsWith(`${name}@`)), name).toEqual([]);
};

/** The app's environment when started from the deploy directory, as in the runtime image. */
export const runtimeEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  NODE_ENV: "production",
  LOG_FORMAT: "json",
  ...extra,
});

/**
 * The checks for an app without an HTTP port (worker, scheduler): its image
 * holds production code only, it starts from the deploy directory with plain
 * node, passes the image's health check and exits 0 on SIGTERM.
 */
export const describeBackgroundImage = (app: "worker" | "scheduler", marks: { started: string; stopped: string }): void => {
  const queue = testQueueConfig();
  let image: SimulatedImage;
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    image = simulateImage(app);
  });
  afterAll(async () => {
    image?.cleanup();
    await database?.drop();
    await cleanupQueues(queue);
  });

  describe(`the ${app} image, built outside Docker`, () => {
    test("holds built code and production dependencies only", () => {
      expectProductionArtefact(image, "queue");
    });

    test("starts from the deploy directory with plain node, passes the image's health check, and exits 0 on SIGTERM", async () => {
      const env = runtimeEnv({ DATABASE_URL: database.url, REDIS_URL: queue.url, QUEUE_PREFIX: queue.prefix });
      const proc = new Child("node", ["dist/main.js"], { cwd: image.deployDir, env });
      try {
        await proc.waitFor(marks.started);
        // The image's HEALTHCHECK command (no HTTP port: Redis must answer with the app's credentials).
        const check = run("node", [`${repoRoot}/docker/healthcheck.mjs`, "redis"], { env: { PATH: process.env.PATH, REDIS_URL: queue.url } });
        expect(check.code, check.stderr).toBe(0);
      } finally {
        const exit = await proc.stop("SIGTERM");
        expect(exit.code, proc.output).toBe(0);
      }
      expect(proc.output).toContain(marks.stopped);
    });
  });
};
