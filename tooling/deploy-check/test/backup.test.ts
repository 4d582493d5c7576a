import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adminUrl, databaseUrl, dropDatabase } from "@job-agent/db/testing";
import { afterAll, describe, expect, test } from "vitest";
import { repoRoot, run, runOk } from "../src/processes.js";

const name = `ja_test_backup_${randomBytes(5).toString("hex")}`;
const url = databaseUrl(name);
const dir = mkdtempSync(join(tmpdir(), "ja-backup-"));
const env = (extra: Record<string, string> = {}) => ({ PATH: process.env.PATH, DATABASE_URL: url, BACKUP_DIR: dir, ...extra });
const backup = join(repoRoot, "infra", "backup", "backup.sh");
const restore = join(repoRoot, "infra", "backup", "restore.sh");
const psql = (sql: string, target = url) => runOk("psql", [target, "-v", "ON_ERROR_STOP=1", "-Atc", sql]).stdout.trim();
/** Row counts and a digest of every row, so "all rows are back" means the same rows. */
const fingerprint = () => psql("select (select count(*) from runs) || ':' || (select md5(string_agg(r::text, ',' order by id)) from runs r) || ':' || (select count(*) from events) || ':' || (select md5(string_agg(e::text, ',' order by id)) from events e)");

afterAll(async () => {
  await dropDatabase(name);
  rmSync(dir, { recursive: true, force: true });
});

describe("infra/backup", () => {
  test("a dump survives dropping the database: restore brings every row back", () => {
    psql(`create database "${name}"`, adminUrl());
    psql(`
      create table runs (id text primary key, status text not null, payload jsonb, created_at timestamptz not null default now());
      create table events (id bigserial primary key, run_id text not null references runs(id), data text);
      insert into runs select 'run_' || g, (array['pending','running','completed'])[1 + g % 3], jsonb_build_object('n', g), now() - g * interval '1 minute' from generate_series(1, 500) g;
      insert into events (run_id, data) select 'run_' || (1 + g % 500), repeat('x', g % 50) from generate_series(1, 2000) g;`);
    const before = fingerprint();
    expect(before.startsWith("500:")).toBe(true);

    const dump = runOk("sh", [backup], { env: env() }).stdout.trim();
    expect(dump).toMatch(new RegExp(`^${dir}/job_agent-\\d{8}T\\d{6}Z\\.dump$`));
    expect(readdirSync(dir).filter((f) => f.endsWith(".partial"))).toEqual([]);

    // An existing database is not replaced without --force, and is left as it was.
    psql("delete from events where id > 1000");
    const refused = run("sh", [restore, dump], { env: env() });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("--force");
    expect(psql("select count(*) from events")).toBe("1000");

    psql(`drop database "${name}" with (force)`, adminUrl());
    expect(psql(`select count(*) from pg_database where datname = '${name}'`, adminUrl())).toBe("0");

    runOk("sh", [restore, dump], { env: env() });
    expect(fingerprint()).toBe(before);
    // The sequence came back too: new rows do not collide with restored ones.
    expect(psql("insert into events (run_id, data) values ('run_1', 'new') returning id").split("\n")[0]).toBe("2001");

    runOk("sh", [restore, "--force", dump], { env: env() });
    expect(fingerprint()).toBe(before);
  });

  test("retention deletes old dumps only, and a failed dump leaves nothing behind", () => {
    const old = join(dir, "job_agent-20000101T000000Z.dump");
    const recent = join(dir, "job_agent-20990101T000000Z.dump");
    const other = join(dir, "notes.txt");
    for (const f of [old, recent, other]) writeFileSync(f, "x");
    const longAgo = new Date(Date.now() - 30 * 24 * 3600 * 1000);
    utimesSync(old, longAgo, longAgo);
    utimesSync(other, longAgo, longAgo);

    runOk("sh", [backup], { env: env({ BACKUP_RETENTION_DAYS: "14" }) });
    const files = readdirSync(dir);
    expect(files).not.toContain("job_agent-20000101T000000Z.dump");
    expect(files).toContain("job_agent-20990101T000000Z.dump");
    expect(files).toContain("notes.txt");

    const count = readdirSync(dir).length;
    const failed = run("sh", [backup], { env: env({ DATABASE_URL: databaseUrl(`${name}_missing`) }) });
    expect(failed.code).not.toBe(0);
    expect(readdirSync(dir)).toHaveLength(count);
  });
});
