import { randomUUID } from "node:crypto";
import type { AuthenticatedUser } from "@job-agent/db";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { z } from "zod";
import { HttpProblem, fieldErrors } from "./problem.js";

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
