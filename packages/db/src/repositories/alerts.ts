import type { AlertRecord, AlertStore } from "@job-agent/shared";
import type { Db } from "../client.js";
import type { Prisma } from "../../generated/prisma/client.js";

export type { AlertRecord };

/** Alert debounce state in Postgres, so it survives a scheduler restart. */
export const createAlertStore = (db: Db): AlertStore & { list(): Promise<AlertRecord[]> } => ({
  get: async (key: string): Promise<AlertRecord | null> => {
    const r = await db.prisma.alertState.findUnique({ where: { key } });
    return r ? { ...r, status: r.status as AlertRecord["status"], details: (r.details as Record<string, unknown> | null) ?? null } : null;
  },
  put: async (r: AlertRecord): Promise<void> => {
    const data = { ...r, details: (r.details ?? undefined) as Prisma.InputJsonValue | undefined };
    await db.prisma.alertState.upsert({ where: { key: r.key }, create: data, update: data });
  },
  list: async (): Promise<AlertRecord[]> =>
    (await db.prisma.alertState.findMany({ orderBy: { key: "asc" } })).map((r) => ({
      ...r,
      status: r.status as AlertRecord["status"],
      details: (r.details as Record<string, unknown> | null) ?? null,
    })),
});
