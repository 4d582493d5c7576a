import { copyFileSync, appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { repoRoot, run, runOk } from "../src/processes.js";

const dir = mkdtempSync(join(tmpdir(), "ja-compose-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = { PATH: process.env.PATH, HOME: dir };

/** `docker-compose config` output as an object (python3-yaml comes with Debian's docker-compose). */
const config = (args: string[]): any => {
  const yaml = runOk("docker-compose", [...args, "config"], { cwd: repoRoot, env }).stdout;
  return JSON.parse(runOk("python3", ["-c", "import json,sys,yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"], { input: yaml }).stdout);
};

/** The production sample env, as an operator would copy it to .env. */
const sampleEnv = (): string => {
  const file = join(dir, ".env");
  copyFileSync(join(repoRoot, "docker", "prod.env.example"), file);
  appendFileSync(file, `\nENV_FILE=${file}\n`);
  return file;
};

describe("docker/compose.yml (development)", () => {
  const dev = config(["-f", "docker/compose.yml"]);

  test("publishes every port on 127.0.0.1 only", () => {
    const ports = Object.values<any>(dev.services).flatMap((s) => s.ports ?? []);
    expect(ports.length).toBeGreaterThanOrEqual(3);
    for (const p of ports) expect(String(typeof p === "string" ? p : p.host_ip ?? p)).toMatch(/^127\.0\.0\.1/);
  });

  test("runs the apps from the dev stage with the source mounted, after migrations, on Postgres 16 and Redis 7 with AOF and noeviction", () => {
    for (const app of ["api", "worker", "scheduler"]) {
      const s = dev.services[app];
      expect(s.build.target).toBe("dev");
      expect(s.volumes.some((v: string) => /:\/app(:rw)?$/.test(String(v)))).toBe(true);
      expect(s.command.join(" ")).toBe(`pnpm --filter @job-agent/${app} dev`);
      expect(s.depends_on.migrate.condition).toBe("service_completed_successfully");
    }
    expect(dev.services.postgres.image).toMatch(/^postgres:16/);
    expect(dev.services.postgres.healthcheck.test.join(" ")).toContain("pg_isready");
    expect(dev.services.postgres.volumes.join(" ")).toContain("/var/lib/postgresql/data");
    const redis = dev.services.redis.command.join(" ");
    expect(dev.services.redis.image).toMatch(/^redis:7/);
    expect(redis).toContain("--appendonly yes");
    expect(redis).toContain("--appendfsync everysec");
    expect(redis).toContain("--maxmemory-policy noeviction");
  });
});

describe("docker/compose.prod.yml", () => {
  const file = sampleEnv();
  const prod = config(["-p", "job-agent", "--env-file", file, "-f", "docker/compose.prod.yml"]);

  test("publishes only Caddy's 80/443; Postgres and Redis sit on an internal network only", () => {
    for (const [name, s] of Object.entries<any>(prod.services)) {
      if (name === "caddy") expect(s.ports.map((p: any) => String(p.published ?? p).split(":")[0])).toEqual(["80", "443", "443"]);
      else expect(s.ports, name).toBeUndefined();
    }
    expect(prod.networks.backend.internal).toBe(true);
    expect(Object.keys(prod.services.postgres.networks)).toEqual(["backend"]);
    expect(Object.keys(prod.services.redis.networks)).toEqual(["backend"]);
  });

  test("Redis has a password (kept out of its arguments), AOF everysec and noeviction", () => {
    const cmd = prod.services.redis.command.join(" ");
    expect(cmd).toContain("requirepass");
    expect(cmd).toContain("$$REDIS_PASSWORD");
    expect(cmd).not.toContain("fedcba9876543210");
    expect(cmd).toContain("--appendfsync everysec");
    expect(cmd).toContain("--maxmemory-policy noeviction");
    expect(prod.services.api.environment.REDIS_URL).toBe("redis://:change-me-fedcba9876543210fedcba9876543210@redis:6379/0");
  });

  test("apps restart, have limits and rotated logs, wait for healthy dependencies and the migration; workers scale and drain", () => {
    for (const app of ["api", "worker", "scheduler"]) {
      const s = prod.services[app];
      expect(s.restart).toBe("unless-stopped");
      expect(s.deploy.resources.limits.memory).toBeTruthy();
      expect(s.logging.options["max-size"]).toBe("10m");
      expect(s.depends_on).toMatchObject({ migrate: { condition: "service_completed_successfully" }, postgres: { condition: "service_healthy" }, redis: { condition: "service_healthy" } });
      expect(s.environment.NODE_ENV).toBe("production");
    }
    expect(prod.services.migrate.build.target).toBe("migrate");
    expect(prod.services.worker.container_name).toBeUndefined();
    expect(prod.services.worker.deploy.replicas).toBe(2);
    expect(prod.services.scheduler.deploy.replicas).toBe(1);
    expect(prod.services.worker.stop_grace_period).toBe("60s");
    expect(prod.services.caddy.depends_on.api.condition).toBe("service_healthy");
  });

  test("fails with the variable's name when a secret is missing from .env", () => {
    const bare = join(dir, "bare.env");
    copyFileSync(file, bare);
    runOk("sed", ["-i", "/^POSTGRES_PASSWORD=/d", bare]);
    const res = run("docker-compose", ["--env-file", bare, "-f", "docker/compose.prod.yml", "config"], { cwd: repoRoot, env });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain("POSTGRES_PASSWORD");
  });
});
