import { createApiKey } from "@job-agent/db";
import { createTestDatabase, type TestDatabase } from "@job-agent/db/testing";
import { checkSchedule } from "@job-agent/queue";
import { cleanupQueues, testQueueConfig } from "@job-agent/queue/testing";
import { eventually } from "@job-agent/shared/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBuiltApp, stop } from "./processes.js";

let tdb: TestDatabase;
const config = testQueueConfig();
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await cleanupQueues(config);
  await tdb.drop();
});

describe("scheduled searches", () => {
  it("fire once per slot with two scheduler processes running, one run per suggested title", async () => {
    const { user } = await createApiKey(tdb.db, { email: "sched@example.com", plan: "premium" });
    const titles = ["Registered Nurse", "Charge Nurse"];
    const profile = await tdb.db.prisma.profile.create({
      data: { userId: user.id, status: "ready", location: "Vancouver", suggestedTitles: titles, timezone: "America/Vancouver" },
    });
    // Every 2 seconds (a six-field pattern, which the API does not offer) so the test sees several slots quickly.
    await tdb.db.prisma.schedule.create({ data: { userId: user.id, profileId: profile.id, cron: "*/2 * * * * *", timezone: "America/Vancouver" } });
    const env = {
      DATABASE_URL: tdb.url,
      REDIS_URL: config.url,
      QUEUE_PREFIX: config.prefix,
      SCHEDULE_SYNC_INTERVAL_MS: "300",
      RECONCILE_INTERVAL_MS: "600000",
      MONITOR_INTERVAL_MS: "600000",
    };
    const a = startBuiltApp("scheduler", env);
    const b = startBuiltApp("scheduler", env);
    try {
      await eventually(async () => (await tdb.db.prisma.run.count({ where: { profileId: profile.id } })) >= 6, "three firings", 20_000);
    } finally {
      expect(await stop(a)).toBe(0);
      expect(await stop(b)).toBe(0);
    }
    const runs = await tdb.db.prisma.run.findMany({ where: { profileId: profile.id }, include: { executions: true } });
    const bySlot = new Map<string, string[]>();
    for (const r of runs) {
      const input = r.input as { scheduledFor: string; query: string; onlyNewForProfile: boolean };
      expect(input.onlyNewForProfile).toBe(true);
      bySlot.set(input.scheduledFor, [...(bySlot.get(input.scheduledFor) ?? []), input.query]);
      expect(r.executions).toHaveLength(1);
      expect(r.priority).toBe(1);
    }
    expect(bySlot.size).toBeGreaterThanOrEqual(3);
    for (const queries of bySlot.values()) expect(queries.sort()).toEqual([...titles].sort());
    const schedule = await tdb.db.prisma.schedule.findUniqueOrThrow({ where: { profileId: profile.id } });
    expect(schedule.lastFiredAt).not.toBeNull();
  });

  it("validates patterns and timezones with a message naming the field", () => {
    expect(checkSchedule("0 9 * * *", "Europe/Berlin")).toBeNull();
    expect(checkSchedule("0 9 * * *", "Mars/Olympus")).toMatchObject({ field: "timezone" });
    expect(checkSchedule("0 25 * * *", "UTC")).toMatchObject({ field: "cron" });
    expect(checkSchedule("* * * * * *", "UTC")).toMatchObject({ field: "cron" });
  });
});
