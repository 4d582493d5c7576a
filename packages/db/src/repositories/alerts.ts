import type { AlertRecord, AlertStore } from "@job-agent/shared";
import type { Db } from "../client.js";

export type { AlertRecord };

type AlertRow = AlertRecord & { updatedAt: Date };

const COLUMNS = `key, status, message, details, first_seen_at as "firstSeenAt", last_notified_at as "lastNotifiedAt",
       resolved_at as "resolvedAt", updated_at as "updatedAt"`;

/**
 * A record with null details leaves the stored details as they are (only a
 * new row starts with none), as the Prisma upsert this replaces did.
 */
const PUT_SQL = `
insert into alert_states (key, status, message, details, first_seen_at, last_notified_at, resolved_at, updated_at)
values ($1, $2, $3, $4::jsonb, $5, $6, $7, now())
on conflict (key) do update
   set status = excluded.status, message = excluded.message, details = coalesce(excluded.details, alert_states.details),
       first_seen_at = excluded.first_seen_at, last_notified_at = excluded.last_notified_at, resolved_at = excluded.resolved_at,
       updated_at = now()`;

const record = (r: AlertRow): AlertRow => ({ ...r, details: r.details ?? null });

/** Alert debounce state in Postgres, so it survives a scheduler restart. */
export const createAlertStore = (db: Db): AlertStore & { list(): Promise<AlertRecord[]> } => ({
  get: async (key: string): Promise<AlertRecord | null> => {
    const { rows } = await db.pool.query<AlertRow>({ name: "ja_alert_get", text: `select ${COLUMNS} from alert_states where key = $1`, values: [key] });
    return rows[0] ? record(rows[0]) : null;
  },
  put: async (r: AlertRecord): Promise<void> => {
    await db.pool.query({
      name: "ja_alert_put",
      text: PUT_SQL,
      values: [r.key, r.status, r.message, r.details ? JSON.stringify(r.details) : null, r.firstSeenAt, r.lastNotifiedAt, r.resolvedAt],
    });
  },
  list: async (): Promise<AlertRecord[]> => {
    const { rows } = await db.pool.query<AlertRow>({ name: "ja_alert_list", text: `select ${COLUMNS} from alert_states order by key` });
    return rows.map(record);
  },
});
