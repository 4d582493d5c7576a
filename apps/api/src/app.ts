import express, { type Express, type RequestHandler } from "express";
import { reportError } from "@job-agent/shared";
import helmet from "helmet";
import type { AppDeps } from "./deps.js";
import { docsRouter } from "./docs.js";
import { authenticate, rateLimit, requestId, requireAdmin, route } from "./http.js";
import { idempotency } from "./idempotency.js";
import { buildOpenApi } from "./openapi.js";
import { HttpProblem, errorHandler } from "./problem.js";
import { adminRouter } from "./routes/admin.js";
import { meRouter } from "./routes/me.js";
import { profilesRouter } from "./routes/profiles.js";
import { runsRouter } from "./routes/runs.js";
import { schedulesRouter } from "./routes/schedules.js";
import { searchesRouter } from "./routes/searches.js";

const trustProxy = (v: string): boolean | number | string => {
  if (v === "true" || v === "false") return v === "true";
  return /^\d+$/.test(v) ? Number(v) : v;
};

/** CORS for the listed browser origins only; others get no CORS headers (the browser blocks them). */
const cors =
  (origins: string[]): RequestHandler =>
  (req, res, next) => {
    const origin = req.header("origin");
    const allowed = origin !== undefined && (origins.includes(origin) || origins.includes("*"));
    if (allowed) {
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Access-Control-Expose-Headers", "X-Request-Id, Location, RateLimit, RateLimit-Policy, Retry-After, Idempotent-Replayed");
    }
    res.vary("Origin");
    if (req.method === "OPTIONS" && req.header("access-control-request-method")) {
      if (allowed) {
        res.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE");
        res.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, Last-Event-ID, X-Request-Id, Idempotency-Key");
        res.setHeader("Access-Control-Max-Age", "600");
      }
      res.status(204).end();
      return;
    }
    next();
  };

export const createApp = (deps: AppDeps): Express => {
  const { env, log } = deps;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", trustProxy(env.TRUST_PROXY));
  app.use(requestId);
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      log.info("request", {
        requestId: res.getHeader("x-request-id"),
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ip: req.ip,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      });
    });
    next();
  });
  app.use(helmet());
  app.use(cors(env.CORS_ORIGINS));

  const openapi = buildOpenApi(env.PUBLIC_BASE_URL);
  const ops = express.Router();
  ops.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });
  ops.get(
    "/ready",
    route(async (_req, res) => {
      const checks = await deps.ready();
      const ok = checks.postgres && checks.redis;
      res.status(ok ? 200 : 503).json({ status: ok ? "ready" : "unavailable", checks });
    }),
  );
  ops.get("/openapi.json", (_req, res) => {
    res.json(openapi);
  });
  app.use(ops);
  app.use(docsRouter());

  const body = express.json({ limit: env.BODY_LIMIT_BYTES, strict: true });
  const auth = authenticate(deps.authenticate);
  const limit = rateLimit(deps.limiter, env);
  app.use("/v1", body, auth, limit, idempotency(deps));
  app.use(meRouter(deps));
  app.use(profilesRouter(deps));
  app.use(searchesRouter(deps));
  app.use(runsRouter(deps));
  app.use(schedulesRouter(deps));

  // Admin keys alone get past this line; Bull Board and /admin/stats mount on this router's side.
  app.use("/admin", body, auth, requireAdmin, limit);
  app.use(adminRouter(deps));

  app.use((req, _res, next) => {
    next(new HttpProblem(404, "Not Found", `no route for ${req.method} ${req.path}`));
  });
  app.use(
    errorHandler((err, req) => {
      log.error("unhandled error", { path: req.path, error: err instanceof Error ? err.message : String(err) });
      reportError(err, { method: req.method, path: req.route ? String((req.route as { path: unknown }).path) : req.path });
    }),
  );
  return app;
};
