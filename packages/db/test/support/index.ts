import { randomBytes } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
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

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "prisma", "migrations");

/**
 * A new database with every migration's SQL applied in order: the same SQL
 * `prisma migrate deploy` applies (which `pnpm db:migrate` and CI run for
 * real), without the schema engine's start-up time. Built once per test run
 * as the template each test file copies.
 */
export const createMigratedDatabase = async (name: string): Promise<string> => {
  await admin((c) => c.query(`create database "${name}"`));
  const url = databaseUrl(name);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const dirs = readdirSync(migrationsDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    for (const dir of dirs) await client.query(readFileSync(join(migrationsDir, dir, "migration.sql"), "utf8"));
  } finally {
    await client.end();
  }
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
