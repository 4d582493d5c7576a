import { createApiKey, getApiKey, listApiKeys, revokeApiKeys } from "@job-agent/db";
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
export const adminRouter = ({ db, log }: AppDeps): Router => {
  const r = Router();

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
      log.info("api key revoked", { by: currentUser(res).id, keyId });
      res.json(revoked ?? existing);
    }),
  );

  return r;
};
