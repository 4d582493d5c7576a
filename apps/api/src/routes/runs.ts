import { decodeCursor, getRunView, listMatches, listRuns } from "@job-agent/db";
import { Router } from "express";
import type { AppDeps } from "../deps.js";
import { currentUser, parse, pathId, route } from "../http.js";
import { HttpProblem, notFound } from "../problem.js";
import { ListRunsQuery } from "../schemas.js";

export const runsRouter = ({ db }: AppDeps): Router => {
  const r = Router();

  r.get(
    "/runs",
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
    "/runs/:id",
    route(async (req, res) => {
      const view = await getRunView(db, currentUser(res).id, pathId(req, "run"));
      if (!view) throw notFound("run");
      res.json(view);
    }),
  );

  r.get(
    "/runs/:id/matches",
    route(async (req, res) => {
      const matches = await listMatches(db, currentUser(res).id, pathId(req, "run"));
      if (!matches) throw notFound("run");
      res.json({ items: matches });
    }),
  );

  return r;
};
