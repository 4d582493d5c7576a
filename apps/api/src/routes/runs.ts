import { decodeCursor, getRunView, listDeliveries, listMatches, listRuns } from "@job-agent/db";
import { Router } from "express";
import type { AppDeps } from "../deps.js";
import { currentUser, parse, pathId, route } from "../http.js";
import { HttpProblem, notFound } from "../problem.js";
import { ListRunsQuery } from "../schemas.js";
import { streamRunEvents } from "../sse.js";

export const runsRouter = ({ db, events, env }: AppDeps): Router => {
  const r = Router();

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
