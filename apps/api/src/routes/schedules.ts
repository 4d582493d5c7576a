import { getProfileView, getSchedule, upsertSchedule, type ScheduleView } from "@job-agent/db";
import { checkSchedule } from "@job-agent/queue";
import { Router, type Request, type Response } from "express";
import type { AppDeps } from "../deps.js";
import { currentUser, parse, pathId, route } from "../http.js";
import { HttpProblem, notFound } from "../problem.js";
import { ScheduleBody } from "../schemas.js";

export const DEFAULT_CRON = "0 9 * * *";

const toJson = (s: ScheduleView) => ({
  profileId: s.profileId,
  cron: s.cron,
  timezone: s.timezone,
  enabled: s.enabled,
  lastFiredAt: s.lastFiredAt?.toISOString() ?? null,
  updatedAt: s.updatedAt.toISOString(),
});

/** The daily search of a profile: stored in Postgres, then mirrored to the queue's job scheduler at once. */
export const schedulesRouter = ({ db, schedules, log }: AppDeps): Router => {
  const r = Router();

  /** The caller and the profile named in the path, or a 404. */
  const ownedProfile = async (req: Request, res: Response) => {
    const user = currentUser(res);
    const profileId = pathId(req, "profile");
    const profile = await getProfileView(db, user.id, profileId);
    if (!profile) throw notFound("profile");
    return { user, profileId, profile };
  };

  r.put(
    "/v1/profiles/:id/schedule",
    route(async (req, res) => {
      const { user, profileId, profile } = await ownedProfile(req, res);
      const body = parse(ScheduleBody, req.body, "body");
      const spec = { cron: body.cron ?? DEFAULT_CRON, timezone: body.timezone ?? profile.timezone, enabled: body.enabled };
      const bad = checkSchedule(spec.cron, spec.timezone);
      if (bad) throw new HttpProblem(400, "Bad Request", "the schedule is invalid", [{ field: `body.${bad.field}`, message: bad.message }]);
      const saved = await upsertSchedule(db, user.id, profileId, spec);
      if (!saved) throw notFound("profile");
      // The scheduler also re-syncs from Postgres on its own; doing it now makes the change take effect at once.
      await (saved.enabled ? schedules.upsert({ profileId, cron: saved.cron, timezone: saved.timezone }) : schedules.remove(profileId)).catch((err: unknown) =>
        log.warn("schedule sync deferred to the scheduler", { profileId, error: err instanceof Error ? err.message : String(err) }),
      );
      res.json(toJson(saved));
    }),
  );

  r.get(
    "/v1/profiles/:id/schedule",
    route(async (req, res) => {
      const { user, profileId, profile } = await ownedProfile(req, res);
      // A profile without a schedule has the default one, switched off.
      const s = (await getSchedule(db, user.id, profileId)) ?? {
        profileId,
        userId: user.id,
        cron: DEFAULT_CRON,
        timezone: profile.timezone,
        enabled: false,
        lastFiredAt: null,
        updatedAt: profile.updatedAt,
      };
      res.json(toJson(s));
    }),
  );

  return r;
};
