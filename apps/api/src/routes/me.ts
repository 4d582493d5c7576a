import { rotateWebhookSecret } from "@job-agent/db";
import { Router } from "express";
import type { AppDeps } from "../deps.js";
import { currentUser, route } from "../http.js";

export const meRouter = ({ db, log, forgetKeys }: AppDeps): Router => {
  const r = Router();

  r.get("/v1/me", (_req, res) => {
    const u = currentUser(res);
    res.json({ id: u.id, email: u.email, plan: u.plan, webhookSecret: u.webhookSecret });
  });

  r.post(
    "/v1/me/webhook-secret",
    route(async (_req, res) => {
      const u = currentUser(res);
      const webhookSecret = await rotateWebhookSecret(db, u.id);
      forgetKeys?.();
      log.info("webhook secret rotated", { userId: u.id });
      res.json({ webhookSecret });
    }),
  );

  return r;
};
