import express, { type Express } from "express";
import type { AppDeps } from "./deps.js";
import { authenticate, currentUser, requestId, route } from "./http.js";
import { HttpProblem, errorHandler } from "./problem.js";
import { profilesRouter } from "./routes/profiles.js";
import { runsRouter } from "./routes/runs.js";
import { searchesRouter } from "./routes/searches.js";

export const createApp = (deps: AppDeps): Express => {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback, linklocal, uniquelocal");
  app.use(requestId);
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      deps.log.info("request", {
        requestId: res.getHeader("x-request-id"),
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      });
    });
    next();
  });

  app.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get(
    "/ready",
    route(async (_req, res) => {
      const checks = await deps.ready();
      const ok = checks.postgres && checks.redis;
      res.status(ok ? 200 : 503).json({ status: ok ? "ready" : "unavailable", checks });
    }),
  );

  const v1 = express.Router();
  v1.use(express.json({ limit: deps.env.BODY_LIMIT_BYTES, strict: true }));
  v1.use(authenticate(deps.authenticate));
  v1.get("/me", (_req, res) => {
    const u = currentUser(res);
    res.json({ id: u.id, email: u.email, plan: u.plan, webhookSecret: u.webhookSecret });
  });
  v1.use(profilesRouter(deps));
  v1.use(searchesRouter(deps));
  v1.use(runsRouter(deps));
  app.use("/v1", v1);

  app.use((req, _res, next) => {
    next(new HttpProblem(404, "Not Found", `no route for ${req.method} ${req.path}`));
  });
  app.use(
    errorHandler((err, req) => {
      deps.log.error("unhandled error", { path: req.path, error: err instanceof Error ? err.message : String(err) });
    }),
  );
  return app;
};
