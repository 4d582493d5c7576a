import { createHash } from "node:crypto";
import { createProfileWithRun, getProfileView } from "@job-agent/db";
import { dispatchRuns, priorityForPlan } from "@job-agent/queue";
import { Router } from "express";
import type { AppDeps } from "../deps.js";
import { currentUser, parse, pathId, route, runLinks } from "../http.js";
import { HttpProblem, notFound } from "../problem.js";
import { CreateProfileBody } from "../schemas.js";

export const profilesRouter = ({ db, producer, log, env }: AppDeps): Router => {
  const r = Router();

  r.post(
    "/profiles",
    route(async (req, res) => {
      if (req.is("multipart/form-data")) {
        throw new HttpProblem(415, "Unsupported Media Type", "file uploads are not enabled on this server yet; send JSON with cvText", [
          { field: "files", message: "multipart uploads are not supported yet" },
        ]);
      }
      const user = currentUser(res);
      const body = parse(CreateProfileBody, req.body, "body");
      if (body.cvText === undefined) {
        throw new HttpProblem(400, "Bad Request", "fetching CVs from URLs is not enabled on this server yet; send cvText", [
          { field: "body.cvUrls", message: "not supported yet" },
        ]);
      }
      const bytes = Buffer.from(body.cvText, "utf8");
      const created = await createProfileWithRun(db, user.id, {
        name: body.name ?? null,
        email: body.email ?? null,
        location: body.location ?? null,
        webhookUrl: body.webhookUrl ?? null,
        priority: priorityForPlan(user.plan),
        cv: {
          text: body.cvText,
          bytes: null,
          mediaType: "text/plain",
          filename: null,
          sha256: createHash("sha256").update(bytes).digest("hex"),
          sizeBytes: bytes.byteLength,
        },
      });
      await dispatchRuns(producer, [created], (err) =>
        log.warn("enqueue deferred to the reconciler", { runId: created.runId, error: err instanceof Error ? err.message : String(err) }),
      );
      const links = runLinks(req, env.PUBLIC_BASE_URL, created.runId);
      res.status(202).location(links.statusUrl).json({ runId: created.runId, profileId: created.profileId, status: "pending", ...links });
    }),
  );

  r.get(
    "/profiles/:id",
    route(async (req, res) => {
      const view = await getProfileView(db, currentUser(res).id, pathId(req, "profile"));
      if (!view) throw notFound("profile");
      res.json(view);
    }),
  );

  return r;
};
