import { countRunsSince, createAlertStore, createApiKey, getApiKey, listApiKeys, nodeStatsSince, revokeApiKeys } from "@job-agent/db";
import { Router } from "express";
import type { AppDeps } from "../deps.js";
import { currentUser, parse, pathId, route } from "../http.js";
import { notFound } from "../problem.js";
import { AdminCreateKeyBody, AdminListKeysQuery } from "../schemas.js";

/**
 * `/admin/*`: reached by admin keys alone (app.ts puts authentication and
 * the admin check in front of this router). Queue dashboards and counts
 * mount beside these routes.
 */
export const adminRouter = ({ db, log, producer, board, forgetKeys }: AppDeps): Router => {
  const r = Router();
  const alerts = createAlertStore(db);

  // Bull Board, read-only (no retry or clean buttons that would replay a run behind Postgres's back).
  if (board) r.use("/admin/queues", board.router);

  r.get(
    "/admin/stats",
    route(async (_req, res) => {
      const now = Date.now();
      const hourAgo = new Date(now - 3_600_000);
      const dayAgo = new Date(now - 86_400_000);
      const [lastHour, lastDay, nodes, alertStates, queues] = await Promise.all([
        countRunsSince(db, hourAgo),
        countRunsSince(db, dayAgo),
        nodeStatsSince(db, dayAgo),
        alerts.list(),
        producer.snapshot().catch(() => null),
      ]);
      res.json({
        at: new Date(now).toISOString(),
        runs: { lastHour, lastDay },
        queues,
        nodes,
        alerts: alertStates.map((a) => ({
          key: a.key,
          status: a.status,
          message: a.message,
          firstSeenAt: a.firstSeenAt.toISOString(),
          lastNotifiedAt: a.lastNotifiedAt?.toISOString() ?? null,
          resolvedAt: a.resolvedAt?.toISOString() ?? null,
        })),
      });
    }),
  );

  r.get(
    "/admin/keys",
    route(async (req, res) => {
      const q = parse(AdminListKeysQuery, req.query, "query");
      res.json({ items: await listApiKeys(db, q) });
    }),
  );

  r.post(
    "/admin/keys",
    route(async (req, res) => {
      const body = parse(AdminCreateKeyBody, req.body, "body");
      const created = await createApiKey(db, body);
      log.info("api key created", { by: currentUser(res).id, userId: created.user.id, keyId: created.keyId, prefix: created.prefix });
      res.status(201).json(created);
    }),
  );

  r.delete(
    "/admin/keys/:id",
    route(async (req, res) => {
      const keyId = pathId(req, "key");
      const existing = await getApiKey(db, keyId);
      if (!existing) throw notFound("key");
      const [revoked] = await revokeApiKeys(db, { keyId });
      forgetKeys?.();
      log.info("api key revoked", { by: currentUser(res).id, keyId });
      res.json(revoked ?? existing);
    }),
  );

  return r;
};
