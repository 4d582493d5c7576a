/**
 * Alert conditions, debounced: a condition must hold for its grace period
 * before it fires, fires once per repeat period while it holds, and sends a
 * resolved message when it clears.
 */

export interface AlertCondition {
  key: string;
  active: boolean;
  message: string;
  /** How long the condition must hold before it fires (0: at once). */
  graceMs: number;
  details?: Record<string, unknown>;
}

export interface AlertRecord {
  key: string;
  status: "pending" | "firing" | "resolved";
  message: string;
  details: Record<string, unknown> | null;
  firstSeenAt: Date;
  lastNotifiedAt: Date | null;
  resolvedAt: Date | null;
}

export interface AlertStore {
  get(key: string): Promise<AlertRecord | null>;
  put(record: AlertRecord): Promise<void>;
}

export interface AlertNotice {
  key: string;
  state: "firing" | "resolved";
  message: string;
  details: Record<string, unknown> | null;
  since: Date;
}

export type AlertNotifier = (notice: AlertNotice) => Promise<void>;

/** A store in memory: the fallback when the database itself is what is down. */
export const memoryAlertStore = (): AlertStore & { records: Map<string, AlertRecord> } => {
  const records = new Map<string, AlertRecord>();
  return {
    records,
    get: (key) => Promise.resolve(records.get(key) ?? null),
    put: (r) => {
      records.set(r.key, r);
      return Promise.resolve();
    },
  };
};

/** Tries the primary store and falls back to memory when it fails. */
export const resilientAlertStore = (primary: AlertStore, fallback = memoryAlertStore()): AlertStore => ({
  get: async (key) => {
    try {
      return (await primary.get(key)) ?? (await fallback.get(key));
    } catch {
      return fallback.get(key);
    }
  },
  put: async (r) => {
    await fallback.put(r);
    try {
      await primary.put(r);
    } catch {
      /* kept in memory until the database answers again */
    }
  },
});

/** Applies one round of observations; returns the notices it sent. */
export const evaluateAlerts = async (
  conditions: AlertCondition[],
  deps: { store: AlertStore; notify: AlertNotifier; now: Date; repeatMs: number },
): Promise<AlertNotice[]> => {
  const sent: AlertNotice[] = [];
  const send = async (n: AlertNotice) => {
    sent.push(n);
    await deps.notify(n).catch(() => undefined);
  };
  for (const c of conditions) {
    const prev = await deps.store.get(c.key);
    const now = deps.now;
    if (c.active) {
      const open = prev && prev.status !== "resolved" ? prev : null;
      const firstSeenAt = open?.firstSeenAt ?? now;
      const due = now.getTime() - firstSeenAt.getTime() >= c.graceMs;
      const repeatDue = open?.status === "firing" && (!open.lastNotifiedAt || now.getTime() - open.lastNotifiedAt.getTime() >= deps.repeatMs);
      const fire = due && (open?.status !== "firing" || repeatDue);
      const record: AlertRecord = {
        key: c.key,
        status: due ? "firing" : "pending",
        message: c.message,
        details: c.details ?? null,
        firstSeenAt,
        lastNotifiedAt: fire ? now : (open?.lastNotifiedAt ?? null),
        resolvedAt: null,
      };
      await deps.store.put(record);
      if (fire) await send({ key: c.key, state: "firing", message: c.message, details: record.details, since: firstSeenAt });
    } else if (prev && prev.status !== "resolved") {
      await deps.store.put({ ...prev, status: "resolved", resolvedAt: now });
      if (prev.status === "firing") await send({ key: c.key, state: "resolved", message: `resolved: ${prev.message}`, details: prev.details, since: prev.firstSeenAt });
    }
  }
  return sent;
};

/** Posts a notice as a Slack-compatible message (`{text}`) to an incoming-webhook URL. */
export const slackNotifier =
  (url: string, opts: { app?: string; timeoutMs?: number } = {}): AlertNotifier =>
  async (n) => {
    const icon = n.state === "firing" ? ":rotating_light:" : ":white_check_mark:";
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      signal: AbortSignal.timeout(opts.timeoutMs ?? 5_000),
      body: JSON.stringify({
        text: `${icon} [${opts.app ?? "job-agent"}] ${n.message}`,
        alert: { key: n.key, state: n.state, since: n.since.toISOString(), details: n.details },
      }),
    });
    await res.body?.cancel().catch(() => undefined);
    if (!res.ok) throw new Error(`alert webhook answered ${res.status}`);
  };
