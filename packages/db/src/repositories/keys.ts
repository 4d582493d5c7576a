import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "../client.js";
import type { Plan, User } from "../../generated/prisma/client.js";

const KEY_PREFIX = "ja_";

/**
 * Keys are 192 random bits, so a plain SHA-256 cannot be reversed or guessed
 * from a database dump; an HMAC with a server secret would add a secret to
 * manage (and lose every key with it) without making the stored hashes any
 * harder to use. Lookup is by this hash, so no secret is compared in a loop.
 */
export const hashKey = (key: string): string => createHash("sha256").update(key).digest("hex");

const newWebhookSecret = (): string => `whsec_${randomBytes(24).toString("base64")}`;

export interface CreatedKey {
  key: string;
  keyId: string;
  prefix: string;
  user: Pick<User, "id" | "email" | "plan" | "isAdmin">;
}

/**
 * Creates the user if needed (updating plan and admin flag when given) and a
 * new API key for it. The key is returned once; only its hash is stored.
 */
export const createApiKey = async (
  db: Db,
  input: { email: string; plan?: Plan; admin?: boolean; name?: string },
): Promise<CreatedKey> => {
  const email = input.email.trim().toLowerCase();
  const secret = randomBytes(24).toString("base64url");
  const key = `${KEY_PREFIX}${secret}`;
  const prefix = key.slice(0, 10);
  return db.prisma.$transaction(async (tx) => {
    const user = await tx.user.upsert({
      where: { email },
      create: { email, plan: input.plan ?? "free", isAdmin: input.admin ?? false, webhookSecret: newWebhookSecret() },
      update: {
        ...(input.plan ? { plan: input.plan } : {}),
        ...(input.admin !== undefined ? { isAdmin: input.admin } : {}),
      },
    });
    const row = await tx.apiKey.create({ data: { userId: user.id, prefix, hash: hashKey(key), name: input.name ?? null }, select: { id: true } });
    return { key, keyId: row.id, prefix, user: { id: user.id, email: user.email, plan: user.plan, isAdmin: user.isAdmin } };
  });
};

export interface AuthenticatedUser {
  id: string;
  email: string;
  plan: Plan;
  isAdmin: boolean;
  webhookSecret: string;
  keyId: string;
}

/**
 * The user a key belongs to, or null. The lookup is by hash (a unique
 * index), so no comparison of secrets happens in JavaScript.
 */
export const authenticateKey = async (db: Db, key: string): Promise<AuthenticatedUser | null> => {
  if (!key.startsWith(KEY_PREFIX) || key.length > 200) return null;
  const hash = hashKey(key);
  const { rows } = await db.pool.query<KeyRow>({ name: "ja_authenticate", text: AUTH_SQL, values: [hash] });
  const row = rows[0];
  if (!row || row.revoked_at) return null;
  // The index found the row; the comparison that decides is made in constant time all the same.
  if (!timingSafeEqual(Buffer.from(row.hash), Buffer.from(hash)) || !key.startsWith(row.prefix)) return null;
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) {
    // Written at most once a minute per key, and never on the request's critical path.
    void db.pool.query({ name: "ja_key_used", text: "update api_keys set last_used_at = now() where id = $1", values: [row.key_id] }).catch(() => undefined);
  }
  return { id: row.user_id, email: row.email, plan: row.plan, isAdmin: row.is_admin, webhookSecret: row.webhook_secret, keyId: row.key_id };
};

interface KeyRow {
  key_id: string;
  hash: string;
  prefix: string;
  revoked_at: Date | null;
  last_used_at: Date | null;
  user_id: string;
  email: string;
  plan: Plan;
  is_admin: boolean;
  webhook_secret: string;
}

const AUTH_SQL = `
select k.id as key_id, k.hash, k.prefix, k.revoked_at, k.last_used_at, u.id as user_id, u.email, u.plan, u.is_admin, u.webhook_secret
  from api_keys k join users u on u.id = k.user_id
 where k.hash = $1`;

const LAST_USED_RESOLUTION_MS = 60_000;

export interface Authenticator {
  /** The user a key belongs to, or null (see authenticateKey). */
  authenticate: (key: string) => Promise<AuthenticatedUser | null>;
  /** Forgets every key kept: call it when keys or users change (`auth_changed`). */
  clear: () => void;
  /** Keys kept now (for tests). */
  size: () => number;
}

