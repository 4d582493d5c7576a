import pg from "pg";
import { runOk } from "./processes.js";

export const adminUrl = process.env.CHAOS_PG_ADMIN_URL ?? process.env.PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

const withAdmin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
};

/** The URL of database `name` on the admin server. */
export const databaseUrl = (name: string): string => {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
};

/** Creates an empty database and migrates it the way an operator does (`pnpm db:migrate`). */
export const createDatabase = async (name: string): Promise<string> => {
  await withAdmin((c) => c.query(`create database "${name}"`));
  const url = databaseUrl(name);
  runOk("pnpm", ["--silent", "db:migrate"], { DATABASE_URL: url });
  return url;
};

export const dropDatabase = (name: string): Promise<unknown> => withAdmin((c) => c.query(`drop database if exists "${name}" with (force)`));

/** Cuts every connection to the database (what a Postgres restart or a network cut does to clients). */
export const terminateBackends = (name: string): Promise<number> =>
  withAdmin(async (c) => {
    const { rowCount } = await c.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()", [name]);
    return rowCount ?? 0;
  });
