import { SOURCE_NAMES } from "@job-agent/workflows";
import { z } from "zod";

/**
 * Request and response shapes. Requests are validated with these; the
 * OpenAPI document is generated from the same schemas. Request objects are
 * strict: an unknown field is a 400, not silently ignored.
 */

const webhookUrl = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
  .max(2_000)
  .describe("Receives a signed POST (Standard Webhooks) when the run completes or fails.");

const text = (max: number) => z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);

const cvUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).max(2_000);

const profileFields = {
  cvText: z.string().max(200_000, "must be at most 200000 characters").refine((s) => s.trim().length > 0, "must not be empty").optional(),
  cvUrls: z.array(cvUrl).min(1).max(5).optional().describe("CVs to fetch (PDF, DOCX, TXT/MD); public https addresses only."),
  name: text(200).optional(),
  email: z.email().max(320).optional(),
  location: text(200).optional(),
  webhookUrl: webhookUrl.optional(),
};

export const CreateProfileBody = z
  .strictObject(profileFields)
  .refine((b) => b.cvText !== undefined || b.cvUrls !== undefined, { message: "send cvText, cvUrls or files", path: ["cvText"] });
export type CreateProfileBody = z.infer<typeof CreateProfileBody>;

/** The text fields of a multipart profile upload (files come in `files`). */
export const CreateProfileForm = z.strictObject(profileFields);

/** The multipart form, for the documentation only. */
export const CreateProfileMultipart = z.object({
  files: z.array(z.string().meta({ format: "binary" })).describe("CV files: PDF, DOCX, TXT or Markdown (JSON Resume too), judged by their bytes."),
  ...profileFields,
});

export const JobSearchBody = z.strictObject({
  query: text(200),
  location: z.string().trim().max(200, "must be at most 200 characters"),
  profileId: z.uuid().optional(),
  numResults: z.int().min(1).max(200).default(25),
  maxScreening: z.int().min(1).max(50).default(10),
  sources: z.array(z.enum(SOURCE_NAMES)).min(1).max(SOURCE_NAMES.length).optional(),
  webhookUrl: webhookUrl.optional(),
});
export type JobSearchBody = z.infer<typeof JobSearchBody>;

export const ProfileJobSearchesBody = z.strictObject({
  numResults: z.int().min(1).max(200).default(25),
  maxScreening: z.int().min(1).max(50).default(10),
  webhookUrl: webhookUrl.optional(),
});

const STATUSES = ["pending", "running", "completed", "failed", "cancelled"] as const;
const KINDS = ["profiling", "job_search"] as const;

export const ListRunsQuery = z.strictObject({
  status: z.enum(STATUSES).optional(),
  kind: z.enum(KINDS).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
});

export const IdParams = z.strictObject({ id: z.uuid() });

export const AdminCreateKeyBody = z.strictObject({
  email: z.email().max(320),
  plan: z.enum(["free", "premium"]).optional(),
  admin: z.boolean().optional(),
  name: text(100).optional(),
});

export const AdminListKeysQuery = z.strictObject({
  email: z.email().max(320).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

// --- responses ---

const dateTime = z.iso.datetime({ offset: true });
const nullableDate = dateTime.nullable();
const json = z.unknown();

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string().optional(),
  errors: z.array(z.strictObject({ field: z.string(), message: z.string() })).optional(),
  requestId: z.string().optional(),
});

export const Accepted = z.strictObject({
  runId: z.uuid(),
  profileId: z.uuid().optional(),
  status: z.literal("pending"),
  statusUrl: z.url(),
  eventsUrl: z.url(),
});

export const FanOutAccepted = z.strictObject({
  profileId: z.uuid(),
  runs: z.array(z.strictObject({ runId: z.uuid(), query: z.string(), status: z.literal("pending"), statusUrl: z.url(), eventsUrl: z.url() })),
});

export const ProfileResponse = z.strictObject({
  profileId: z.uuid(),
  status: z.enum(["pending", "ready", "failed"]),
  name: z.string().nullable(),
  email: z.string().nullable(),
  location: z.string().nullable(),
  timezone: z.string(),
  profile: json,
  suggestedTitles: z.array(z.string()),
  createdAt: dateTime,
  updatedAt: dateTime,
});

export const RunResponse = z.strictObject({
  runId: z.uuid(),
  kind: z.enum(KINDS),
  status: z.enum(STATUSES),
  profileId: z.uuid().nullable(),
  currentNode: z.string().nullable(),
  progress: z.int().min(0).max(100),
  nodes: z.array(
    z.strictObject({ name: z.string(), status: z.enum(STATUSES), attempts: z.int().min(0), startedAt: nullableDate, finishedAt: nullableDate }),
  ),
  error: json,
  createdAt: dateTime,
  startedAt: nullableDate,
  completedAt: nullableDate,
  result: json,
  executions: z
    .array(
      z.strictObject({
        executionId: z.uuid(),
        status: z.enum(STATUSES),
        attempts: z.int().min(0),
        createdAt: dateTime,
        finishedAt: nullableDate,
        error: json,
      }),
    )
    .describe("Every execution of the run, newest first; a retry adds one. Status, progress and nodes above are the newest's."),
});