/**
 * authenticateKey with the answers for valid keys kept for `ttlMs`, so a
 * busy client costs no database round trip per request. Whatever could
 * revoke or alter a key is announced on `auth_changed` (database triggers)
 * and must reach `clear()` (the API's listener does that), so a revoked key
 * stops working as soon as the notification arrives; `ttlMs` bounds how long
 * a missed notification could matter. At most `maxKeys` are kept. ttlMs 0:
 * nothing is kept.
 */
export const createAuthenticator = (db: Db, { ttlMs, maxKeys = 10_000 }: { ttlMs: number; maxKeys?: number }): Authenticator => {
  const kept = new Map<string, { user: AuthenticatedUser; until: number }>();
  let generation = 0;
  return {
    authenticate: async (key) => {
      // kept by hash: the process holds no key longer than its request
      const id = hashKey(key);
      const hit = kept.get(id);
      if (hit && hit.until > Date.now()) return hit.user;
      if (hit) kept.delete(id);
      const seen = generation;
      const user = await authenticateKey(db, key);
      // an answer read before a change was announced is not kept
      if (user && ttlMs > 0 && seen === generation) {
        if (kept.size >= maxKeys) kept.delete(kept.keys().next().value!);
        kept.set(id, { user, until: Date.now() + ttlMs });
      }
      return user;
    },
    clear: () => {
      generation += 1;
      kept.clear();
    },
    size: () => kept.size,
  };
};

export interface ApiKeyView {
  keyId: string;
  prefix: string;
  name: string | null;
  userId: string;
  email: string;
  plan: Plan;
  isAdmin: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const keyView = (k: { id: string; prefix: string; name: string | null; userId: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null; user: Pick<User, "email" | "plan" | "isAdmin"> }): ApiKeyView => ({
  keyId: k.id,
  prefix: k.prefix,
  name: k.name,
  userId: k.userId,
  email: k.user.email,
  plan: k.user.plan,
  isAdmin: k.user.isAdmin,
  createdAt: k.createdAt,
  lastUsedAt: k.lastUsedAt,
  revokedAt: k.revokedAt,
});

/** Keys (never their secrets), newest first; optionally one user's by email. */
export const listApiKeys = async (db: Db, q: { email?: string; limit?: number } = {}): Promise<ApiKeyView[]> => {
  const rows = await db.prisma.apiKey.findMany({
    where: q.email ? { user: { email: q.email.trim().toLowerCase() } } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: q.limit ?? 100,
    include: { user: { select: { email: true, plan: true, isAdmin: true } } },
  });
  return rows.map(keyView);
};

/**
 * Revokes keys by id, by prefix, or every key of a user (by email). Returns
 * the keys revoked now (already revoked ones are left as they were).
 */
export const revokeApiKeys = async (db: Db, by: { keyId: string } | { prefix: string } | { email: string }): Promise<ApiKeyView[]> => {
  const where =
    "keyId" in by ? { id: by.keyId } : "prefix" in by ? { prefix: by.prefix } : { user: { email: by.email.trim().toLowerCase() } };
  return db.prisma.$transaction(async (tx) => {
    const rows = await tx.apiKey.findMany({ where: { ...where, revokedAt: null }, include: { user: { select: { email: true, plan: true, isAdmin: true } } } });
    if (rows.length === 0) return [];
    const revokedAt = new Date();
    await tx.apiKey.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { revokedAt } });
    return rows.map((r) => keyView({ ...r, revokedAt }));
  });
};

/** A key by id, or null. */
export const getApiKey = async (db: Db, keyId: string): Promise<ApiKeyView | null> => {
  const row = await db.prisma.apiKey.findUnique({ where: { id: keyId }, include: { user: { select: { email: true, plan: true, isAdmin: true } } } });
  return row ? keyView(row) : null;
};

/** Replaces the user's webhook signing secret and returns the new one. */
export const rotateWebhookSecret = async (db: Db, userId: string): Promise<string> => {
  const webhookSecret = newWebhookSecret();
  await db.prisma.user.update({ where: { id: userId }, data: { webhookSecret } });
  return webhookSecret;
};
