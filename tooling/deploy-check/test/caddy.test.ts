import { createServer, type Server, type ServerResponse } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "@job-agent/db/testing";
import { cleanupQueues, testQueueConfig } from "@job-agent/queue/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Child, freePort, repoRoot, run, waitForHttp } from "../src/processes.js";

const CADDYFILE = join(repoRoot, "infra", "Caddyfile");
// caddy hash-password --plaintext change-me
const HASH = "$2a$14$5D4npn4gAryVjiqzVf9v/Ovan9JrgufpMzw8WTT6y6wCrbRyJxfPe";
const home = mkdtempSync(join(tmpdir(), "ja-caddy-"));

/** The environment docker/compose.prod.yml gives Caddy, with a plain-HTTP loopback site instead of $DOMAIN. */
const caddyEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: home,
  XDG_DATA_HOME: join(home, "data"),
  XDG_CONFIG_HOME: join(home, "config"),
  ACME_EMAIL: "ops@example.com",
  ADMIN_USER: "admin",
  ADMIN_PASSWORD_HASH: HASH,
  CADDY_ADMIN: "off",
  ...extra,
});

const startCaddy = async (upstream: string, extra: Record<string, string> = {}): Promise<{ child: Child; base: string }> => {
  const port = await freePort();
  const env = caddyEnv({ DOMAIN: `http://127.0.0.1:${port}`, API_UPSTREAM: upstream, ...extra });
  const child = new Child("caddy", ["run", "--config", CADDYFILE, "--adapter", "caddyfile"], { env });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/health`, child);
  return { child, base };
};

const children: Child[] = [];
const queue = testQueueConfig();
let database: TestDatabase;
let apiPort: number;

beforeAll(async () => {
  database = await createTestDatabase();
  apiPort = await freePort();
  const api = new Child("node", [join(repoRoot, "apps", "api", "dist", "main.js")], {
    cwd: join(repoRoot, "apps", "api"),
    env: { PATH: process.env.PATH, NODE_ENV: "production", LOG_FORMAT: "json", DATABASE_URL: database.url, REDIS_URL: queue.url, QUEUE_PREFIX: queue.prefix, PORT: String(apiPort), HOST: "127.0.0.1" },
  });
  children.push(api);
  await api.waitFor('"api listening"');
});

afterAll(async () => {
  for (const c of children) await c.stop("SIGTERM");
  await database?.drop();
  await cleanupQueues(queue);
  rmSync(home, { recursive: true, force: true });
});

describe("infra/Caddyfile", () => {
  test("caddy validate accepts it with the production placeholders filled", () => {
    const res = run("caddy", ["validate", "--config", CADDYFILE, "--adapter", "caddyfile"], {
      env: caddyEnv({ DOMAIN: "jobs.example.com", API_UPSTREAM: "api:3000", CADDY_ADMIN: "localhost:2019" }),
    });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout + res.stderr).toContain("Valid configuration");
  });

  test("caddy validate rejects it when the basic auth hash is missing", () => {
    const env = caddyEnv({ DOMAIN: "jobs.example.com", API_UPSTREAM: "api:3000" });
    delete env.ADMIN_PASSWORD_HASH;
    const res = run("caddy", ["validate", "--config", CADDYFILE, "--adapter", "caddyfile"], { env });
    expect(res.code).not.toBe(0);
  });

  test("proxies to the built api with security headers, a body limit and an access log", async () => {
    const { child, base } = await startCaddy(`127.0.0.1:${apiPort}`, { BODY_MAX: "64KB" });
    children.push(child);

    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    expect(health.headers.get("x-content-type-options")).toBe("nosniff");
    expect(health.headers.get("x-frame-options")).toBe("DENY");
    expect(health.headers.get("strict-transport-security")).toContain("max-age=");
    expect(health.headers.get("server")).toBeNull();

    const ready = await fetch(`${base}/ready`);
    expect(await ready.json()).toMatchObject({ checks: { postgres: true, redis: true } });

    // A body over BODY_MAX never reaches the api.
    const big = await fetch(`${base}/v1/job-searches`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "x".repeat(200_000), location: "Berlin" }),
    });
    // Caddy 2.7+ answers 413; Debian's 2.6 reports the cut-off body as a 502. Either way the cause
    // is the limit, and the api never accepts the request.
    expect([413, 502]).toContain(big.status);
    await expect.poll(() => child.output).toContain("request body too large");
    expect(children[0]!.output).not.toMatch(/"path":"\/v1\/job-searches"[^\n]*"status":2\d\d/);

    // The access log is JSON on stdout and carries the request.
    await expect.poll(() => child.output).toContain('"uri":"/health"');
  });

  test("/admin/* needs basic auth from an allowed address; the admin key goes on to the api as the bearer, the password never", async () => {
    // An upstream that answers with the headers it received.
    const echo: Server = createServer((req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ url: req.url, authorization: req.headers.authorization ?? null, adminKey: req.headers["x-admin-key"] ?? null }));
    });
    echo.listen(0, "127.0.0.1");
    await new Promise((r) => echo.once("listening", r));
    const addr = echo.address();
    try {
      const { child, base } = await startCaddy(`127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`);
      children.push(child);
      const basic = (password: string) => `Basic ${Buffer.from(`admin:${password}`).toString("base64")}`;

      const anonymous = await fetch(`${base}/admin/stats`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get("www-authenticate")).toMatch(/^Basic/);
      const wrong = await fetch(`${base}/admin/stats`, { headers: { authorization: basic("nope") } });
      expect(wrong.status).toBe(401);

      const withKey = await fetch(`${base}/admin/stats`, { headers: { authorization: basic("change-me"), "x-admin-key": "ja_admin_key" } });
      expect(withKey.status).toBe(200);
      expect(await withKey.json()).toEqual({ url: "/admin/stats", authorization: "Bearer ja_admin_key", adminKey: null });

      const withoutKey = await fetch(`${base}/admin/queues`, { headers: { authorization: basic("change-me") } });
      expect(await withoutKey.json()).toEqual({ url: "/admin/queues", authorization: null, adminKey: null });

      // Outside /admin the Authorization header passes untouched.
      const api = await fetch(`${base}/v1/me`, { headers: { authorization: "Bearer ja_user_key" } });
      expect(await api.json()).toEqual({ url: "/v1/me", authorization: "Bearer ja_user_key", adminKey: null });
    } finally {
      echo.close();
    }
  });

  test("/admin/* from an address outside ADMIN_ALLOW_CIDRS is refused even with the password", async () => {
    const { child, base } = await startCaddy(`127.0.0.1:${apiPort}`, { ADMIN_ALLOW_CIDRS: "10.0.0.0/8" });
    children.push(child);
    const res = await fetch(`${base}/admin/stats`, { headers: { authorization: `Basic ${Buffer.from("admin:change-me").toString("base64")}` } });
    expect(res.status).toBe(403);
    // The rest of the site is not affected.
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  test("a Server-Sent Events stream passes through unbuffered: each event arrives while the upstream still holds the stream open", async () => {
    // The upstream writes event n+1 only after the client has received event n, and closes only
    // after the last: a proxy that buffered the response would deliver nothing and time out.
    const received: string[] = [];
    let notify: (() => void) | undefined;
    let upstreamClosed = false;
    const waitForClient = (count: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`client saw ${received.length} events, expected ${count}`)), 10_000);
        const check = () => {
          if (received.length >= count) {
            clearTimeout(timer);
            resolve();
          } else notify = check;
        };
        check();
      });
    const upstream: Server = createServer((req, res: ServerResponse) => {
      if (req.url !== "/v1/runs/run_1/events") {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      void (async () => {
        for (let id = 1; id <= 3; id++) {
          res.write(`id: ${id}\nevent: status\ndata: {"seq":${id}}\n\n`);
          await waitForClient(id).catch(() => undefined);
        }
        upstreamClosed = true;
        res.end();
      })();
    });
    upstream.listen(0, "127.0.0.1");
    await new Promise((r) => upstream.once("listening", r));
    const addr = upstream.address();
    const upstreamPort = typeof addr === "object" && addr ? addr.port : 0;
    try {
      const { child, base } = await startCaddy(`127.0.0.1:${upstreamPort}`);
      children.push(child);
      const res = await fetch(`${base}/v1/runs/run_1/events`, { headers: { accept: "text/event-stream" } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/event-stream");
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      const openWhenReceived: boolean[] = [];
      while (received.length < 3) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          received.push(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          openWhenReceived.push(!upstreamClosed);
          notify?.();
        }
      }
      expect(received).toEqual([1, 2, 3].map((id) => `id: ${id}\nevent: status\ndata: {"seq":${id}}`));
      expect(openWhenReceived).toEqual([true, true, true]);
      const rest = await reader.read();
      expect(rest.done).toBe(true);
      expect(upstreamClosed).toBe(true);
    } finally {
      upstream.close();
    }
  });
});
