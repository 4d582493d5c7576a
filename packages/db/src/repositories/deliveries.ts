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

export const recordDelivery = async (
  db: Db,
  d: {
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
  },
): Promise<void> => {
  await db.prisma.webhookDelivery.create({ data: d });
};
