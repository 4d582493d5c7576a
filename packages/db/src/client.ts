import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client.js";

export interface DbOptions {
  url: string;
  poolMax?: number;
  /** Written to pg_stat_activity, so a connection says which process holds it. */
  applicationName?: string;
}

/** The database handle every repository takes: the Prisma client and its pool. */
export interface Db {
  prisma: PrismaClient;
  pool: pg.Pool;
  close(): Promise<void>;
}

export const createDb = ({ url, poolMax = 10, applicationName = "job-agent" }: DbOptions): Db => {
  const pool = new pg.Pool({ connectionString: url, max: poolMax, application_name: applicationName });
  // An idle client that loses its server emits here; without a listener it would crash the process.
  pool.on("error", () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    pool,
    close: async () => {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
};

export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/** True when Postgres answers. */
export const pingDb = async (db: Db): Promise<boolean> => {
  try {
    await db.pool.query("select 1");
    return true;
  } catch {
    return false;
  }
};
