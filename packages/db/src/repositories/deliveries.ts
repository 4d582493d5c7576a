import type { Db } from "../client.js";
import type { DeliveryStatus, RunKind, Status } from "../../generated/prisma/client.js";

export interface RunForDelivery {
  runId: string;
  userId: string;
  kind: RunKind;
  status: Status;
  webhookUrl: string | null;
  webhookSecret: string;
  result: unknown;
  error: unknown;
  completedAt: Date | null;
}

export const getRunForDelivery = async (db: Db, runId: string): Promise<RunForDelivery | null> => {
  const r = await db.prisma.run.findUnique({ where: { id: runId }, include: { user: { select: { webhookSecret: true } } } });
  if (!r) return null;
  return {
    runId: r.id,
    userId: r.userId,
    kind: r.kind,
    status: r.status,
    webhookUrl: r.webhookUrl,
    webhookSecret: r.user.webhookSecret,
    result: r.result,
    error: r.error,
    completedAt: r.completedAt,
  };
};

export interface NewDelivery {
  runId: string;
  userId: string;
  webhookId: string;
  event: string;
  url: string;
  attempt: number;
  status: DeliveryStatus;
  responseStatus: number | null;
  error: string | null;
  durationMs: number | null;
}

export const recordDelivery = async (db: Db, d: NewDelivery): Promise<void> => {
  await db.prisma.webhookDelivery.create({ data: d });
};

/** The error recorded on the attempt that disabled an endpoint (a 410 answer). */
export const ENDPOINT_GONE = "endpoint gone (410): disabled";

/**
 * When a user's endpoint answered 410 Gone, the endpoint is disabled: that
 * attempt is recorded with `ENDPOINT_GONE`, and later deliveries to the same
 * URL for the same user are skipped. The record is the history itself (no
 * extra column); the date of the 410 is returned, or null when enabled.
 */
export const endpointDisabledAt = async (db: Db, userId: string, url: string): Promise<Date | null> => {
  const row = await db.prisma.webhookDelivery.findFirst({
    where: { userId, url, responseStatus: 410, error: ENDPOINT_GONE },
    orderBy: { createdAt: "desc" },
    select: { createdAt: true },
  });
  return row?.createdAt ?? null;
};

export interface DeliveryView {
  deliveryId: string;
  webhookId: string;
  event: string;
  url: string;
  attempt: number;
  status: DeliveryStatus;
  responseStatus: number | null;
  error: string | null;
  durationMs: number | null;
  createdAt: Date;
}

/** A run's delivery attempts, oldest first; null when the run is not the user's. */
export const listDeliveries = async (db: Db, userId: string, runId: string): Promise<DeliveryView[] | null> => {
  const run = await db.prisma.run.findFirst({ where: { id: runId, userId }, select: { id: true } });
  if (!run) return null;
  const rows = await db.prisma.webhookDelivery.findMany({ where: { runId, userId }, orderBy: [{ createdAt: "asc" }, { attempt: "asc" }], take: 500 });
  return rows.map((r) => ({
    deliveryId: r.id,
    webhookId: r.webhookId,
    event: r.event,
    url: r.url,
    attempt: r.attempt,
    status: r.status,
    responseStatus: r.responseStatus,
    error: r.error,
    durationMs: r.durationMs,
    createdAt: r.createdAt,
  }));
};

/**
 * Finished runs with a webhook URL whose latest execution has no delivery
 * attempt recorded: its delivery request was lost (Redis down when the run
 * finished, or its data flushed). The reconciler asks for them again.
 */
export const listUndeliveredFinishedRuns = async (
  db: Db,
  q: { finishedBefore: Date; finishedAfter: Date; limit: number },
): Promise<{ runId: string; executionId: string }[]> =>
  db.prisma.$queryRaw<{ runId: string; executionId: string }[]>`
    select r.id::text as "runId", e.id::text as "executionId"
      from runs r
      join lateral (select id from workflow_executions w where w.run_id = r.id order by w.created_at desc limit 1) e on true
     where r.status in ('completed', 'failed', 'cancelled')
       and r.webhook_url is not null
       and r.completed_at between ${q.finishedAfter} and ${q.finishedBefore}
       and not exists (
         select 1 from webhook_deliveries d
          where d.run_id = r.id and d.webhook_id in ('msg_' || e.id::text, 'msg_' || r.id::text))
     order by r.completed_at
     limit ${q.limit}`;
