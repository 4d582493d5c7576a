import { randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { inject } from "vitest";
import { createDb, type Db } from "../../src/client.js";

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}

/** Where tests may create and drop databases (trust auth on the development and CI machines). */
export const adminUrl = (): string => process.env.TEST_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export const databaseUrl = (name: string): string => {
  const u = new URL(adminUrl());
  u.pathname = `/${name}`;
  return u.toString();
};

const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
  const c = new pg.Client({ connectionString: adminUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
};

export const dropDatabase = (name: string) => admin((c) => c.query(`drop database if exists "${name}" with (force)`));

/** Runs `prisma migrate deploy` against a new database: used once per test run to build the template. */
export const createMigratedDatabase = async (name: string): Promise<string> => {
  await admin((c) => c.query(`create database "${name}"`));
  const url = databaseUrl(name);
  const pkg = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
  const res = spawnSync(join(pkg, "node_modules", ".bin", "prisma"), ["migrate", "deploy"], {
    cwd: pkg,
    env: { ...process.env, DATABASE_URL: url },
    encoding: "utf8",
  });
  if (res.status !== 0) throw new Error(`migrate deploy failed:\n${res.stdout}\n${res.stderr}`);
  return url;
};

export interface TestDatabase {
  name: string;
  url: string;
  db: Db;
  drop(): Promise<void>;
}

/** A fresh database for one test file, copied from the migrated template. */
export const createTestDatabase = async (): Promise<TestDatabase> => {
  const template = inject("templateDatabase");
  const name = `ja_test_${randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`create database "${name}" template "${template}"`));
  const url = databaseUrl(name);
  const db = createDb({ url, poolMax: 5, applicationName: "test" });
  return {
    name,
    url,
    db,
    drop: async () => {
      await db.close();
      await dropDatabase(name);
    },
  };
};
