import { z } from "zod";
import {
  Accepted,
  AdminCreateKeyBody,
  CancelAccepted,
  AdminListKeysQuery,
  CreateProfileBody,
  CreateProfileMultipart,
  CreatedKeyResponse,
  DeliveriesResponse,
  FanOutAccepted,
  HealthResponse,
  JobSearchBody,
  KeyListResponse,
  KeyResponse,
  ListRunsQuery,
  MatchesResponse,
  MeResponse,
  Problem,
  ProfileJobSearchesBody,
  ProfileResponse,
  ReadyResponse,
  RetryAccepted,
  RunEventData,
  RunListResponse,
  RunResponse,
  ScheduleBody,
  ScheduleResponse,
  StatsResponse,
  WebhookSecretResponse,
} from "./schemas.js";

type Method = "get" | "post" | "put" | "delete";

interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
  headers?: Record<string, string>;
}

/** One documented operation. `path` is in Express form (`/v1/runs/:id`). */
export interface RouteDoc {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  auth: "none" | "key" | "admin";
  body?: { schema: z.ZodType; multipart?: z.ZodType };
  query?: z.ZodObject;
  responses: Record<number, ResponseDoc>;
}

const id = "the id";

/** Every route the API serves. A test checks this list against the routes Express has. */
export const ROUTES: RouteDoc[] = [
  { method: "get", path: "/health", summary: "Liveness", tag: "ops", auth: "none", responses: { 200: { description: "alive", schema: HealthResponse } } },
  {
    method: "get",
    path: "/ready",
    summary: "Readiness: Postgres and Redis answer",
    tag: "ops",
    auth: "none",
    responses: { 200: { description: "ready", schema: ReadyResponse }, 503: { description: "a dependency is down", schema: ReadyResponse } },
  },
  { method: "get", path: "/v1/me", summary: "The caller", tag: "account", auth: "key", responses: { 200: { description: "the caller", schema: MeResponse } } },
  {
    method: "post",
    path: "/v1/me/webhook-secret",
    summary: "Rotate the webhook signing secret",
    tag: "account",
    auth: "key",
    responses: { 200: { description: "the new secret; deliveries from now on are signed with it", schema: WebhookSecretResponse } },
  },
  {
    method: "post",
    path: "/v1/profiles",
    summary: "Profile a CV (JSON with cvText/cvUrls, or multipart with files)",
    tag: "profiles",
    auth: "key",
    body: { schema: CreateProfileBody, multipart: CreateProfileMultipart },
    responses: {
      202: { description: "accepted; the profiling run is queued", schema: Accepted },
      409: { description: "too many unfinished runs", schema: Problem, contentType: "application/problem+json" },
      413: { description: "a file or the body is too large", schema: Problem, contentType: "application/problem+json" },
      415: { description: "a file is not PDF, DOCX, TXT or Markdown", schema: Problem, contentType: "application/problem+json" },
      422: { description: "a file is refused before parsing (zip bomb, absurd page count)", schema: Problem, contentType: "application/problem+json" },
    },
  },
  {
    method: "get",
    path: "/v1/profiles/:id",
    summary: "A profile",
    tag: "profiles",
    auth: "key",
    responses: { 200: { description: "the profile", schema: ProfileResponse } },
  },
  {
    method: "post",
    path: "/v1/profiles/:id/job-searches",
    summary: "One job search per suggested title",
    tag: "job searches",
    auth: "key",
    body: { schema: ProfileJobSearchesBody },
    responses: {
      202: { description: "accepted", schema: FanOutAccepted },
      409: { description: "the profile is not ready, or too many unfinished runs", schema: Problem, contentType: "application/problem+json" },
    },
  },
  {
    method: "post",
    path: "/v1/job-searches",
    summary: "Search jobs",
    tag: "job searches",
    auth: "key",
    body: { schema: JobSearchBody },
    responses: {
      202: { description: "accepted", schema: Accepted },
      409: { description: "too many unfinished runs", schema: Problem, contentType: "application/problem+json" },
    },
  },
  { method: "get", path: "/v1/runs", summary: "The caller's runs, newest first", tag: "runs", auth: "key", query: ListRunsQuery, responses: { 200: { description: "a page", schema: RunListResponse } } },
  { method: "get", path: "/v1/runs/:id", summary: "A run", tag: "runs", auth: "key", responses: { 200: { description: "the run", schema: RunResponse } } },
  {
    method: "get",
    path: "/v1/runs/:id/events",
    summary: "Server-Sent Events of the run's status and node changes; honours Last-Event-ID; ends when the run finishes",
    tag: "runs",
    auth: "key",
    responses: { 200: { description: "an event stream; each event's data is one of these", schema: RunEventData, contentType: "text/event-stream" } },
  },
  {
    method: "post",
    path: "/v1/runs/:id/cancel",
    summary: "Cancel a run: at once if it has not started, else at the next node boundary (in-flight provider calls are aborted)",
    tag: "runs",
    auth: "key",
    responses: {
      202: { description: "accepted; `status` is `cancelled` if the run had not started", schema: CancelAccepted },
      409: { description: "the run is already completed, failed or cancelled", schema: Problem, contentType: "application/problem+json" },
    },
  },
  {
    method: "post",
    path: "/v1/runs/:id/retry",
    summary: "Retry a failed or cancelled run: a new execution that resumes from the run's checkpoints",
    tag: "runs",
    auth: "key",
    responses: {
      202: { description: "accepted; the new execution is queued", schema: RetryAccepted },
      409: { description: "the run is not failed or cancelled, or too many unfinished runs", schema: Problem, contentType: "application/problem+json" },
    },
  },
  { method: "get", path: "/v1/runs/:id/matches", summary: "A job search's matches, best first", tag: "runs", auth: "key", responses: { 200: { description: "the matches", schema: MatchesResponse } } },
  {
    method: "get",
    path: "/v1/runs/:id/deliveries",
    summary: "Webhook delivery attempts of a run",
    tag: "runs",
    auth: "key",
    responses: { 200: { description: "every attempt, oldest first", schema: DeliveriesResponse } },
  },
  { method: "get", path: "/admin/keys", summary: "API keys (never their secrets)", tag: "admin", auth: "admin", query: AdminListKeysQuery, responses: { 200: { description: "keys", schema: KeyListResponse } } },
  {
    method: "post",
    path: "/admin/keys",
    summary: "Create a key (and the user if needed)",
    tag: "admin",
    auth: "admin",
    body: { schema: AdminCreateKeyBody },
    responses: { 201: { description: "the key, shown this once", schema: CreatedKeyResponse } },
  },
  {
    method: "put",
    path: "/v1/profiles/:id/schedule",
    summary: "Set the profile's daily search (default every day at 09:00 in the profile's timezone)",
    tag: "profiles",
    auth: "key",
    body: { schema: ScheduleBody },
    responses: { 200: { description: "the schedule", schema: ScheduleResponse } },
  },
  { method: "get", path: "/v1/profiles/:id/schedule", summary: "The profile's daily search", tag: "profiles", auth: "key", responses: { 200: { description: "the schedule", schema: ScheduleResponse } } },
  {
    method: "get",
    path: "/admin/stats",
    summary: "Runs by status and kind, queue depths and ages, node throughput and failure rates, live workers, alert states",
    tag: "admin",
    auth: "admin",
    responses: { 200: { description: "the numbers", schema: StatsResponse } },
  },
  { method: "delete", path: "/admin/keys/:id", summary: "Revoke a key", tag: "admin", auth: "admin", responses: { 200: { description: "the revoked key", schema: KeyResponse } } },
];

