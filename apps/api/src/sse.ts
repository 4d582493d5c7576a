import { getRunStatus, listRunEvents, type Db, type RunEvent, type RunEventHub } from "@job-agent/db";
import type { Request, Response } from "express";

const TERMINAL = new Set(["completed", "failed", "cancelled"]);

/** An event as an SSE frame, made once however many streams of its run send it. */
const frames = new WeakMap<RunEvent, string>();
const frameOf = (e: RunEvent): string => {
  let f = frames.get(e);
  if (f === undefined) frames.set(e, (f = `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`));
  return f;
};
const isEnd = (e: RunEvent) => e.type === "run.status" && e.status !== undefined && TERMINAL.has(e.status);

/** The id to resume after: `Last-Event-ID` (what browsers send on reconnect) or `?lastEventId=`. */
const lastEventId = (req: Request): bigint => {
  const raw = req.header("last-event-id") ?? (typeof req.query.lastEventId === "string" ? req.query.lastEventId : undefined);
  return raw && /^\d{1,19}$/.test(raw.trim()) ? BigInt(raw.trim()) : 0n;
};

/**
 * Streams a run's events: first what the client has not seen (from the
 * stored events, after Last-Event-ID), then live ones from the process's one
 * LISTEN connection. Events are sent in id order, never twice; when the
 * listener reconnects, the gap is replayed from the store. Heartbeat comments
 * keep proxies from closing an idle stream; an `end` event closes it when the
 * run has finished.
 */
export const streamRunEvents = async (
  deps: { db: Db; events: RunEventHub; heartbeatMs: number },
  req: Request,
  res: Response,
  userId: string,
  runId: string,
): Promise<boolean> => {
  const run = await getRunStatus(deps.db, userId, runId);
  if (!run) return false;

  res.status(200);
  res.setHeader("Content-Type", "text/event-stream; charset=utf-8");
  res.setHeader("Cache-Control", "no-cache, no-transform");
  res.setHeader("Connection", "keep-alive");
  res.setHeader("X-Accel-Buffering", "no");
  res.flushHeaders();
  res.write("retry: 2000\n\n");

  let last = lastEventId(req);
  let closed = false;
  let replaying = true;
  let pending: RunEvent[] = [];

  // The events that arrive together (a notification carries many; one read of the listening
  // connection, several) leave in one write, at the end of this turn of the event loop.
  let out = "";
  const flush = () => {
    if (out && !closed) res.write(out);
    out = "";
  };
  const send = (e: RunEvent) => {
    const id = BigInt(e.id);
    if (closed || id <= last) return;
    last = id;
    if (!out) setImmediate(flush);
    out += frameOf(e);
    if (isEnd(e)) finish();
  };

  const heartbeat = setInterval(() => {
    if (!closed) res.write(": heartbeat\n\n");
  }, deps.heartbeatMs);

  const finish = () => {
    if (closed) return;
    out += `event: end\ndata: ${JSON.stringify({ runId })}\n\n`;
    flush();
    cleanup();
    res.end();
  };

  const replay = async () => {
    replaying = true;
    try {
      for (;;) {
        const batch = await listRunEvents(deps.db, runId, last, 500);
        for (const e of batch) send(e);
        if (batch.length < 500 || closed) break;
      }
    } finally {
      replaying = false;
    }
    const buffered = pending.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    pending = [];
    for (const e of buffered) send(e);
  };

  // Subscribe before replaying, so nothing published in between is lost (duplicates are dropped by id).
  const unsubscribe = deps.events.subscribe(runId, {
    onEvent: (e) => {
      if (replaying) pending.push(e);
      else send(e);
    },
    onResync: () => {
      void replay().catch(() => finish());
    },
  });

  function cleanup() {
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
  }
  req.on("close", cleanup);

  await replay();
  if (!closed) {
    // A run that had already finished before this stream opened has nothing more to say.
    const now = await getRunStatus(deps.db, userId, runId);
    if (now && TERMINAL.has(now.status)) {
      const rest = await listRunEvents(deps.db, runId, last, 500);
      for (const e of rest) send(e);
      finish();
    }
  }
  return true;
};
