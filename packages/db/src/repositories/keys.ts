import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../client.js";
import type { Plan, User } from "../../generated/prisma/client.js";

const KEY_PREFIX = "ja_";

export const hashKey = (key: string): string => createHash("sha256").update(key).digest("hex");

const newWebhookSecret = (): string => `whsec_${randomBytes(24).toString("base64")}`;

export interface CreatedKey {
  key: string;
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
    await tx.apiKey.create({ data: { userId: user.id, prefix, hash: hashKey(key), name: input.name ?? null } });
    return { key, prefix, user: { id: user.id, email: user.email, plan: user.plan, isAdmin: user.isAdmin } };
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
  const row = await db.prisma.apiKey.findUnique({ where: { hash: hashKey(key) }, include: { user: true } });
  if (!row || row.revokedAt) return null;
  const { user } = row;
  return { id: user.id, email: user.email, plan: user.plan, isAdmin: user.isAdmin, webhookSecret: user.webhookSecret, keyId: row.id };
};
