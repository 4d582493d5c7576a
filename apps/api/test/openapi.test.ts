import { Validator } from "@cfworker/json-schema";
import type { Express } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTES } from "../src/openapi.js";
import { upload, fixture } from "./files.js";
import { openStream } from "./sse.js";
import { call, startStack, waitForRun, type Stack } from "./support.js";

let s: Stack;
let doc: any;
let adminKey: string;
beforeAll(async () => {
  s = await startStack({ worker: true, env: { OUTBOUND_ALLOW_PRIVATE_HOSTS: ["127.0.0.1"] } });
  doc = (await call(s.base, "GET", "/openapi.json")).body;
  adminKey = (await (await import("@job-agent/db")).createApiKey(s.tdb.db, { email: "admin@example.com", admin: true })).key;
});
afterAll(async () => {
  await s?.close();
});

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every (method, path) Express will answer, read from its router stack. */
const expressRoutes = (app: Express): string[] => {
  const out: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) for (const m of Object.keys(layer.route.methods)) out.push(`${m} ${layer.route.path}`);
      else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
};

const toOpenApiPath = (p: string) => p.replace(/:(\w+)/g, "{$1}");

/** Validates a real answer against the document's schema for its path, method, status and media type. */
const conforms = (method: string, path: string, res: { status: number; headers: Headers; body: unknown }) => {
  const op = doc.paths[path]?.[method];
  expect(op, `${method} ${path} is documented`).toBeDefined();
  const response = op.responses[String(res.status)];
  expect(response, `${method} ${path} documents ${res.status}`).toBeDefined();
  const type = (res.headers.get("content-type") ?? "").split(";")[0]!;
  const schema = response.content?.[type]?.schema;
  expect(schema, `${method} ${path} ${res.status} documents ${type}`).toBeDefined();
  const result = new Validator(schema, "2020-12", false).validate(res.body);
  expect(result.errors, `${method} ${path} ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`).toEqual([]);
  return true;
};

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 and lists exactly the routes Express serves", () => {
    expect(doc.openapi).toBe("3.1.0");
    const served = expressRoutes(s.app)
      .filter((r) => !r.startsWith("get /docs"))
      .filter((r) => r !== "get /openapi.json")
      .map((r) => {
        const [m, p] = r.split(" ");
        return `${m} ${toOpenApiPath(p!)}`;
      })
      .sort();
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`))
      .sort();
    expect(served.length).toBe(ROUTES.length);
    expect(documented).toEqual(served);
  });

  it("describes the answers real requests get", async () => {
    let checked = 0;
    const check = (method: string, path: string, res: { status: number; headers: Headers; body: unknown }) => {
      if (conforms(method, path, res)) checked += 1;
    };
    check("get", "/health", await call(s.base, "GET", "/health"));
    check("get", "/ready", await call(s.base, "GET", "/ready"));
    check("get", "/v1/me", await call(s.base, "GET", "/v1/me", { key: s.keyA }));
    check("get", "/v1/me", await call(s.base, "GET", "/v1/me"));
    check("post", "/v1/me/webhook-secret", await call(s.base, "POST", "/v1/me/webhook-secret", { key: s.keyB }));

    const search = await call(s.base, "POST", "/v1/job-searches", { key: s.keyA, body: { query: "Software Engineer", location: "Boston", maxScreening: 2, webhookUrl: "http://127.0.0.1:9/hook" } });
    check("post", "/v1/job-searches", search);
    check("post", "/v1/job-searches", await call(s.base, "POST", "/v1/job-searches", { key: s.keyA, body: { query: "" } }));
    const profile = await upload(s.base, s.keyA, [{ name: "cv.txt", bytes: fixture("resume-match-api-john-doe-swe.txt") }]);
    check("post", "/v1/profiles", profile);
    check("post", "/v1/profiles", await upload(s.base, s.keyA, [{ name: "x.png", bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]) }]));
    check("post", "/v1/profiles/{id}/job-searches", await call(s.base, "POST", `/v1/profiles/${profile.body.profileId}/job-searches`, { key: s.keyB, body: {} }));

    await waitForRun(s.base, s.keyA, search.body.runId);
    await waitForRun(s.base, s.keyA, profile.body.runId);
    check("get", "/v1/runs/{id}", await call(s.base, "GET", `/v1/runs/${search.body.runId}`, { key: s.keyA }));
    check("get", "/v1/runs/{id}", await call(s.base, "GET", `/v1/runs/${profile.body.runId}`, { key: s.keyA }));
    check("get", "/v1/runs", await call(s.base, "GET", "/v1/runs?limit=2", { key: s.keyA }));
    check("get", "/v1/runs", await call(s.base, "GET", "/v1/runs?status=nope", { key: s.keyA }));
    check("get", "/v1/runs/{id}/matches", await call(s.base, "GET", `/v1/runs/${search.body.runId}/matches`, { key: s.keyA }));
    check("get", "/v1/runs/{id}/deliveries", await call(s.base, "GET", `/v1/runs/${search.body.runId}/deliveries`, { key: s.keyA }));
    check("get", "/v1/runs/{id}/deliveries", await call(s.base, "GET", `/v1/runs/${search.body.runId}/deliveries`, { key: s.keyB }));
    check("get", "/v1/profiles/{id}", await call(s.base, "GET", `/v1/profiles/${profile.body.profileId}`, { key: s.keyA }));
    check("post", "/v1/profiles/{id}/job-searches", await call(s.base, "POST", `/v1/profiles/${profile.body.profileId}/job-searches`, { key: s.keyA, body: { maxScreening: 1 } }));

    check("post", "/v1/runs/{id}/cancel", await call(s.base, "POST", `/v1/runs/${search.body.runId}/cancel`, { key: s.keyA }));
    check("post", "/v1/runs/{id}/retry", await call(s.base, "POST", `/v1/runs/${search.body.runId}/retry`, { key: s.keyA }));
    // A search on a profile that is not ready fails; it can then be retried.
    const me = await call(s.base, "GET", "/v1/me", { key: s.keyA });
    const unready = await s.tdb.db.prisma.profile.create({ data: { userId: me.body.id, status: "pending" } });
    const doomed = await call(s.base, "POST", "/v1/job-searches", { key: s.keyA, body: { query: "Chef", location: "Lyon", profileId: unready.id } });
    expect((await waitForRun(s.base, s.keyA, doomed.body.runId)).status).toBe("failed");
    check("get", "/v1/runs/{id}", await call(s.base, "GET", `/v1/runs/${doomed.body.runId}`, { key: s.keyA }));
    check("post", "/v1/runs/{id}/retry", await call(s.base, "POST", `/v1/runs/${doomed.body.runId}/retry`, { key: s.keyA }));
    check("post", "/v1/runs/{id}/cancel", await call(s.base, "POST", `/v1/runs/${doomed.body.runId}/cancel`, { key: s.keyA }));
    const idem = { "idempotency-key": "openapi-1" };
    const first = await call(s.base, "POST", "/v1/job-searches", { key: s.keyB, body: { query: "Pilot", location: "Oslo" }, headers: idem });
    const replayed = await call(s.base, "POST", "/v1/job-searches", { key: s.keyB, body: { query: "Pilot", location: "Oslo" }, headers: idem });
    expect(replayed.headers.get("idempotent-replayed")).toBe("true");
    expect(replayed.body).toEqual(first.body);
    check("post", "/v1/job-searches", replayed);
    check("post", "/v1/job-searches", await call(s.base, "POST", "/v1/job-searches", { key: s.keyB, body: { query: "Pilot", location: "Bergen" }, headers: idem }));
    expect(doc.paths["/v1/job-searches"].post.parameters.map((p: { name: string }) => p.name)).toContain("Idempotency-Key");

    const stream = await openStream(`${s.base}/v1/runs/${search.body.runId}/events`, s.keyA);
    const events = await stream.rest();
    const eventSchema = doc.paths["/v1/runs/{id}/events"].get.responses["200"].content["text/event-stream"].schema;
    for (const e of events.filter((x) => x.event !== "end")) {
      expect(new Validator(eventSchema, "2020-12", false).validate(JSON.parse(e.data)).errors).toEqual([]);
      checked += 1;
    }

    check("get", "/admin/keys", await call(s.base, "GET", "/admin/keys", { key: adminKey }));
    check("get", "/admin/keys", await call(s.base, "GET", "/admin/keys", { key: s.keyA }));
    const created = await call(s.base, "POST", "/admin/keys", { key: adminKey, body: { email: "c@example.com" } });
    check("post", "/admin/keys", created);
    check("delete", "/admin/keys/{id}", await call(s.base, "DELETE", `/admin/keys/${created.body.keyId}`, { key: adminKey }));
    check("delete", "/admin/keys/{id}", await call(s.base, "DELETE", "/admin/keys/not-an-id", { key: adminKey }));
    expect(checked).toBeGreaterThan(30);
  });

  it("is browsable at /docs with every asset served locally", async () => {
    const page = await fetch(`${s.base}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const a of assets) {
      expect(a.startsWith("/")).toBe(true);
      const res = await fetch(`${s.base}${a}`);
      expect(res.status, a).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(10);
    }
    const init = await (await fetch(`${s.base}/docs/init.js`)).text();
    expect(init).toContain("/openapi.json");
  });
});
