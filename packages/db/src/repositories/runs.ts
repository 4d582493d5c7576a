import { nodeNames, workflows } from "@job-agent/workflows";
import type { Db, Tx } from "../client.js";
import type { Prisma, RunKind, Status } from "../../generated/prisma/client.js";

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
 * Enforces the cap on unfinished runs inside the creating transaction. A
 * per-user advisory lock serialises concurrent creations, so two requests
 * cannot both slip under the cap.
 */
const enforceUnfinishedCap = async (tx: Tx, userId: string, adding: number, limits: RunLimits): Promise<void> => {
  if (limits.maxUnfinished === undefined) return;
  await tx.$executeRaw`select pg_advisory_xact_lock(hashtextextended(${userId}, 0))`;
  const unfinished = await tx.run.count({ where: { userId, status: { in: ["pending", "running"] } } });
  if (unfinished + adding > limits.maxUnfinished) throw new RunLimitError(limits.maxUnfinished, unfinished);
};

/** The number of the user's runs that are pending or running. */
export const countUnfinishedRuns = async (db: Db, userId: string): Promise<number> =>
  db.prisma.run.count({ where: { userId, status: { in: ["pending", "running"] } } });

/** A run's status when it is the user's, else null (cheap ownership check). */
export const getRunStatus = async (db: Db, userId: string, runId: string): Promise<{ runId: string; status: Status } | null> => {
  const r = await db.prisma.run.findFirst({ where: { id: runId, userId }, select: { id: true, status: true } });
  return r ? { runId: r.id, status: r.status } : null;
};

/** Creates runs, each with its first (pending) execution, in one transaction. */
export const createRuns = async (db: Db, userId: string, runs: NewRun[], limits: RunLimits = {}): Promise<CreatedRun[]> =>
  db.prisma.$transaction(async (tx) => {
    await enforceUnfinishedCap(tx, userId, runs.length, limits);
    const created: CreatedRun[] = [];
    for (const r of runs) {
      const run = await tx.run.create({
        data: {
          userId,
          kind: r.kind,
          input: json(r.input),
          profileId: r.profileId ?? null,
          webhookUrl: r.webhookUrl ?? null,
          priority: r.priority,
          executions: { create: {} },
        },
        select: { id: true, executions: { select: { id: true } } },
      });
      created.push({ runId: run.id, executionId: run.executions[0]!.id, kind: r.kind, priority: r.priority });
    }
    return created;
  });

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
    return { profileId: profile.id, runId: run.id, executionId: run.executions[0]!.id, kind: "profiling" as const, priority: p.priority };
  });

export interface NodeView {
  name: string;
  status: Status;
  attempts: number;
  startedAt: Date | null;
  finishedAt: Date | null;
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
}

/** A run as its owner sees it, or null when it does not exist or is someone else's. */
export const getRunView = async (db: Db, userId: string, runId: string): Promise<RunView | null> => {
  const run = await db.prisma.run.findFirst({
    where: { id: runId, userId },
    include: {
      executions: {
        orderBy: { createdAt: "desc" },
        take: 1,
        include: { nodes: { select: { name: true, status: true, attempts: true, startedAt: true, finishedAt: true } } },
      },
    },
  });
  if (!run) return null;
  const exec = run.executions[0];
  const byName = new Map((exec?.nodes ?? []).map((n) => [n.name, n]));
  const nodes = nodeNames(workflows[run.kind]).map(
    (name): NodeView => byName.get(name) ?? { name, status: "pending", attempts: 0, startedAt: null, finishedAt: null },
  );
  return {
    runId: run.id,
    kind: run.kind,
    status: run.status,
    profileId: run.profileId,
    currentNode: exec?.currentNode ?? null,
    progress: exec?.progress ?? 0,
    nodes,
    error: run.error ?? null,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    completedAt: run.completedAt,
    result: run.result ?? null,
  };
};

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
}

/** Executions still waiting to start, oldest first (for the reconciler). */
export const listPendingExecutions = async (
  db: Db,
  q: { createdBefore: Date; limit: number },
): Promise<PendingExecution[]> => {
  const rows = await db.prisma.workflowExecution.findMany({
    where: { status: "pending", createdAt: { lte: q.createdBefore } },
    orderBy: { createdAt: "asc" },
    take: q.limit,
    select: { id: true, runId: true, run: { select: { kind: true, priority: true } } },
  });
  return rows.map((r) => ({ executionId: r.id, runId: r.runId, kind: r.run.kind, priority: r.run.priority }));
};
