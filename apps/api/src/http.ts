import { randomUUID } from "node:crypto";
import type { AuthenticatedUser } from "@job-agent/db";
import type { RateLimiter } from "@job-agent/queue";
import { UnsafeUrlError, checkPublicUrl, outboundOptions, type Resolver } from "@job-agent/shared";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { AppEnv } from "./deps.js";
import type { z } from "zod";
import { HttpProblem, fieldErrors, type FieldError } from "./problem.js";

/** Parses with zod or answers 400 naming every bad field. */
export const parse = <T extends z.ZodType>(schema: T, value: unknown, where?: string): z.infer<T> => {
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw new HttpProblem(400, "Bad Request", "the request is invalid", fieldErrors(r.error, where));
  return r.data;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id; anything that is not a UUID cannot exist, so it is a 404 like any unknown id. */
export const pathId = (req: Request, what: string): string => {
  const id = req.params.id;
  if (typeof id !== "string" || !UUID.test(id)) throw new HttpProblem(404, "Not Found", `${what} not found`);
  return id;
};

/** Express 5 forwards rejected promises; this only narrows the types. */
export const route =
  (fn: (req: Request, res: Response) => Promise<void>): RequestHandler =>
  (req, res, next) => {
    fn(req, res).catch(next);
  };

export const requestId: RequestHandler = (req, res, next) => {
  const given = req.header("x-request-id");
  const id = given && /^[A-Za-z0-9._-]{1,100}$/.test(given) ? given : randomUUID();
  res.setHeader("x-request-id", id);
  next();
};

const users = new WeakMap<Response, AuthenticatedUser>();

export const currentUser = (res: Response): AuthenticatedUser => {
  const u = users.get(res);
  if (!u) throw new HttpProblem(401, "Unauthorized", "an API key is required");
  return u;
};

export const authenticate =
  (lookup: (key: string) => Promise<AuthenticatedUser | null>): RequestHandler =>
  (req: Request, res: Response, next: NextFunction) => {
    const header = req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const challenge = { "WWW-Authenticate": 'Bearer realm="job-agent"' };
    if (!match?.[1]) {
      next(new HttpProblem(401, "Unauthorized", "send your API key as 'Authorization: Bearer <key>'", undefined, challenge));
      return;
    }
    lookup(match[1]).then(
      (user) => {
        if (!user) return next(new HttpProblem(401, "Unauthorized", "the API key is not valid", undefined, challenge));
        users.set(res, user);
        next();
      },
      (err: unknown) => next(err),
    );
  };

/** Absolute URLs for a run, from PUBLIC_BASE_URL or the request's own host. */
export const runLinks = (req: Request, baseUrl: string | undefined, runId: string) => {
  const base = (baseUrl ?? `${req.protocol}://${req.get("host") ?? "localhost"}`).replace(/\/$/, "");
  return { statusUrl: `${base}/v1/runs/${runId}`, eventsUrl: `${base}/v1/runs/${runId}/events` };
};

/** Admin keys alone pass. */
export const requireAdmin: RequestHandler = (_req, res, next) => {
  const u = currentUser(res);
  if (!u.isAdmin) return next(new HttpProblem(403, "Forbidden", "this needs an admin key"));
  next();
};

/**
 * Per-key rate limit (Redis, so it holds across API processes), by plan.
 * Every answer carries `RateLimit` and `RateLimit-Policy`; a 429 also `Retry-After`.
 */
export const rateLimit =
  (limiter: RateLimiter, env: Pick<AppEnv, "RATE_LIMIT_FREE" | "RATE_LIMIT_PREMIUM" | "RATE_LIMIT_WINDOW_MS">): RequestHandler =>
  (_req, res, next) => {
    const u = currentUser(res);
    const limit = u.plan === "premium" ? env.RATE_LIMIT_PREMIUM : env.RATE_LIMIT_FREE;
    limiter.hit(`key:${u.keyId}`, { limit, windowMs: env.RATE_LIMIT_WINDOW_MS }).then(
      (r) => {
        const reset = Math.max(1, Math.ceil(r.resetMs / 1000));
        res.setHeader("RateLimit-Policy", `${limit};w=${Math.ceil(env.RATE_LIMIT_WINDOW_MS / 1000)}`);
        res.setHeader("RateLimit", `limit=${limit}, remaining=${r.remaining}, reset=${reset}`);
        if (r.allowed) return next();
        next(new HttpProblem(429, "Too Many Requests", `at most ${limit} requests per ${env.RATE_LIMIT_WINDOW_MS / 1000} s for this key; try again in ${reset} s`, undefined, { "Retry-After": String(reset) }));
      },
      (err: unknown) => next(err),
    );
  };

/**
 * Checks user-supplied URLs with the same rules the worker fetches them by
 * (public addresses only, https in production); a refusal names the field.
 */
export const checkOutboundUrls = async (
  env: Pick<AppEnv, "NODE_ENV" | "OUTBOUND_ALLOW_PRIVATE_HOSTS" | "OUTBOUND_HTTPS_ONLY">,
  urls: { field: string; url: string }[],
  resolve?: Resolver,
): Promise<void> => {
  const opts = { ...outboundOptions(env), ...(resolve ? { resolve } : {}) };
  const errors: FieldError[] = [];
  await Promise.all(
    urls.map(async ({ field, url }) => {
      try {
        await checkPublicUrl(url, opts);
      } catch (err) {
        if (!(err instanceof UnsafeUrlError)) throw err;
        errors.push({ field, message: err.message });
      }
    }),
  );
  if (errors.length) {
    errors.sort((a, b) => a.field.localeCompare(b.field));
    throw new HttpProblem(400, "Bad Request", "a URL may only point at a public address", errors);
  }
};
