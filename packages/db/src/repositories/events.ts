import type { Tx } from "../client.js";

/** The Postgres channel that carries run events to every listening API process. */
export const RUN_EVENTS_CHANNEL = "run_events";

export type RunEventType = "run.status" | "node.started" | "node.completed" | "node.failed";

export interface RunEvent {
  type: RunEventType;
  runId: string;
  executionId: string;
  status?: string;
  node?: string;
  progress?: number;
  at: string;
}

/** Publishes an event inside the caller's transaction: it is seen only if the change commits. */
export const notifyRunEvent = async (tx: Tx, event: Omit<RunEvent, "at">): Promise<void> => {
  const payload = JSON.stringify({ ...event, at: new Date().toISOString() });
  await tx.$executeRaw`select pg_notify(${RUN_EVENTS_CHANNEL}, ${payload})`;
};