const schemaOf = (s: z.ZodType, io: "input" | "output") => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(s, { target: "draft-2020-12", io, unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
};

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: schemaOf(Problem, "output") } } });

const RATE_HEADERS = {
  RateLimit: { description: "`limit=<n>, remaining=<n>, reset=<seconds>` for the caller's key", schema: { type: "string" } },
  "RateLimit-Policy": { description: "`<limit>;w=<window seconds>`", schema: { type: "string" } },
};

const REPLAY_HEADER = {
  "Idempotent-Replayed": { description: "`true` when this is the stored answer to an earlier request with the same Idempotency-Key", schema: { type: "string", enum: ["true"] } },
};

/** The OpenAPI 3.1 document, generated from the schemas that validate requests. */
export const buildOpenApi = (serverUrl?: string): Record<string, unknown> => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) {
    const path = r.path.replace(/:(\w+)/g, "{$1}");
    const parameters: unknown[] = [];
    for (const m of r.path.matchAll(/:(\w+)/g)) parameters.push({ name: m[1], in: "path", required: true, description: id, schema: { type: "string", format: "uuid" } });
    if (r.query) {
      const q = schemaOf(r.query, "input") as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(q.properties ?? {})) parameters.push({ name, in: "query", required: q.required?.includes(name) ?? false, schema });
    }
    const idempotent = r.method === "post" && r.path.startsWith("/v1/");
    if (idempotent) {
      parameters.push({
        name: "Idempotency-Key",
        in: "header",
        required: false,
        description:
          "1–200 printable characters. The first answer is stored for 24 h and returned again (with `Idempotent-Replayed: true`) to a repeat of the same request; the same key with a different request is a 422.",
        schema: { type: "string", minLength: 1, maxLength: 200 },
      });
    }
    if (r.auth !== "none") {
      parameters.push({ name: "X-Request-Id", in: "header", required: false, description: "echoed back; generated when absent", schema: { type: "string" } });
    }
    const responses: Record<string, unknown> = {};
    for (const [status, doc] of Object.entries(r.responses)) {
      responses[status] = {
        description: doc.description,
        ...(doc.schema ? { content: { [doc.contentType ?? "application/json"]: { schema: schemaOf(doc.schema, "output") } } } : {}),
        ...(r.auth !== "none" ? { headers: idempotent ? { ...RATE_HEADERS, ...REPLAY_HEADER } : RATE_HEADERS } : {}),
      };
    }
    if (r.body || r.query) responses["400"] ??= problem("invalid input; `errors` names every bad field");
    if (idempotent) {
      for (const [status, what] of [
        ["409", "a request with this Idempotency-Key is still in flight (Retry-After: 1)"],
        ["422", "this Idempotency-Key was used for a different request"],
      ] as const) {
        const doc = responses[status] as { description: string } | undefined;
        responses[status] = doc ? { ...doc, description: `${doc.description}; or ${what}` } : problem(what);
      }
      responses["400"] ??= problem("invalid input (an invalid Idempotency-Key too)");
    }
    if (r.auth !== "none") {
      responses["401"] ??= problem("no valid API key");
      responses["429"] ??= { ...problem("rate limited; wait Retry-After seconds"), headers: { "Retry-After": { schema: { type: "integer" } }, ...RATE_HEADERS } };
    }
    if (r.auth === "admin") responses["403"] ??= problem("the key is not an admin key");
    if (r.path.includes(":id")) responses["404"] ??= problem("no such object for this caller (another user's id too)");
    if (r.body) responses["413"] ??= problem("the body is too large");
    responses["500"] ??= problem("an error on our side (never with a stack trace)");
    paths[path] ??= {};
    paths[path][r.method] = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method}${path.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
      ...(r.auth === "none" ? { security: [] } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: {
                "application/json": { schema: schemaOf(r.body.schema, "input") },
                ...(r.body.multipart ? { "multipart/form-data": { schema: schemaOf(r.body.multipart, "input") } } : {}),
              },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "job-agent API",
      version: "1.0.0",
      description:
        "CV → profile → job searches → matched postings with cover letters. Runs are asynchronous: a POST answers 202 with the run's URLs; follow it by polling, by Server-Sent Events, or by a signed webhook (Standard Webhooks). Errors are RFC 9457 problem+json.",
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    security: [{ apiKey: [] }],
    components: { securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "`Authorization: Bearer ja_…`" } } },
    paths,
  };
};
