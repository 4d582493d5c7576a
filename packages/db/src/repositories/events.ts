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
 * stored and seen only if the change it describes commits (`ja_emit`, which
 * the checkpoint functions use too).
 */
export const notifyRunEvent = async (
  tx: Tx,
  event: { type: RunEventType; runId: string; executionId: string } & RunEventData,
): Promise<void> => {
  const { runId, executionId, ...data } = event;
  await tx.$executeRaw`select ja_emit_one(${JSON.stringify({ run: runId, exec: executionId, ...data })}::jsonb)`;
};

/** A run's events after `afterId` (exclusive), oldest first: what a reconnecting client missed. */
export const listRunEvents = async (db: Db, runId: string, afterId = 0n, limit = 1_000): Promise<RunEvent[]> => {
  const { rows } = await db.pool.query<{ id: string; type: RunEventType; execution_id: string; data: RunEventData; created_at: Date }>({
    name: "ja_run_events",
    text: "select e.id::text as id, e.type, e.execution_id, e.data, e.created_at from run_events e where e.run_id = $1 and e.id > $2 order by e.id limit $3",
    values: [runId, afterId.toString(), limit],
  });
  return rows.map((r) => ({ id: r.id, type: r.type, runId, executionId: r.execution_id, ...r.data, at: r.created_at.toISOString() }));
};

/**
 * The events a `run_events` notification carries (`ja_emit`): a list whose
 * events give their time as epoch milliseconds (`ms`), made an ISO `at`
 * here, as stored events have; an older publisher's single event has `at`.
 */
export const parseRunEvents = (payload: string): RunEvent[] => {
  const v: unknown = JSON.parse(payload);
  return (Array.isArray(v) ? v : [v]).map((raw: RunEvent & { ms?: number }) => {
    if (raw.ms === undefined) return raw;
    const { ms, ...e } = raw;
    return { ...e, at: new Date(ms).toISOString() };
  });
};
