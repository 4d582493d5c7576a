import { nodeNames, workflows } from "@job-agent/workflows";
import { sqlBatcherPerDb } from "../batch.js";
import type { Db, Tx } from "../client.js";
import { Prisma, type RunKind, type Status } from "../../generated/prisma/client.js";
import { notifyRunEvent } from "./events.js";

export interface NewRun {
  kind: RunKind;
  input: Record<string, unknown>;
  profileId?: string | null;
  webhookUrl?: string | null;
  priority: number;
}

export interface CreatedRun {
  runId: string;
  executionId: string;
  kind: RunKind;
  priority: number;
  userId: string;
  /** The run has a webhook to deliver when it finishes. */
  webhook: boolean;
}

const json = (v: unknown) => v as Prisma.InputJsonValue;

/** The user already has as many unfinished runs as they may. */
export class RunLimitError extends Error {
  constructor(
    readonly limit: number,
    readonly unfinished: number,
  ) {
    super(`at most ${limit} unfinished runs are allowed; ${unfinished} are pending or running`);
    this.name = "RunLimitError";
  }
}

export interface RunLimits {
  /** How many pending or running runs the user may have, the new ones included. */
  maxUnfinished?: number;
}

/**
 * Enforces the cap on unfinished runs inside the creating transaction
 * (`ja_check_cap`): the user's row of `user_run_counts` stays locked until
 * the transaction ends, so concurrent creations are serialised and two
 * requests cannot both slip under the cap.
 */
const enforceUnfinishedCap = async (tx: Tx, userId: string, adding: number, limits: RunLimits): Promise<void> => {
  if (limits.maxUnfinished === undefined) return;
  const rows = await tx.$queryRaw<{ unfinished: number | null }[]>`select ja_check_cap(${userId}::uuid, ${adding}::int, ${limits.maxUnfinished}::int) as unfinished`;
  const unfinished = rows[0]?.unfinished ?? null;
  if (unfinished !== null) throw new RunLimitError(limits.maxUnfinished, unfinished);
};

/** A run's status when it is the user's, else null (cheap ownership check). */
export const getRunStatus = async (db: Db, userId: string, runId: string): Promise<{ runId: string; status: Status } | null> => {
  const { rows } = await db.pool.query<{ status: Status }>({ name: "ja_run_status", text: "select status from runs where id = $1 and user_id = $2", values: [runId, userId] });
  return rows[0] ? { runId, status: rows[0].status } : null;
};

interface CreateRequest {
  u: string;
  cap: number | null;
  runs: { kind: RunKind; input: Record<string, unknown>; profileId: string | null; webhookUrl: string | null; priority: number }[];
}

type CreateAnswer = { ok: true; runs: { runId: string; executionId: string }[] } | { ok: false; limit: number; unfinished: number };

/** Run creation shared by the requests that arrive together (`ja_create_runs`): one round trip and one commit a batch. */
const intake = sqlBatcherPerDb<CreateRequest, CreateAnswer>("ja_create_runs");

/**
 * Creates runs, each with its first (pending) execution, all or none: none
 * when they would take the user past `limits.maxUnfinished` (RunLimitError).
 */
export const createRuns = async (db: Db, userId: string, runs: NewRun[], limits: RunLimits = {}): Promise<CreatedRun[]> => {
  if (runs.length === 0) return [];
  const answer = await intake(db)({
    u: userId,
    cap: limits.maxUnfinished ?? null,
    runs: runs.map((r) => ({ kind: r.kind, input: r.input, profileId: r.profileId ?? null, webhookUrl: r.webhookUrl ?? null, priority: r.priority })),
  });
  if (!answer.ok) throw new RunLimitError(answer.limit, answer.unfinished);
  return answer.runs.map((c, i) => ({ runId: c.runId, executionId: c.executionId, kind: runs[i]!.kind, priority: runs[i]!.priority, userId, webhook: Boolean(runs[i]!.webhookUrl) }));
};

export interface NewProfile {
  name?: string | null;
  email?: string | null;
  location?: string | null;
  timezone?: string;
  /** One CV document (kept for callers with a single document). */
  cv?: NewCvDocument;
  /** The CV's documents: uploaded files, pasted text, URLs to fetch (no content yet). */
  documents?: NewCvDocument[];
  webhookUrl?: string | null;
  priority: number;
}

export interface NewCvDocument {
  text: string | null;
  bytes: Uint8Array | null;
  mediaType: string;
  filename: string | null;
  /** Set for a CV given by URL: the worker fetches it; `bytes` and `text` are null until then. */
  sourceUrl?: string | null;
  sha256: string;
  sizeBytes: number;
}

