import type { NextFunction, Request, Response } from "express";
import type { z } from "zod";

/** A field-level detail of a 400, pointing at the offending input. */
export interface FieldError {
  field: string;
  message: string;
}

/** An error the API answers with, as RFC 9457 problem+json. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? title);
  }
}

export const notFound = (what: string) => new HttpProblem(404, "Not Found", `${what} not found`);

export const fieldErrors = (err: z.ZodError, prefix?: string): FieldError[] =>
  err.issues.map((i) => {
    const path = [...(prefix ? [prefix] : []), ...i.path.map(String)];
    const keys = i.code === "unrecognized_keys" ? i.keys : [];
    const field = keys.length ? [...path, keys.join(",")].join(".") : path.join(".");
    return { field: field || "body", message: i.message };
  });

export const sendProblem = (res: Response, p: HttpProblem, requestId?: string): void => {
  for (const [k, v] of Object.entries(p.headers ?? {})) res.setHeader(k, v);
  res
    .status(p.status)
    .type("application/problem+json")
    .json({
      type: "about:blank",
      title: p.title,
      status: p.status,
      ...(p.detail ? { detail: p.detail } : {}),
      ...(p.errors ? { errors: p.errors } : {}),
      ...(requestId ? { requestId } : {}),
    });
};

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

/** Turns anything thrown by a route or middleware into a problem; never leaks a stack. */
export const errorHandler =
  (onUnexpected: (err: unknown, req: Request) => void) =>
  (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const requestId = res.getHeader("x-request-id") as string | undefined;
    if (err instanceof HttpProblem) return sendProblem(res, err, requestId);
    const bp = err as BodyParserError;
    if (bp?.type === "entity.too.large") {
      return sendProblem(res, new HttpProblem(413, "Content Too Large", `the request body is larger than ${bp.limit} bytes`, [{ field: "body", message: "too large" }]), requestId);
    }
    if (bp?.type === "entity.parse.failed") {
      return sendProblem(res, new HttpProblem(400, "Bad Request", "the request body is not valid JSON", [{ field: "body", message: "invalid JSON" }]), requestId);
    }
    if (bp?.type === "encoding.unsupported" || bp?.type === "charset.unsupported") {
      return sendProblem(res, new HttpProblem(415, "Unsupported Media Type", "unsupported body encoding"), requestId);
    }
    onUnexpected(err, req);
    sendProblem(res, new HttpProblem(500, "Internal Server Error", "something went wrong on our side"), requestId);
  };
