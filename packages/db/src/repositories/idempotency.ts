import type { Db } from "../client.js";

/** What a request with an `Idempotency-Key` is asking to do. */
export interface IdempotencyRequest {
  userId: string;
  key: string;
  method: string;
  path: string;
  /** sha256 of method, path and the canonical body. */
  requestHash: string;
}

export interface IdempotencyOptions {
  /** How long a stored answer is replayed (24 h by default). */
  ttlMs?: number;
  /**
   * A claim still in flight after this long belongs to a request that died
   * (process killed mid-request); the next request with the key takes it over.
   */
  abandonedAfterMs?: number;
  now?: Date;
}

export type IdempotencyClaim =
  /** This request owns the key: run it, then `completeIdempotencyKey` or `releaseIdempotencyKey`. */
  | { outcome: "claimed"; id: string }
  /** The key's first request has its answer: send it again. */
  | { outcome: "replay"; status: number; body: unknown }
  /** The key was used for a different request (another body, method or path). */
  | { outcome: "mismatch" }
  /** The key's first request has no answer yet. */
  | { outcome: "in_flight" };

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Claims an idempotency key: insert first, so the unique index on
 * (user, key) lets Postgres decide which of several concurrent requests
 * runs; the others are told what the winner is doing. Expired keys are
 * deleted on the way, so an expired key works again.
 */
export const claimIdempotencyKey = async (db: Db, req: IdempotencyRequest, opts: IdempotencyOptions = {}): Promise<IdempotencyClaim> => {
  const ttlMs = opts.ttlMs ?? DAY_MS;
  const abandonedAfterMs = opts.abandonedAfterMs ?? 5 * 60_000;
  for (let round = 0; round < 3; round += 1) {
    const now = opts.now ?? new Date();
    await db.prisma.idempotencyKey.deleteMany({ where: { expiresAt: { lt: now } } });
    const inserted = await db.prisma.idempotencyKey.createManyAndReturn({
      data: [{ userId: req.userId, key: req.key, method: req.method, path: req.path, requestHash: req.requestHash, createdAt: now, expiresAt: new Date(now.getTime() + ttlMs) }],
      skipDuplicates: true,
      select: { id: true },
    });
    if (inserted[0]) return { outcome: "claimed", id: inserted[0].id };

    const existing = await db.prisma.idempotencyKey.findUnique({ where: { userId_key: { userId: req.userId, key: req.key } } });
    // Released (a 5xx) or expired since the insert: try again.
    if (!existing || existing.expiresAt < now) continue;
    if (existing.requestHash !== req.requestHash || existing.method !== req.method || existing.path !== req.path) return { outcome: "mismatch" };
    if (existing.state === "completed" && existing.responseStatus !== null) {
      return { outcome: "replay", status: existing.responseStatus, body: existing.responseBody };
    }
    if (existing.createdAt.getTime() < now.getTime() - abandonedAfterMs) {
      const taken = await db.prisma.idempotencyKey.updateMany({
        where: { id: existing.id, state: "in_flight", createdAt: existing.createdAt },
        data: { createdAt: now, expiresAt: new Date(now.getTime() + ttlMs) },
      });
      if (taken.count === 1) return { outcome: "claimed", id: existing.id };
      continue;
    }
    return { outcome: "in_flight" };
  }
  return { outcome: "in_flight" };
};

/** Stores the answer of the request that claimed the key; repeats get it from now on. */
export const completeIdempotencyKey = async (db: Db, id: string, status: number, body: unknown): Promise<void> => {
  await db.prisma.idempotencyKey.updateMany({
    where: { id, state: "in_flight" },
    data: { state: "completed", responseStatus: status, responseBody: body ?? {} },
  });
};

/** Gives the key up (the request failed on our side), so the client may try again with it. */
export const releaseIdempotencyKey = async (db: Db, id: string): Promise<void> => {
  await db.prisma.idempotencyKey.deleteMany({ where: { id, state: "in_flight" } });
};