/** A profile, its CV documents and the profiling run that will read them, all or nothing. */
export const createProfileWithRun = async (db: Db, userId: string, p: NewProfile, limits: RunLimits = {}): Promise<CreatedRun & { profileId: string }> =>
  db.prisma.$transaction(async (tx) => {
    const docs = [...(p.cv ? [p.cv] : []), ...(p.documents ?? [])];
    if (docs.length === 0) throw new Error("a profile needs at least one CV document");
    await enforceUnfinishedCap(tx, userId, 1, limits);
    const profile = await tx.profile.create({
      data: {
        userId,
        name: p.name ?? null,
        email: p.email ?? null,
        location: p.location ?? null,
        timezone: p.timezone ?? "UTC",
        documents: {
          create: docs.map((d) => ({
            userId,
            filename: d.filename,
            mediaType: d.mediaType,
            sizeBytes: d.sizeBytes,
            sha256: d.sha256,
            text: d.text,
            content: d.bytes ? Buffer.from(d.bytes) : null,
            sourceUrl: d.sourceUrl ?? null,
          })),
        },
      },
      select: { id: true },
    });
    const run = await tx.run.create({
      data: {
        userId,
        kind: "profiling",
        profileId: profile.id,
        input: json({ profileId: profile.id }),
        webhookUrl: p.webhookUrl ?? null,
        priority: p.priority,
        executions: { create: {} },
      },
      select: { id: true, executions: { select: { id: true } } },
    });
    return { profileId: profile.id, runId: run.id, executionId: run.executions[0]!.id, kind: "profiling" as const, priority: p.priority, userId, webhook: Boolean(p.webhookUrl) };
  });

