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
export const listSchedules = async (db: Db): Promise<ScheduleView[]> =>
  (await db.prisma.schedule.findMany({ orderBy: { createdAt: "asc" } })).map(view);

const DEFAULT_SEARCH = { numResults: 25, maxScreening: 10 };

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
): Promise<CreatedRun[]> =>
  db.prisma.$transaction(async (tx) => {
    const claimed = await tx.schedule.updateMany({
      where: { profileId, enabled: true, OR: [{ lastFiredAt: null }, { lastFiredAt: { lt: slot } }] },
      data: { lastFiredAt: slot },
    });
    if (claimed.count === 0) return [];
    const profile = await tx.profile.findUnique({
      where: { id: profileId },
      select: { userId: true, status: true, location: true, data: true, suggestedTitles: true, user: { select: { plan: true } } },
    });
    if (!profile || profile.status !== "ready" || profile.suggestedTitles.length === 0) return [];
    const extracted = profile.data as { location?: string | null } | null;
    const location = profile.location ?? extracted?.location ?? "";
    const priority = priorityForPlan(profile.user.plan);
    const created: CreatedRun[] = [];
    for (const query of profile.suggestedTitles) {
      const input = {
        query,
        location,
        profileId,
        ...DEFAULT_SEARCH,
        sources: null,
        scheduledFor: slot.toISOString(),
        onlyNewForProfile: true,
      };
      const run = await tx.run.create({
        data: { userId: profile.userId, kind: "job_search", profileId, input: input, priority, executions: { create: {} } },
        select: { id: true, executions: { select: { id: true } } },
      });
      created.push({ runId: run.id, executionId: run.executions[0]!.id, kind: "job_search", priority, userId: profile.userId, webhook: false });
    }
    return created;
  });
