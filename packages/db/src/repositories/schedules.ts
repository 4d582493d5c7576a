import { sqlBatcherPerDb } from "../batch.js";
import type { Db } from "../client.js";
import type { CreatedRun } from "./runs.js";

export interface ScheduleView {
  profileId: string;
  userId: string;
  cron: string;
  timezone: string;
  enabled: boolean;
  lastFiredAt: Date | null;
  updatedAt: Date;
}

const view = (s: { profileId: string; userId: string; cron: string; timezone: string; enabled: boolean; lastFiredAt: Date | null; updatedAt: Date }): ScheduleView => ({
  profileId: s.profileId,
  userId: s.userId,
  cron: s.cron,
  timezone: s.timezone,
  enabled: s.enabled,
  lastFiredAt: s.lastFiredAt,
  updatedAt: s.updatedAt,
});

/** Creates or changes a profile's daily search schedule; null when the profile is not the user's. */
export const upsertSchedule = async (
  db: Db,
  userId: string,
  profileId: string,
  s: { cron: string; timezone: string; enabled: boolean },
): Promise<ScheduleView | null> => {
  const profile = await db.prisma.profile.findFirst({ where: { id: profileId, userId }, select: { id: true } });
  if (!profile) return null;
  const row = await db.prisma.schedule.upsert({
    where: { profileId },
    create: { userId, profileId, ...s },
    update: s,
  });
  return view(row);
};

export const getSchedule = async (db: Db, userId: string, profileId: string): Promise<ScheduleView | null> => {
  const row = await db.prisma.schedule.findFirst({ where: { profileId, userId } });
  return row ? view(row) : null;
};

/** Every schedule, for keeping the queue's job schedulers in step with the database. */
export const listSchedules = async (db: Db): Promise<ScheduleView[]> => {
  const { rows } = await db.pool.query<ScheduleView>({
    name: "ja_list_schedules",
    text: `select profile_id as "profileId", user_id as "userId", cron, timezone, enabled, last_fired_at as "lastFiredAt", updated_at as "updatedAt"
             from schedules order by created_at`,
  });
  return rows.map(view);
};

const DEFAULT_SEARCH = { numResults: 25, maxScreening: 10, sources: null };

interface Firing {
  profileId: string;
  slot: string;
  priority: Record<"free" | "premium", number>;
  search: typeof DEFAULT_SEARCH;
}

interface FiredRun {
  runId: string;
  executionId: string;
  userId: string;
  priority: number;
}

/** The firings that arrive together share a transaction (`ja_fire_schedules`). */
const fire = sqlBatcherPerDb<Firing, FiredRun[]>("ja_fire_schedules");

/**
 * One firing of a schedule: claims the slot (so a firing seen twice, by two
 * schedulers or a retried job, starts nothing the second time) and creates a
 * job search per suggested title, in one transaction. Returns the runs to
 * enqueue; empty when the slot was already claimed, the schedule is off, or
 * the profile has no titles yet.
 */
export const startScheduledSearches = async (
  db: Db,
  profileId: string,
  slot: Date,
  priorityForPlan: (plan: "free" | "premium") => number,
): Promise<CreatedRun[]> => {
  const runs = await fire(db)({
    profileId,
    slot: slot.toISOString(),
    priority: { free: priorityForPlan("free"), premium: priorityForPlan("premium") },
    search: DEFAULT_SEARCH,
  });
  return runs.map((r) => ({ ...r, kind: "job_search" as const, webhook: false }));
};
