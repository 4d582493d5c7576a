import type { Db, Tx } from "../client.js";

/** The Postgres channel that carries run events to every listening API process. */
export const RUN_EVENTS_CHANNEL = "run_events";

export type RunEventType = "run.status" | "node.started" | "node.completed" | "node.failed";

export interface RunEventData {
  status?: string;
  node?: string;
  progress?: number;
}

/** An event as stored and as sent: `id` increases with every event of every run. */
export interface RunEvent extends RunEventData {
  id: string;
  type: RunEventType;
  runId: string;
  executionId: string;
  at: string;
}

/**
 * Records an event and publishes it, inside the caller's transaction: it is
 * stored and seen only if the change it describes commits.
 */
export const notifyRunEvent = async (
  tx: Tx,
  event: { type: RunEventType; runId: string; executionId: string } & RunEventData,
): Promise<void> => {
  const { type, runId, executionId, ...data } = event;
  const row = await tx.runEvent.create({ data: { runId, executionId, type, data }, select: { id: true, createdAt: true } });
  const payload: RunEvent = { id: row.id.toString(), type, runId, executionId, ...data, at: row.createdAt.toISOString() };
  await tx.$executeRaw`select pg_notify(${RUN_EVENTS_CHANNEL}, ${JSON.stringify(payload)})`;
};

/** A run's events after `afterId` (exclusive), oldest first: what a reconnecting client missed. */
export const listRunEvents = async (db: Db, runId: string, afterId = 0n, limit = 1_000): Promise<RunEvent[]> => {
  const rows = await db.prisma.runEvent.findMany({
    where: { runId, id: { gt: afterId } },
    orderBy: { id: "asc" },
    take: limit,
  });
  return rows.map((r) => ({
    id: r.id.toString(),
    type: r.type as RunEventType,
    runId: r.runId,
    executionId: r.executionId,
    ...(r.data as RunEventData),
    at: r.createdAt.toISOString(),
  }));
};
