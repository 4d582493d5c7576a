/**
 * `pnpm db:migrate`: creates the database if it does not exist yet, then
 * applies every migration with `prisma migrate deploy` (no engine download).
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadDotEnv } from "@job-agent/shared";
import pg from "pg";
import { childEnv, readDbEnv } from "../env.js";

loadDotEnv();
const { DATABASE_URL } = readDbEnv();

const ensureDatabase = async (url: string): Promise<void> => {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ""));
  if (!name) throw new Error("DATABASE_URL names no database");
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (!rowCount) {
      await client.query(`create database "${name.replaceAll('"', '""')}"`);
      console.error(`created database ${name}`);
    }
  } finally {
    await client.end();
  }
};

await ensureDatabase(DATABASE_URL);
const pkg = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const res = spawnSync("pnpm", ["exec", "prisma", "migrate", "deploy"], {
  cwd: pkg,
  stdio: ["ignore", "inherit", "inherit"],
  env: childEnv(DATABASE_URL),
});
process.exit(res.status ?? 1);
