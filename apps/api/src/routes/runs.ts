import { RunLimitError, cancelRun, decodeCursor, getRunView, listDeliveries, listMatches, listRuns, retryRun } from "@job-agent/db";
import { dispatchRuns, queueForKind } from "@job-agent/queue";
import { Router } from "express";
import type { AppDeps } from "../deps.js";
import { currentUser, parse, pathId, route, runLinks } from "../http.js";
import { HttpProblem, notFound } from "../problem.js";
import { ListRunsQuery } from "../schemas.js";
import { streamRunEvents } from "../sse.js";
import { runLimitProblem } from "./profiles.js";

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const runsRouter = ({ db, events, env, producer, log }: AppDeps): Router => {
  const r = Router();

  r.post(
    "/v1/runs/:id/cancel",
    route(async (req, res) => {
      const result = await cancelRun(db, currentUser(res).id, pathId(req, "run"));
      if (result.outcome === "not_found") throw notFound("run");
      if (result.outcome === "finished") throw new HttpProblem(409, "Conflict", `the run is already ${result.status}; only a pending or running run can be cancelled`);
      if (result.executionId) {
        // Cancelled before it started: its queued job would only be skipped, so it goes now (the worker skips it anyway if this fails).
        const executionId = result.executionId;
        await producer.removeJob(queueForKind(result.kind), executionId).catch((err: unknown) => log.warn("queued job not removed", { runId: result.runId, executionId, error: message(err) }));
      }
      log.info("run cancel requested", { runId: result.runId, status: result.status });
      res.status(202).json({ runId: result.runId, status: result.status });
    }),
  );

  r.post(
    "/v1/runs/:id/retry",
    route(async (req, res) => {
      const user = currentUser(res);
      let result;
      try {
        result = await retryRun(db, user.id, pathId(req, "run"), { maxUnfinished: user.plan === "premium" ? env.MAX_UNFINISHED_RUNS_PREMIUM : env.MAX_UNFINISHED_RUNS_FREE });
      } catch (err) {
        if (err instanceof RunLimitError) throw runLimitProblem(err);
        throw err;
      }
      if (result.outcome === "not_found") throw notFound("run");
      if (result.outcome === "not_retryable") throw new HttpProblem(409, "Conflict", `the run is ${result.status}; only a failed or cancelled run can be retried`);
      const run = result.run;
      await dispatchRuns(producer, [run], (err) => log.warn("enqueue deferred to the reconciler", { runId: run.runId, executionId: run.executionId, error: message(err) }));
      log.info("run retried", { runId: run.runId, executionId: run.executionId });
      const links = runLinks(req, env.PUBLIC_BASE_URL, run.runId);
      res.status(202).location(links.statusUrl).json({ runId: run.runId, executionId: run.executionId, status: "pending", ...links });
    }),
  );

  r.get(
    "/v1/runs",
    route(async (req, res) => {
      const user = currentUser(res);
      const q = parse(ListRunsQuery, req.query, "query");
      const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
      if (cursor === null) throw new HttpProblem(400, "Bad Request", "the cursor is invalid", [{ field: "query.cursor", message: "not a cursor from this API" }]);
      const page = await listRuns(db, user.id, { status: q.status, kind: q.kind, limit: q.limit, cursor });
      res.json(page);
    }),
  );

  r.get(
    "/v1/runs/:id",
    route(async (req, res) => {
      const view = await getRunView(db, currentUser(res).id, pathId(req, "run"));
      if (!view) throw notFound("run");
      res.json(view);
    }),
  );

  r.get(
    "/v1/runs/:id/events",
    route(async (req, res) => {
      const found = await streamRunEvents({ db, events, heartbeatMs: env.SSE_HEARTBEAT_MS }, req, res, currentUser(res).id, pathId(req, "run"));
      if (!found) throw notFound("run");
    }),
  );

  r.get(
    "/v1/runs/:id/matches",
    route(async (req, res) => {
      const matches = await listMatches(db, currentUser(res).id, pathId(req, "run"));
      if (!matches) throw notFound("run");
      res.json({ items: matches });
    }),
  );

  r.get(
    "/v1/runs/:id/deliveries",
    route(async (req, res) => {
      const items = await listDeliveries(db, currentUser(res).id, pathId(req, "run"));
      if (!items) throw notFound("run");
      res.json({ items });
    }),
  );

  return r;
};