export interface NodeView {
  name: string;
  status: Status;
  attempts: number;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface ExecutionView {
  executionId: string;
  status: Status;
  attempts: number;
  createdAt: Date;
  finishedAt: Date | null;
  error: unknown;
}

export interface RunView {
  runId: string;
  kind: RunKind;
  status: Status;
  profileId: string | null;
  currentNode: string | null;
  progress: number;
  nodes: NodeView[];
  error: unknown;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  result: unknown;
  /** Every execution of the run, newest first (a retry adds one). */
  executions: ExecutionView[];
}

/**
 * A run as its owner sees it, or null when it does not exist or is someone
 * else's. Status, progress and nodes are the latest execution's; a node that
 * execution has not run because an earlier execution finished it (a retry
 * resumes from the checkpoints) shows that earlier, completed attempt.
 */
export const getRunView = async (db: Db, userId: string, runId: string): Promise<RunView | null> => {
  const { rows } = await db.pool.query<RunRow>({ name: "ja_run_view", text: RUN_VIEW_SQL, values: [runId, userId] });
  const run = rows[0];
  if (!run) return null;
  const date = (v: string | null) => (v === null ? null : new Date(v));
  const [exec, ...earlier] = run.executions;
  const nodeView = (n: NodeRow): NodeView => ({ name: n.name, status: n.status, attempts: n.attempts, startedAt: date(n.startedAt), finishedAt: date(n.finishedAt) });
  const byName = new Map((exec?.nodes ?? []).map((n): [string, NodeView] => [n.name, nodeView(n)]));
  for (const e of earlier) {
    for (const n of e.nodes) if (n.status === "completed" && !byName.has(n.name)) byName.set(n.name, nodeView(n));
  }
  const nodes = nodeNames(workflows[run.kind]).map(
    (name): NodeView => byName.get(name) ?? { name, status: "pending", attempts: 0, startedAt: null, finishedAt: null },
  );
  return {
    runId: run.id,
    kind: run.kind,
    status: run.status,
    profileId: run.profile_id,
    currentNode: exec?.currentNode ?? null,
    progress: exec?.progress ?? 0,
    nodes,
    error: run.error ?? null,
    createdAt: run.created_at,
    startedAt: run.started_at,
    completedAt: run.completed_at,
    result: run.result ?? null,
    executions: run.executions.map((e) => ({
      executionId: e.id,
      status: e.status,
      attempts: e.attempts,
      createdAt: new Date(e.createdAt),
      finishedAt: date(e.finishedAt),
      error: e.error ?? null,
    })),
  };
};

interface NodeRow {
  name: string;
  status: Status;
  attempts: number;
  startedAt: string;
  finishedAt: string | null;
}

interface RunRow {
  id: string;
  kind: RunKind;
  status: Status;
  profile_id: string | null;
  error: unknown;
  result: unknown;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  executions: {
    id: string;
    status: Status;
    attempts: number;
    currentNode: string | null;
    progress: number;
    error: unknown;
    createdAt: string;
    finishedAt: string | null;
    nodes: NodeRow[];
  }[];
}

/** A run with its executions (newest first) and their nodes, in one statement. */
const RUN_VIEW_SQL = `
select r.id, r.kind, r.status, r.profile_id, r.error, r.result, r.created_at, r.started_at, r.completed_at,
       coalesce((
         select json_agg(json_build_object(
                  'id', e.id, 'status', e.status, 'attempts', e.attempts, 'currentNode', e.current_node, 'progress', e.progress,
                  'error', e.error, 'createdAt', e.created_at, 'finishedAt', e.finished_at,
                  'nodes', coalesce((
                    select json_agg(json_build_object('name', n.name, 'status', n.status, 'attempts', n.attempts, 'startedAt', n.started_at, 'finishedAt', n.finished_at))
                      from node_executions n where n.execution_id = e.id), '[]'::json))
                order by e.created_at desc, e.id desc)
           from workflow_executions e where e.run_id = r.id), '[]'::json) as executions
  from runs r
 where r.id = $1 and r.user_id = $2`;

const FINISHED: readonly Status[] = ["completed", "failed", "cancelled"];

/** Locks the user's run for the rest of the transaction; null when it is not theirs. */
const lockRun = async (tx: Tx, userId: string, runId: string) => {
  const rows = await tx.$queryRaw<{ id: string }[]>`select id from runs where id = ${runId}::uuid and user_id = ${userId}::uuid for update`;
  if (rows.length === 0) return null;
  return tx.run.findUniqueOrThrow({
    where: { id: runId },
    select: {
      id: true,
      kind: true,
      status: true,
      priority: true,
      profileId: true,
      webhookUrl: true,
      executions: { orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 1, select: { id: true, status: true } },
    },
  });
};

export type CancelOutcome =
  | { outcome: "not_found" }
  /** Already completed, failed or cancelled: nothing to cancel. */
  | { outcome: "finished"; status: Status }
  /**
   * `cancelled`: the execution had not started and is cancelled now (its
   * queued job, `executionId` on the kind's queue, should be removed).
   * `running`: the worker stops at the next node boundary.
   */
  | { outcome: "accepted"; runId: string; status: Status; kind: RunKind; executionId: string | null };

/**
 * Asks a run to stop. In one transaction: `cancelRequestedAt` is set; an
 * execution that has not started yet is cancelled at once (with its event);
 * a running one is left to its worker, which checks the flag between nodes.
 */
export const cancelRun = async (db: Db, userId: string, runId: string): Promise<CancelOutcome> =>
  db.prisma.$transaction(async (tx) => {
    const seen = await tx.run.findFirst({
      where: { id: runId, userId },
      select: { executions: { orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 1, select: { id: true } } },
    });
    if (!seen) return { outcome: "not_found" as const };
    // Rows are locked in the worker's order (execution, then run), so a cancel and a worker's status change never deadlock.
    const seenExec = seen.executions[0];
    const execRows = seenExec
      ? await tx.$queryRaw<{ status: Status }[]>`select status from workflow_executions where id = ${seenExec.id}::uuid for update`
      : [];
    const run = await lockRun(tx, userId, runId);
    if (!run) return { outcome: "not_found" as const };
    if (FINISHED.includes(run.status)) return { outcome: "finished" as const, status: run.status };
    const now = new Date();
    const exec = run.executions[0];
    // Not started yet (a worker that marked it running a moment ago wins, and stops at the next boundary).
    if (exec && exec.id === seenExec?.id && execRows[0]?.status === "pending") {
      await tx.workflowExecution.update({ where: { id: exec.id }, data: { status: "cancelled", finishedAt: now } });
      await tx.run.update({ where: { id: run.id }, data: { status: "cancelled", cancelRequestedAt: now, completedAt: now } });
      if (run.kind === "profiling" && run.profileId) {
        await tx.profile.updateMany({ where: { id: run.profileId, status: "pending" }, data: { status: "failed" } });
      }
      await notifyRunEvent(tx, { type: "run.status", runId: run.id, executionId: exec.id, status: "cancelled" });
      return { outcome: "accepted" as const, runId: run.id, status: "cancelled" as const, kind: run.kind, executionId: exec.id };
    }
    await tx.run.update({ where: { id: run.id }, data: { cancelRequestedAt: now } });
    return { outcome: "accepted" as const, runId: run.id, status: run.status, kind: run.kind, executionId: null };
  });

export type RetryOutcome =
  | { outcome: "not_found" }
  /** Only failed or cancelled runs can be retried. */
  | { outcome: "not_retryable"; status: Status }
  | { outcome: "retried"; run: CreatedRun };

/**
 * Starts a new execution of a failed or cancelled run, in one transaction:
 * the execution (pending), the run back to pending with its error and
 * cancellation cleared, and the event. The caller enqueues the execution;
 * the worker resumes it from the checkpoints of the run's earlier executions.
 */
export const retryRun = async (db: Db, userId: string, runId: string, limits: RunLimits = {}): Promise<RetryOutcome> =>
  db.prisma.$transaction(async (tx) => {
    const run = await lockRun(tx, userId, runId);
    if (!run) return { outcome: "not_found" as const };
    if (run.status !== "failed" && run.status !== "cancelled") return { outcome: "not_retryable" as const, status: run.status };
    await enforceUnfinishedCap(tx, userId, 1, limits);
    const exec = await tx.workflowExecution.create({ data: { runId: run.id }, select: { id: true } });
    await tx.run.update({
      where: { id: run.id },
      data: { status: "pending", error: Prisma.DbNull, cancelRequestedAt: null, completedAt: null },
    });
    if (run.kind === "profiling" && run.profileId) {
      await tx.profile.updateMany({ where: { id: run.profileId, status: "failed" }, data: { status: "pending" } });
    }
    await notifyRunEvent(tx, { type: "run.status", runId: run.id, executionId: exec.id, status: "pending" });
    return { outcome: "retried" as const, run: { runId: run.id, executionId: exec.id, kind: run.kind, priority: run.priority, userId, webhook: run.webhookUrl !== null } };
  });

export interface RunListItem {
  runId: string;
  kind: RunKind;
  status: Status;
  profileId: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

const encodeCursor = (createdAt: Date, id: string) =>
  Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString("base64url");

/** Null when the cursor is not one this API issued. */
export const decodeCursor = (cursor: string): { createdAt: Date; id: string } | null => {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== "string" || typeof v[1] !== "string") return null;
    const createdAt = new Date(v[0]);
    if (Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(v[1])) return null;
    return { createdAt, id: v[1] };
  } catch {
    return null;
  }
};

