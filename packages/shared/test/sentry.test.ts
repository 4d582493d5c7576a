import { describe, expect, it } from "vitest";
import { flushSentry, initSentry, reportJobFailure } from "../src/sentry.js";
import { eventually, startFakeSentry } from "./support/index.js";

describe("Sentry", () => {
  it("sends nothing and breaks nothing without a DSN", async () => {
    expect(await initSentry({ dsn: undefined, app: "test", environment: "test" })).toBe(false);
    expect(() => reportJobFailure({ queue: "q", jobId: "j", attempt: 1, error: new Error("x") })).not.toThrow();
  });

  it("sends a job failure as a real envelope with the run's ids", async () => {
    const sentry = await startFakeSentry();
    try {
      expect(await initSentry({ dsn: sentry.dsn, app: "worker", environment: "test", release: "1.2.3" })).toBe(true);
      reportJobFailure({ queue: "job-search", jobId: "e1", attempt: 5, runId: "r1", executionId: "e1", node: "Discovery", userId: "u1", error: new Error("every job source failed") });
      await flushSentry();
      await eventually(() => sentry.events.length === 1, "one event");
      const [ev] = sentry.events;
      expect(ev!.tags).toMatchObject({ app: "worker", runId: "r1", executionId: "e1", node: "Discovery", queue: "job-search" });
      expect(ev!.user).toEqual({ id: "u1" });
      expect(ev!.exception?.values?.[0]?.value).toBe("every job source failed");
      expect(ev).toMatchObject({ environment: "test", release: "1.2.3" });
    } finally {
      await sentry.close();
    }
  });
});
