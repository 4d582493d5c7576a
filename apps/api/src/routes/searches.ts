import { RunLimitError, createRuns, getProfileView, type CreatedRun } from "@job-agent/db";
import { dispatchRuns, priorityForPlan } from "@job-agent/queue";
import { Router } from "express";
import type { AppDeps } from "../deps.js";
import { checkOutboundUrls, currentUser, parse, pathId, route, runLinks } from "../http.js";
import { HttpProblem, notFound } from "../problem.js";
import { JobSearchBody, ProfileJobSearchesBody } from "../schemas.js";
import { runLimitProblem } from "./profiles.js";

export const searchesRouter = ({ db, producer, log, env, resolve }: AppDeps): Router => {
  const r = Router();
  const onDeferred = (err: unknown, run: { runId: string }) =>
    log.warn("enqueue deferred to the reconciler", { runId: run.runId, error: err instanceof Error ? err.message : String(err) });
  const limits = (plan: "free" | "premium") => ({ maxUnfinished: plan === "premium" ? env.MAX_UNFINISHED_RUNS_PREMIUM : env.MAX_UNFINISHED_RUNS_FREE });
  const create = async (...args: Parameters<typeof createRuns>): Promise<CreatedRun[]> => {
    try {
      return await createRuns(...args);
    } catch (err) {
      if (err instanceof RunLimitError) throw runLimitProblem(err);
      throw err;
    }
  };
  const checkWebhook = (url: string | undefined) => (url ? checkOutboundUrls(env, [{ field: "body.webhookUrl", url }], resolve) : Promise.resolve());

  r.post(
    "/v1/job-searches",
    route(async (req, res) => {
      const user = currentUser(res);
      const body = parse(JobSearchBody, req.body, "body");
      await checkWebhook(body.webhookUrl);
      if (body.profileId && !(await getProfileView(db, user.id, body.profileId))) {
        throw new HttpProblem(404, "Not Found", "profile not found", [{ field: "body.profileId", message: "no such profile" }]);
      }
      const [run] = await create(
        db,
        user.id,
        [
          {
            kind: "job_search",
            profileId: body.profileId ?? null,
            webhookUrl: body.webhookUrl ?? null,
            priority: priorityForPlan(user.plan),
            input: {
              query: body.query,
              location: body.location,
              profileId: body.profileId ?? null,
              numResults: body.numResults,
              maxScreening: body.maxScreening,
              sources: body.sources ?? null,
            },
          },
        ],
        limits(user.plan),
      );
      await dispatchRuns(producer, [run!], onDeferred);
      const links = runLinks(req, env.PUBLIC_BASE_URL, run!.runId);
      res.status(202).location(links.statusUrl).json({ runId: run!.runId, status: "pending", ...links });
    }),
  );

  r.post(
    "/v1/profiles/:id/job-searches",
    route(async (req, res) => {
      const user = currentUser(res);
      const profileId = pathId(req, "profile");
      const body = parse(ProfileJobSearchesBody, req.body, "body");
      const profile = await getProfileView(db, user.id, profileId);
      if (!profile) throw notFound("profile");
      await checkWebhook(body.webhookUrl);
      if (profile.status !== "ready" || profile.suggestedTitles.length === 0) {
        throw new HttpProblem(409, "Conflict", `the profile is not ready yet (status ${profile.status}); wait for its profiling run to complete`);
      }
      const extracted = profile.profile as { location?: string | null } | null;
      const location = profile.location ?? extracted?.location ?? "";
      const runs = await create(
        db,
        user.id,
        profile.suggestedTitles.map((query) => ({
          kind: "job_search" as const,
          profileId,
          webhookUrl: body.webhookUrl ?? null,
          priority: priorityForPlan(user.plan),
          input: { query, location, profileId, numResults: body.numResults, maxScreening: body.maxScreening, sources: null },
        })),
        limits(user.plan),
      );
      await dispatchRuns(producer, runs, onDeferred);
      res.status(202).json({
        profileId,
        runs: runs.map((run, i) => ({ runId: run.runId, query: profile.suggestedTitles[i], status: "pending", ...runLinks(req, env.PUBLIC_BASE_URL, run.runId) })),
      });
    }),
  );

  return r;
};