/** The user's runs, newest first, by keyset pagination on (createdAt, id). */
export const listRuns = async (
  db: Db,
  userId: string,
  q: { status?: Status; kind?: RunKind; limit: number; cursor?: { createdAt: Date; id: string } },
): Promise<{ items: RunListItem[]; nextCursor: string | null }> => {
  const rows = await db.prisma.run.findMany({
    where: {
      userId,
      ...(q.status ? { status: q.status } : {}),
      ...(q.kind ? { kind: q.kind } : {}),
      ...(q.cursor
        ? {
            OR: [
              { createdAt: { lt: q.cursor.createdAt } },
              { createdAt: q.cursor.createdAt, id: { lt: q.cursor.id } },
            ],
          }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: q.limit + 1,
    select: { id: true, kind: true, status: true, profileId: true, createdAt: true, completedAt: true },
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({ runId: r.id, kind: r.kind, status: r.status, profileId: r.profileId, createdAt: r.createdAt, completedAt: r.completedAt })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
};

export interface MatchView {
  rank: number;
  score: number;
  reasons: unknown;
  research: unknown;
  coverLetter: string | null;
  highlights: string[];
  posting: {
    id: string;
    source: string;
    sourceId: string;
    title: string;
    company: string;
    location: string | null;
    remote: boolean;
    url: string;
    postedAt: Date | null;
    salary: unknown;
    description: string;
  };
}

/** The run's matches, best first; null when the run is not the user's. */
export const listMatches = async (db: Db, userId: string, runId: string): Promise<MatchView[] | null> => {
  const run = await db.prisma.run.findFirst({ where: { id: runId, userId }, select: { id: true } });
  if (!run) return null;
  const rows = await db.prisma.jobMatch.findMany({
    where: { runId, userId },
    orderBy: { rank: "asc" },
    include: { posting: true },
  });
  return rows.map((m) => ({
    rank: m.rank,
    score: m.score,
    reasons: m.reasons,
    research: m.research,
    coverLetter: m.coverLetter,
    highlights: m.highlights,
    posting: {
      id: m.posting.id,
      source: m.posting.source,
      sourceId: m.posting.sourceId,
      title: m.posting.title,
      company: m.posting.company,
      location: m.posting.location,
      remote: m.posting.remote,
      url: m.posting.url,
      postedAt: m.posting.postedAt,
      salary: m.posting.salary,
      description: m.posting.description,
    },
  }));
};

export interface PendingExecution {
  executionId: string;
  runId: string;
  kind: RunKind;
  priority: number;
  userId: string;
  /** The run has a webhook to deliver when it finishes. */
  webhook: boolean;
}
