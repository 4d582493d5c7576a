import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "@job-agent/shared/testing";
import { call, startStack, type Stack } from "./support.js";

let s: Stack;
beforeAll(async () => {
  s = await startStack({ worker: false, bodyLimit: 300_000 });
});
afterAll(async () => {
  await s?.close();
});

const counts = async () => {
  const p = s.tdb.db.prisma;
  const [runs, executions, profiles, documents] = await Promise.all([p.run.count(), p.workflowExecution.count(), p.profile.count(), p.cvDocument.count()]);
  return { runs, executions, profiles, documents };
};

const expectProblem = (res: { status: number; headers: Headers; body: any }, status: number, field?: string) => {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(res.body.status).toBe(status);
  expect(typeof res.body.title).toBe("string");
  expect(JSON.stringify(res.body)).not.toMatch(/at \w+ \(|node_modules/);
  if (field) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
};

describe("bad input is refused with problem+json naming the field, and writes nothing", () => {
  const cases: { name: string; path: string; body?: unknown; raw?: string; field: string; status?: number }[] = [
    { name: "missing query", path: "/v1/job-searches", body: { location: "Berlin" }, field: "body.query" },
    { name: "missing location", path: "/v1/job-searches", body: { query: "Nurse" }, field: "body.location" },
    { name: "empty query", path: "/v1/job-searches", body: { query: "   ", location: "Berlin" }, field: "body.query" },
    { name: "query of the wrong type", path: "/v1/job-searches", body: { query: 42, location: "Berlin" }, field: "body.query" },
    { name: "numResults out of range", path: "/v1/job-searches", body: { query: "x", location: "y", numResults: 100000 }, field: "body.numResults" },
    { name: "numResults not an integer", path: "/v1/job-searches", body: { query: "x", location: "y", numResults: 2.5 }, field: "body.numResults" },
    { name: "unknown field", path: "/v1/job-searches", body: { query: "x", location: "y", dropTables: true }, field: "body.dropTables" },
    { name: "unknown source", path: "/v1/job-searches", body: { query: "x", location: "y", sources: ["linkedin"] }, field: "body.sources.0" },
    { name: "profileId not a uuid", path: "/v1/job-searches", body: { query: "x", location: "y", profileId: "../../etc" }, field: "body.profileId" },
    { name: "webhookUrl not a URL", path: "/v1/job-searches", body: { query: "x", location: "y", webhookUrl: "javascript:alert(1)" }, field: "body.webhookUrl" },
    { name: "a JSON array body", path: "/v1/job-searches", body: [1, 2], field: "body" },
    { name: "malformed JSON", path: "/v1/job-searches", raw: '{"query": ', field: "body" },
    { name: "profile without a CV", path: "/v1/profiles", body: { name: "Ann" }, field: "body.cvText" },
    { name: "empty cvText", path: "/v1/profiles", body: { cvText: " \n " }, field: "body.cvText" },
    { name: "bad email", path: "/v1/profiles", body: { cvText: "hello", email: "not-an-email" }, field: "body.email" },
    { name: "over-long cvText", path: "/v1/profiles", body: { cvText: "x".repeat(200_001) }, field: "body.cvText" },
    { name: "oversized body", path: "/v1/profiles", body: { cvText: "x".repeat(400_000) }, field: "body", status: 413 },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const before = await counts();
      const res = await call(s.base, "POST", c.path, { key: s.keyA, body: c.body, rawBody: c.raw });
      expectProblem(res, c.status ?? 400, c.field);
      expect(await counts()).toEqual(before);
    });
  }

  it("an invalid list query names the parameter", async () => {
    expectProblem(await call(s.base, "GET", "/v1/runs?status=exploded", { key: s.keyA }), 400, "query.status");
    expectProblem(await call(s.base, "GET", "/v1/runs?limit=0", { key: s.keyA }), 400, "query.limit");
    expectProblem(await call(s.base, "GET", "/v1/runs?cursor=bm9wZQ", { key: s.keyA }), 400, "query.cursor");
  });
});