export const CancelAccepted = z.strictObject({
  runId: z.uuid(),
  status: z.enum(STATUSES).describe("`cancelled` when the run had not started; otherwise its current status until the worker stops it at the next node boundary."),
});

export const RetryAccepted = z.strictObject({
  runId: z.uuid(),
  executionId: z.uuid(),
  status: z.literal("pending"),
  statusUrl: z.url(),
  eventsUrl: z.url(),
});

export const RunListResponse = z.strictObject({
  items: z.array(
    z.strictObject({ runId: z.uuid(), kind: z.enum(KINDS), status: z.enum(STATUSES), profileId: z.uuid().nullable(), createdAt: dateTime, completedAt: nullableDate }),
  ),
  nextCursor: z.string().nullable(),
});

export const MatchesResponse = z.strictObject({
  items: z.array(
    z.strictObject({
      rank: z.int(),
      score: z.number(),
      reasons: json,
      research: json,
      coverLetter: z.string().nullable(),
      highlights: z.array(z.string()),
      posting: z.strictObject({
        id: z.uuid(),
        source: z.string(),
        sourceId: z.string(),
        title: z.string(),
        company: z.string(),
        location: z.string().nullable(),
        remote: z.boolean(),
        url: z.string(),
        postedAt: nullableDate,
        salary: json,
        description: z.string(),
      }),
    }),
  ),
});

export const DeliveriesResponse = z.strictObject({
  items: z.array(
    z.strictObject({
      deliveryId: z.uuid(),
      webhookId: z.string(),
      event: z.string(),
      url: z.string(),
      attempt: z.int().min(1),
      status: z.enum(["pending", "succeeded", "failed", "skipped"]),
      responseStatus: z.int().nullable(),
      error: z.string().nullable(),
      durationMs: z.int().nullable(),
      createdAt: dateTime,
    }),
  ),
});

export const MeResponse = z.strictObject({ id: z.uuid(), email: z.string(), plan: z.enum(["free", "premium"]), webhookSecret: z.string().regex(/^whsec_/) });
export const WebhookSecretResponse = z.strictObject({ webhookSecret: z.string().regex(/^whsec_/) });

const KeyView = z.strictObject({
  keyId: z.uuid(),
  prefix: z.string(),
  name: z.string().nullable(),
  userId: z.uuid(),
  email: z.string(),
  plan: z.enum(["free", "premium"]),
  isAdmin: z.boolean(),
  createdAt: dateTime,
  lastUsedAt: nullableDate,
  revokedAt: nullableDate,
});
export const KeyListResponse = z.strictObject({ items: z.array(KeyView) });
export const KeyResponse = KeyView;
export const CreatedKeyResponse = z.strictObject({
  key: z.string().regex(/^ja_/).describe("Shown once: only its hash is stored."),
  keyId: z.uuid(),
  prefix: z.string(),
  user: z.strictObject({ id: z.uuid(), email: z.string(), plan: z.enum(["free", "premium"]), isAdmin: z.boolean() }),
});

export const HealthResponse = z.strictObject({ status: z.literal("ok") });
export const ReadyResponse = z.strictObject({ status: z.enum(["ready", "unavailable"]), checks: z.strictObject({ postgres: z.boolean(), redis: z.boolean() }) });

/** One Server-Sent Event's data (the `id:` line carries the same id). */
export const RunEventData = z.strictObject({
  id: z.string().regex(/^\d+$/),
  type: z.enum(["run.status", "node.started", "node.completed", "node.failed"]),
  runId: z.uuid(),
  executionId: z.uuid(),
  status: z.string().optional(),
  node: z.string().optional(),
  progress: z.number().optional(),
  at: dateTime,
});

/** `PUT /v1/profiles/:id/schedule`: cron defaults to every day at 09:00, timezone to the profile's. */
export const ScheduleBody = z.strictObject({
  cron: z.string().trim().min(1).max(100).optional(),
  timezone: z.string().trim().min(1).max(64).optional(),
  enabled: z.boolean(),
});

export const ScheduleResponse = z.strictObject({
  profileId: z.uuid(),
  cron: z.string(),
  timezone: z.string(),
  enabled: z.boolean(),
  lastFiredAt: nullableDate,
  updatedAt: dateTime,
});

const QueueStats = z.strictObject({
  queue: z.string(),
  counts: z.record(z.string(), z.number()),
  backlog: z.int(),
  oldestWaitingMs: z.int(),
  workers: z.int(),
});

export const StatsResponse = z.strictObject({
  at: dateTime,
  runs: z.strictObject({
    lastHour: z.array(z.strictObject({ kind: z.enum(KINDS), status: z.enum(STATUSES), count: z.int() })),
    lastDay: z.array(z.strictObject({ kind: z.enum(KINDS), status: z.enum(STATUSES), count: z.int() })),
  }),
  queues: z.array(QueueStats).nullable(),
  nodes: z.array(
    z.strictObject({ kind: z.enum(KINDS), node: z.string(), completed: z.int(), failed: z.int(), failureRate: z.number(), avgMs: z.number().nullable() }),
  ),
  alerts: z.array(
    z.strictObject({
      key: z.string(),
      status: z.enum(["pending", "firing", "resolved"]),
      message: z.string(),
      firstSeenAt: dateTime,
      lastNotifiedAt: nullableDate,
      resolvedAt: nullableDate,
    }),
  ),
});
