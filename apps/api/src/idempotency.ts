import { createHash } from "node:crypto";
import { claimIdempotencyKey, completeIdempotencyKey, releaseIdempotencyKey, type Db } from "@job-agent/db";
import type { Logger } from "@job-agent/shared";
import type { Request, RequestHandler, Response } from "express";
import type { AppEnv } from "./deps.js";
import { currentUser } from "./http.js";
import { HttpProblem } from "./problem.js";
import { multipartOf, uploadLimits } from "./uploads.js";

/** 1–200 printable ASCII characters. */
const KEY = /^[\x20-\x7e]{1,200}$/;
const FIELD = "header.idempotency-key";

/** JSON with object keys sorted at every level, so `{a,b}` and `{b,a}` are the same request. */
const canonical = (v: unknown): string => {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
};

const sha256 = (s: string | Uint8Array) => createHash("sha256").update(s).digest("hex");

/**
 * What identifies a request: method, path and canonical body. A multipart
 * body is hashed by its parts (fields, and each file's name and bytes), not
 * its raw stream, whose boundary differs on every retry.
 */
const requestHash = async (req: Request, env: AppEnv): Promise<string> => {
  let body: unknown = req.body ?? null;
  if (req.is("multipart/form-data")) {
    const form = await multipartOf(req, uploadLimits(env));
    body = { fields: form.fields, files: form.files.map((f) => ({ filename: f.filename, sha256: sha256(f.bytes) })) };
  }
  return sha256(`${req.method}\n${req.originalUrl}\n${canonical(body)}`);
};

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Stores the first `res.json` answer under the key (or releases the key on a 5xx) before it is sent. */
const recordAnswer = (db: Db, log: Logger, res: Response, id: string): void => {
  let settled = false;
  const send = res.json.bind(res);
  res.json = ((body: unknown) => {
    if (settled) return send(body);
    settled = true;
    const status = res.statusCode;
    const stored: unknown = body === undefined ? null : JSON.parse(JSON.stringify(body));
    const done = status >= 500 ? releaseIdempotencyKey(db, id) : completeIdempotencyKey(db, id, status, stored);
    void done
      .catch((err: unknown) => log.warn("idempotency key not stored", { idempotencyKeyId: id, error: message(err) }))
      .then(() => {
        try {
          send(body);
        } catch (err) {
          log.warn("answer not sent", { idempotencyKeyId: id, error: message(err) });
        }
      });
    return res;
  }) as Response["json"];
  // Answered some other way (no JSON body): nothing to replay, so the key is given back.
  res.on("finish", () => {
    if (settled) return;
    settled = true;
    releaseIdempotencyKey(db, id).catch((err: unknown) =>
      log.warn("idempotency key not released", { idempotencyKeyId: id, error: message(err) }),
    );
  });
};

/**
 * `Idempotency-Key` on POST: the first request's answer (status and body)
 * is stored for 24 h and replayed to every repeat (`Idempotent-Replayed:
 * true`); the same key with another request is a 422; a repeat that arrives
 * while the first is still running waits up to `IDEMPOTENCY_WAIT_MS` for its
 * answer, then gets a 409 with `Retry-After`. Postgres's unique index decides
 * which of several concurrent requests runs. A 5xx releases the key.
 */
export const idempotency =
  ({ db, log, env }: { db: Db; log: Logger; env: AppEnv }): RequestHandler =>
  (req, res, next) => {
    const key = req.header("idempotency-key");
    if (req.method !== "POST" || key === undefined) return next();
    const run = async () => {
      if (!KEY.test(key)) throw new HttpProblem(400, "Bad Request", "the Idempotency-Key header is invalid", [{ field: FIELD, message: "1 to 200 printable ASCII characters" }]);
      const user = currentUser(res);
      const ask = { userId: user.id, key, method: req.method, path: req.originalUrl.split("?")[0] ?? req.path, requestHash: await requestHash(req, env) };
      const until = Date.now() + env.IDEMPOTENCY_WAIT_MS;
      for (let pause = 25; ; pause = Math.min(pause * 2, 200)) {
        const claim = await claimIdempotencyKey(db, ask);
        if (claim.outcome === "claimed") {
          recordAnswer(db, log, res, claim.id);
          return next();
        }
        if (claim.outcome === "replay") {
          const body = claim.body as { statusUrl?: unknown } | null;
          res.setHeader("Idempotent-Replayed", "true");
          if (claim.status === 202 && typeof body?.statusUrl === "string") res.location(body.statusUrl);
          res.status(claim.status).type(claim.status >= 400 ? "application/problem+json" : "application/json").json(claim.body);
          return;
        }
        if (claim.outcome === "mismatch") {
          throw new HttpProblem(422, "Unprocessable Content", "this Idempotency-Key was already used for a different request", [
            { field: FIELD, message: "already used with another body, method or path; use a new key for a new request" },
          ]);
        }
        if (Date.now() >= until) {
          throw new HttpProblem(409, "Conflict", "a request with this Idempotency-Key is still in progress; try again shortly", [{ field: FIELD, message: "in flight" }], {
            "Retry-After": "1",
          });
        }
        await sleep(pause);
      }
    };
    run().catch(next);
  };