describe("unknown and foreign ids are 404", () => {
  it("for every read and every fan-out", async () => {
    const search = await call(s.base, "POST", "/v1/job-searches", { key: s.keyA, body: { query: "Welder", location: "Leeds" } });
    const profile = await call(s.base, "POST", "/v1/profiles", { key: s.keyA, body: { cvText: "Jane Roe\njane@example.com\nWelder with 6 years of MIG and TIG welding." } });
    expect(search.status).toBe(202);
    expect(profile.status).toBe(202);
    const ids = { run: search.body.runId as string, profile: profile.body.profileId as string };
    const unknown = "00000000-0000-4000-8000-000000000000";
    const paths = [(id: string) => `/v1/runs/${id}`, (id: string) => `/v1/runs/${id}/matches`];
    for (const p of paths) {
      expect((await call(s.base, "GET", p(ids.run), { key: s.keyA })).status).toBe(200);
      for (const id of [ids.run, unknown, "not-a-uuid"]) expectProblem(await call(s.base, "GET", p(id), { key: s.keyB }), 404);
    }
    expect((await call(s.base, "GET", `/v1/profiles/${ids.profile}`, { key: s.keyA })).status).toBe(200);
    for (const id of [ids.profile, unknown, "1 OR 1=1"]) {
      expectProblem(await call(s.base, "GET", `/v1/profiles/${encodeURIComponent(id)}`, { key: s.keyB }), 404);
      expectProblem(await call(s.base, "POST", `/v1/profiles/${encodeURIComponent(id)}/job-searches`, { key: s.keyB, body: {} }), 404);
    }
    const before = await counts();
    const foreign = await call(s.base, "POST", "/v1/job-searches", { key: s.keyB, body: { query: "x", location: "y", profileId: ids.profile } });
    expectProblem(foreign, 404, "body.profileId");
    expect(await counts()).toEqual(before);
    const list = await call(s.base, "GET", "/v1/runs", { key: s.keyB });
    expect(list.body.items).toEqual([]);
    expectProblem(await call(s.base, "GET", "/v1/nowhere", { key: s.keyA }), 404);
  });
});

describe("authentication", () => {
  it("answers 401 for a missing, malformed, unknown or revoked key", async () => {
    const variants: Record<string, string>[] = [{}, { authorization: "Basic abc" }, { authorization: "Bearer ja_nope" }, { authorization: "Bearer" }];
    for (const headers of variants) {
      const res = await call(s.base, "GET", "/v1/me", { headers });
      expectProblem(res, 401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
    const before = await counts();
    expectProblem(await call(s.base, "POST", "/v1/job-searches", { body: { query: "x", location: "y" } }), 401);
    expect(await counts()).toEqual(before);
    expect((await call(s.base, "GET", "/v1/me", { key: s.keyB })).status).toBe(200);
    // Revoked in the database by anyone (another API process, the CLI): Postgres tells every API process.
    await s.tdb.db.prisma.apiKey.updateMany({ where: { user: { email: "b@example.com" } }, data: { revokedAt: new Date() } });
    await eventually(async () => (await call(s.base, "GET", "/v1/me", { key: s.keyB })).status === 401, "the revoked key refused", 5_000);
    expectProblem(await call(s.base, "GET", "/v1/me", { key: s.keyB }), 401);
  });

  it("/v1/me shows the caller and nothing of others", async () => {
    const me = await call(s.base, "GET", "/v1/me", { key: s.keyA });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: "a@example.com", plan: "premium" });
    expect(me.body.webhookSecret).toMatch(/^whsec_/);
    expect(Object.keys(me.body).sort()).toEqual(["email", "id", "plan", "webhookSecret"]);
  });

  it("/health and /ready answer without a key", async () => {
    expect((await call(s.base, "GET", "/health")).status).toBe(200);
    const ready = await call(s.base, "GET", "/ready");
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ postgres: true, redis: true });
  });
});
