import pg from "pg";
import { RUN_EVENTS_CHANNEL, parseRunEvents, type RunEvent } from "./repositories/events.js";

/** What an SSE stream (or anything else) hears about one run. */
export interface RunEventSubscriber {
  onEvent(event: RunEvent): void;
  /**
   * The listening connection was lost and is back: notifications sent in
   * between were missed, so the subscriber replays from its last event id
   * (`listRunEvents`).
   */
  onResync(): void;
}

export interface RunEventHub {
  subscribe(runId: string, subscriber: RunEventSubscriber): () => void;
  /** Resolves once the first LISTEN is in place. */
  ready(): Promise<void>;
  isListening(): boolean;
  /** Subscribers across all runs (for metrics and tests). */
  subscriberCount(): number;
  close(): Promise<void>;
}

export interface RunEventListenerOptions {
  url: string;
  applicationName?: string;
  /** First reconnect delay; doubles up to `maxReconnectMs`. */
  reconnectMs?: number;
  maxReconnectMs?: number;
  onError?: (err: Error) => void;
  onReconnected?: () => void;
  /**
   * A key or user changed in a way that may revoke or alter a key (`auth_changed`), or
   * notifications may have been missed (the connection was lost): what was kept of keys is stale.
   */
  onAuthChanged?: () => void;
}

/** The channel that announces changes to keys and users (see the hot_paths migration). */
const AUTH_CHANGED_CHANNEL = "auth_changed";

/**
 * The one Postgres `LISTEN run_events` connection of a process, fanned out in
 * memory to every subscriber of a run. A lost connection is re-opened with
 * backoff; subscribers are then told to resync from the stored events.
 */
export const createRunEventListener = (opts: RunEventListenerOptions): RunEventHub => {
  const subscribers = new Map<string, Set<RunEventSubscriber>>();
  let client: pg.Client | null = null;
  let listening = false;
  let closed = false;
  let everConnected = false;
  let delay = opts.reconnectMs ?? 500;
  let timer: NodeJS.Timeout | null = null;
  let readyResolve: () => void = () => undefined;
  const readyPromise = new Promise<void>((r) => (readyResolve = r));

  const dispatch = (payload: string | undefined) => {
    // Every process hears every run's events; with no stream open there is nothing to parse.
    if (!payload || subscribers.size === 0) return;
    let events: RunEvent[];
    try {
      events = parseRunEvents(payload);
    } catch {
      return;
    }
    for (const event of events) {
      const subs = subscribers.get(event.runId);
      if (!subs) continue;
      for (const s of [...subs]) {
        try {
          s.onEvent(event);
        } catch (err) {
          opts.onError?.(err instanceof Error ? err : new Error(String(err)));
        }
      }
    }
  };

  const scheduleReconnect = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, delay);
    timer.unref();
    delay = Math.min(delay * 2, opts.maxReconnectMs ?? 10_000);
  };

  const connect = async (): Promise<void> => {
    if (closed) return;
    const c = new pg.Client({ connectionString: opts.url, application_name: opts.applicationName ?? "job-agent-listener", keepAlive: true });
    let failed = false;
    const onLost = (err?: Error) => {
      if (failed) return;
      failed = true;
      listening = false;
      if (err) opts.onError?.(err);
      // until it is back, changes to keys go unheard
      opts.onAuthChanged?.();
      c.removeAllListeners("notification");
      void c.end().catch(() => undefined);
      if (client === c) client = null;
      scheduleReconnect();
    };
    c.on("error", (err) => onLost(err));
    c.on("end", () => onLost());
    c.on("notification", (msg) => {
      if (msg.channel === RUN_EVENTS_CHANNEL) dispatch(msg.payload);
      else if (msg.channel === AUTH_CHANGED_CHANNEL) opts.onAuthChanged?.();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${RUN_EVENTS_CHANNEL}; LISTEN ${AUTH_CHANGED_CHANNEL}`);
    } catch (err) {
      onLost(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (closed) {
      await c.end().catch(() => undefined);
      return;
    }
    client = c;
    listening = true;
    delay = opts.reconnectMs ?? 500;
    if (everConnected) {
      opts.onReconnected?.();
      opts.onAuthChanged?.();
      for (const subs of subscribers.values()) for (const s of [...subs]) s.onResync();
    }
    everConnected = true;
    readyResolve();
  };

  void connect();

  return {
    subscribe: (runId, subscriber) => {
      let subs = subscribers.get(runId);
      if (!subs) subscribers.set(runId, (subs = new Set()));
      subs.add(subscriber);
      return () => {
        const set = subscribers.get(runId);
        if (!set) return;
        set.delete(subscriber);
        if (set.size === 0) subscribers.delete(runId);
      };
    },
    ready: () => readyPromise,
    isListening: () => listening,
    subscriberCount: () => [...subscribers.values()].reduce((n, s) => n + s.size, 0),
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      listening = false;
      const c = client;
      client = null;
      if (c) {
        c.removeAllListeners("end");
        await c.end().catch(() => undefined);
      }
      readyResolve();
    },
  };
};
