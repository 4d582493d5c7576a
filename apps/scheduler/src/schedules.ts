import { listSchedules, startScheduledSearches, type Db } from "@job-agent/db";
import { dispatchRuns, priorityForPlan, type Producer, type ScheduleSync } from "@job-agent/queue";

/** Brings the queue's job schedulers in step with the schedules table (created, changed, removed). */
export const syncSchedules = async (deps: { db: Db; sync: ScheduleSync }): Promise<{ upserted: number; removed: number }> => {
  const [rows, existing] = await Promise.all([listSchedules(deps.db), deps.sync.list()]);
  const enabled = rows.filter((s) => s.enabled);
  const keep = new Set(enabled.map((s) => s.profileId));
  for (const s of enabled) await deps.sync.upsert({ profileId: s.profileId, cron: s.cron, timezone: s.timezone });
  const stale = existing.filter((id) => !keep.has(id));
  for (const id of stale) await deps.sync.remove(id);
  return { upserted: enabled.length, removed: stale.length };
};

/** One firing: the runs go to Postgres first, then to the queue, as any API request's would. */
export const fireSchedule = async (deps: { db: Db; producer: Producer }, fire: { profileId: string; slot: Date }): Promise<number> => {
  const runs = await startScheduledSearches(deps.db, fire.profileId, fire.slot, priorityForPlan);
  await dispatchRuns(deps.producer, runs);
  return runs.length;
};
