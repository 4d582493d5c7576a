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
  const { rows } = await db.pool.query<RunForDelivery>({ name: "ja_run_for_delivery", text: RUN_FOR_DELIVERY_SQL, values: [runId] });
  return rows[0] ?? null;
};

const RUN_FOR_DELIVERY_SQL = `
select r.id as "runId", r.user_id as "userId", r.kind, r.status, r.webhook_url as "webhookUrl", u.webhook_secret as "webhookSecret",
       r.result, r.error, r.completed_at as "completedAt"
  from runs r join users u on u.id = r.user_id
 where r.id = $1`;

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
  await db.pool.query({
    name: "ja_record_delivery",
    text: `insert into webhook_deliveries (id, run_id, user_id, webhook_id, event, url, attempt, status, response_status, error, duration_ms)
           values (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    values: [d.runId, d.userId, d.webhookId, d.event, d.url, d.attempt, d.status, d.responseStatus, d.error, d.durationMs],
  });
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
  const { rows } = await db.pool.query<{ created_at: Date }>({
    name: "ja_endpoint_disabled_at",
    text: `select created_at from webhook_deliveries
            where user_id = $1 and url = $2 and response_status = 410 and error = $3
            order by created_at desc limit 1`,
    values: [userId, url, ENDPOINT_GONE],
  });
  return rows[0]?.created_at ?? null;
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
  const owned = await db.pool.query({ name: "ja_run_owned", text: "select 1 from runs where id = $1 and user_id = $2", values: [runId, userId] });
  if (owned.rowCount === 0) return null;
  const { rows } = await db.pool.query<DeliveryView>({ name: "ja_list_deliveries", text: LIST_DELIVERIES_SQL, values: [runId, userId] });
  return rows;
};

const LIST_DELIVERIES_SQL = `
select id as "deliveryId", webhook_id as "webhookId", event, url, attempt, status, response_status as "responseStatus", error,
       duration_ms as "durationMs", created_at as "createdAt"
  from webhook_deliveries
 where run_id = $1 and user_id = $2
 order by created_at, attempt
 limit 500`;

/**
 * Finished runs with a webhook URL whose latest execution has no delivery
 * attempt recorded: its delivery request was lost (Redis down when the run
 * finished, or its data flushed). The reconciler asks for them again.
 */
export const listUndeliveredFinishedRuns = async (
  db: Db,
  q: { finishedBefore: Date; finishedAfter: Date; limit: number },
): Promise<{ runId: string; executionId: string }[]> => {
  const { rows } = await db.pool.query<{ runId: string; executionId: string }>({
    name: "ja_undelivered_finished_runs",
    text: UNDELIVERED_SQL,
    values: [q.finishedAfter, q.finishedBefore, q.limit],
  });
  return rows;
};

const UNDELIVERED_SQL = `
select r.id::text as "runId", e.id::text as "executionId"
  from runs r
  join lateral (select id from workflow_executions w where w.run_id = r.id order by w.created_at desc limit 1) e on true
 where r.status in ('completed', 'failed', 'cancelled')
   and r.webhook_url is not null
   and r.completed_at between $1 and $2
   and not exists (
     select 1 from webhook_deliveries d
      where d.run_id = r.id and d.webhook_id in ('msg_' || e.id::text, 'msg_' || r.id::text))
 order by r.completed_at
 limit $3`;
