import { createApiKey } from "@job-agent/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTES } from "../src/openapi.js";
import { absurdPdf, docxBomb, fixture, upload } from "./files.js";
import { call, startStack, type Stack } from "./support.js";

let s: Stack;
let adminKey: string;
beforeAll(async () => {
  s = await startStack({
    worker: false,
    env: {
      MAX_UNFINISHED_RUNS_FREE: 3,
      CORS_ORIGINS: ["https://app.example"],
      OUTBOUND_HTTPS_ONLY: "true",
      OUTBOUND_ALLOW_PRIVATE_HOSTS: [],
      UPLOAD_MAX_FILES: 3,
      PDF_MAX_PAGES: 40,
    },
    // "evil.test" resolves to loopback, "public.test" to a public address (nothing is ever sent to either).
    resolve: (host) => Promise.resolve(host === "evil.test" ? [{ address: "127.0.0.1", family: 4 }] : [{ address: "93.184.215.14", family: 4 }]),
  });
  adminKey = (await createApiKey(s.tdb.db, { email: "root@example.com", admin: true })).key;
});
afterAll(async () => {
  await s?.close();
});

const counts = async () => {
  const p = s.tdb.db.prisma;
  const [runs, profiles, documents] = await Promise.all([p.run.count(), p.profile.count(), p.cvDocument.count()]);
  return { runs, profiles, documents };
};

const expectProblem = (res: { status: number; headers: Headers; body: any }, status: number, field?: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(res.body.status).toBe(status);
  expect(JSON.stringify(res.body)).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/);
  if (field) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
};

describe("isolation: user B's key against every route with user A's ids", () => {
  it("answers 404 each time, and A still sees its own", async () => {
    const search = await call(s.base, "POST", "/v1/job-searches", { key: s.keyA, body: { query: "Welder", location: "Leeds" } });
    const profile = await call(s.base, "POST", "/v1/profiles", { key: s.keyA, body: { cvText: "Ann Example\nWelder, 6 years of MIG welding." } });
    expect(search.status).toBe(202);
    expect(profile.status).toBe(202);
    const idFor = (path: string) => (path.startsWith("/v1/profiles/") ? profile.body.profileId : search.body.runId);
    const owned = ROUTES.filter((r) => r.auth === "key" && r.path.includes(":id"));
    expect(owned.length).toBeGreaterThanOrEqual(6);
    const before = await counts();
    for (const r of owned) {
      const path = r.path.replace(":id", idFor(r.path));
      const body = r.method === "post" ? {} : undefined;
      const res = await call(s.base, r.method.toUpperCase(), path, { key: s.keyB, body });
      expectProblem(res, 404);
      if (r.method === "get" && !path.endsWith("/events")) expect((await call(s.base, "GET", path, { key: s.keyA })).status).toBe(200);
    }
    // Ids inside bodies are scoped too.
    expectProblem(await call(s.base, "POST", "/v1/job-searches", { key: s.keyB, body: { query: "x", location: "y", profileId: profile.body.profileId } }), 404, "body.profileId");
    expect(await counts()).toEqual(before);
    const listed = await call(s.base, "GET", "/v1/runs?limit=100", { key: s.keyB });
    expect(listed.body.items.map((r: { runId: string }) => r.runId)).not.toContain(search.body.runId);
  });
});

describe("identity", () => {
  it("401 without a key, with a malformed or unknown key, and after revocation", async () => {
    const headerSets: Record<string, string>[] = [{}, { authorization: "Basic abc" }, { authorization: "Bearer ja_nope" }, { authorization: "Bearer " }];
    for (const headers of headerSets) {
      const res = await call(s.base, "GET", "/v1/runs", { headers });
      expectProblem(res, 401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
  });

  it("403 for a non-admin key on /admin, and admins manage keys whose secrets never show again", async () => {
    expectProblem(await call(s.base, "GET", "/admin/keys", { key: s.keyA }), 403);
    expectProblem(await call(s.base, "POST", "/admin/keys", { key: s.keyB, body: { email: "x@example.com" } }), 403);
    expectProblem(await call(s.base, "GET", "/admin/keys"), 401);

    const created = await call(s.base, "POST", "/admin/keys", { key: adminKey, body: { email: "New.User@Example.com", plan: "premium", name: "ci" } });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^ja_/);
    expect(created.body.user).toMatchObject({ email: "new.user@example.com", plan: "premium", isAdmin: false });
    const me = await call(s.base, "GET", "/v1/me", { key: created.body.key });
    expect(me.body.email).toBe("new.user@example.com");

    const list = await call(s.base, "GET", "/admin/keys?email=new.user@example.com", { key: adminKey });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ keyId: created.body.keyId, prefix: created.body.key.slice(0, 10), name: "ci", revokedAt: null });
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    expect(JSON.stringify(list.body)).not.toMatch(/hash/);

    const revoked = await call(s.base, "DELETE", `/admin/keys/${created.body.keyId}`, { key: adminKey });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    expectProblem(await call(s.base, "GET", "/v1/me", { key: created.body.key }), 401);
    expectProblem(await call(s.base, "DELETE", "/admin/keys/00000000-0000-4000-8000-000000000000", { key: adminKey }), 404);
    expectProblem(await call(s.base, "POST", "/admin/keys", { key: adminKey, body: { email: "nope" } }), 400, "body.email");
  });

  it("rotates the webhook secret", async () => {
    const before = (await call(s.base, "GET", "/v1/me", { key: s.keyB })).body.webhookSecret;
    const rotated = await call(s.base, "POST", "/v1/me/webhook-secret", { key: s.keyB });
    expect(rotated.status).toBe(200);
    expect(rotated.body.webhookSecret).toMatch(/^whsec_/);
    expect(rotated.body.webhookSecret).not.toBe(before);
    expect((await call(s.base, "GET", "/v1/me", { key: s.keyB })).body.webhookSecret).toBe(rotated.body.webhookSecret);
  });
});

describe("hostile URLs are refused at submit time, naming the field", () => {
  const spellings = [
    "https://127.0.0.1/cv.pdf",
    "https://2130706433/cv.pdf",
    "https://0x7f000001/cv.pdf",
    "https://0177.0.0.1/cv.pdf",
    "https://127.1/cv.pdf",
    "https://[::1]/cv.pdf",
    "https://[::ffff:127.0.0.1]/cv.pdf",
    "https://[::ffff:7f00:1]/cv.pdf",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::ffff:169.254.169.254]/",
    "https://2852039166/",
    "https://10.0.0.1/",
    "https://192.168.1.10/",
    "https://172.16.5.4/",
    "https://[fd00::1]/",
    "https://[fe80::1]/",
    "https://0.0.0.0/",
    "https://localhost/cv.pdf",
    "https://evil.test/cv.pdf",
  ];
  it("in cvUrls and webhookUrl, in every spelling, and nothing is written", async () => {
    const before = await counts();
    for (const url of spellings) {
      const res = await call(s.base, "POST", "/v1/profiles", { key: s.keyA, body: { cvUrls: ["https://public.test/cv.pdf", url] } });
      expectProblem(res, 400, "body.cvUrls.1");
      expect(res.body.errors[0].message).toMatch(/not public|non-public/);
      expectProblem(await call(s.base, "POST", "/v1/job-searches", { key: s.keyA, body: { query: "x", location: "y", webhookUrl: url } }), 400, "body.webhookUrl");
    }
    expectProblem(await call(s.base, "POST", "/v1/profiles", { key: s.keyA, body: { cvText: "hi", webhookUrl: "http://public.test/hook" } }), 400, "body.webhookUrl");
    expectProblem(await call(s.base, "POST", "/v1/profiles", { key: s.keyA, body: { cvUrls: ["file:///etc/passwd"] } }), 400, "body.cvUrls.0");
    expect(await counts()).toEqual(before);
  });

  it("stores one document per URL, with no content, for the worker to fetch", async () => {
    const res = await call(s.base, "POST", "/v1/profiles", { key: s.keyA, body: { cvUrls: ["https://public.test/a.pdf", "https://public.test/b.docx"], webhookUrl: "https://public.test/hook" } });
    expect(res.status).toBe(202);
    const docs = await s.tdb.db.prisma.cvDocument.findMany({ where: { profileId: res.body.profileId }, orderBy: { sourceUrl: "asc" } });
    expect(docs.map((d) => [d.sourceUrl, d.content, d.text])).toEqual([
      ["https://public.test/a.pdf", null, null],
      ["https://public.test/b.docx", null, null],
    ]);
  });
});

describe("uploads", () => {
  it("accepts PDF, DOCX, text and Markdown judged by their bytes, storing each with its media type", async () => {
    const res = await upload(
      s.base,
      s.keyA,
      [
        { name: "cv.pdf", bytes: fixture("openresume-john-doe-junior-swe.pdf") },
        { name: "cv.bin", bytes: fixture("resume-match-api-john-doe-swe.docx"), type: "image/png" },
        { name: "notes.md", bytes: fixture("prismia-maria-garcia-nurse.md") },
      ],
      { name: "John Doe", location: "Austin" },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const docs = await s.tdb.db.prisma.cvDocument.findMany({ where: { profileId: res.body.profileId }, orderBy: { filename: "asc" } });
    expect(docs.map((d) => [d.filename, d.mediaType, d.sizeBytes])).toEqual([
      ["cv.bin", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", fixture("resume-match-api-john-doe-swe.docx").length],
      ["cv.pdf", "application/pdf", fixture("openresume-john-doe-junior-swe.pdf").length],
      ["notes.md", "text/markdown", fixture("prismia-maria-garcia-nurse.md").length],
    ]);
    expect(Buffer.from(docs[1]!.content!).equals(fixture("openresume-john-doe-junior-swe.pdf"))).toBe(true);
    expect(docs[2]!.text).toContain("Maria");
    const profile = await call(s.base, "GET", `/v1/profiles/${res.body.profileId}`, { key: s.keyA });
    expect(profile.body).toMatchObject({ name: "John Doe", location: "Austin" });
  });

  it("refuses what is not a CV, what is too big, too many, zip bombs and absurd PDFs, writing nothing", async () => {
    const before = await counts();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expectProblem(await upload(s.base, s.keyA, [{ name: "cv.pdf", bytes: png, type: "application/pdf" }]), 415, "files.0");
    expectProblem(await upload(s.base, s.keyA, [{ name: "a.txt", bytes: Buffer.from("fine") }, { name: "x.exe", bytes: Buffer.from([0x4d, 0x5a, 0x90, 0, 3, 0xff, 0xfe]) }]), 415, "files.1");
    const big = Buffer.alloc(10_485_760 + 1, 0x61);
    expectProblem(await upload(s.base, s.keyA, [{ name: "big.txt", bytes: big }]), 413, "files.0");
    const four = [1, 2, 3, 4].map((i) => ({ name: `${i}.txt`, bytes: Buffer.from(`cv ${i}`) }));
    expectProblem(await upload(s.base, s.keyA, four), 413, "files");
    const bomb = docxBomb();
    expect(bomb.length).toBeLessThan(1_000_000);
    const bombRes = await upload(s.base, s.keyA, [{ name: "cv.docx", bytes: bomb }]);
    expectProblem(bombRes, 422, "files.0");
    expect(bombRes.body.detail).toMatch(/expands|compressed/);
    const pdfRes = await upload(s.base, s.keyA, [{ name: "cv.pdf", bytes: absurdPdf() }]);
    expectProblem(pdfRes, 422, "files.0");
    expect(pdfRes.body.detail).toMatch(/pages/);
    expectProblem(await upload(s.base, s.keyA, [{ name: "cv.txt", bytes: Buffer.from("cv"), field: "resume" }]), 400, "body.resume");
    expectProblem(await upload(s.base, s.keyA, [], { name: "Nobody" }), 400, "files");
    expectProblem(await upload(s.base, s.keyA, [{ name: "a.txt", bytes: Buffer.from("cv") }], { email: "not-an-email" }), 400, "body.email");
    expectProblem(await call(s.base, "POST", "/v1/profiles", { key: s.keyA, rawBody: "cvText=hi", headers: { "content-type": "text/plain" } }), 415);
    expect(await counts()).toEqual(before);
  });
});

describe("limits", () => {
  it("caps a user's unfinished runs with 409", async () => {
    const key = (await createApiKey(s.tdb.db, { email: "busy@example.com" })).key;
    for (let i = 0; i < 3; i++) expect((await call(s.base, "POST", "/v1/job-searches", { key, body: { query: `Job ${i}`, location: "Paris" } })).status).toBe(202);
    const before = await counts();
    const res = await call(s.base, "POST", "/v1/job-searches", { key, body: { query: "One more", location: "Paris" } });
    expectProblem(res, 409, "runs");
    expect(res.body.detail).toMatch(/at most 3 unfinished runs/);
    expectProblem(await call(s.base, "POST", "/v1/profiles", { key, body: { cvText: "A CV" } }), 409);
    expect(await counts()).toEqual(before);
  });

  it("answers 413 for a JSON body over the limit", async () => {
    expectProblem(await call(s.base, "POST", "/v1/job-searches", { key: s.keyA, body: { query: "x".repeat(1_100_000), location: "y" } }), 413, "body");
  });
});

describe("HTTP hygiene", () => {
  it("echoes request ids, sets security headers, and allows only listed origins", async () => {
    const given = await call(s.base, "GET", "/v1/me", { key: s.keyA, headers: { "x-request-id": "req-123" } });
    expect(given.headers.get("x-request-id")).toBe("req-123");
    const made = await call(s.base, "GET", "/v1/runs/not-a-uuid", { key: s.keyA });
    expect(made.body.requestId).toBe(made.headers.get("x-request-id"));
    expect(given.headers.get("x-content-type-options")).toBe("nosniff");
    expect(given.headers.get("content-security-policy")).toMatch(/default-src 'self'/);
    expect(given.headers.get("strict-transport-security")).toMatch(/max-age/);
    expect(given.headers.get("x-powered-by")).toBeNull();

    const ok = await fetch(`${s.base}/v1/runs`, { method: "OPTIONS", headers: { origin: "https://app.example", "access-control-request-method": "POST" } });
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(ok.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
    const bad = await fetch(`${s.base}/v1/runs`, { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "POST" } });
    expect(bad.headers.get("access-control-allow-origin")).toBeNull();
    const get = await call(s.base, "GET", "/v1/me", { key: s.keyA, headers: { origin: "https://evil.example" } });
    expect(get.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("rate limits per key, by plan", () => {
  it("answer 429 with Retry-After and RateLimit headers once a key is over its limit", async () => {
    const st = await startStack({ worker: false, env: { RATE_LIMIT_FREE: 3, RATE_LIMIT_PREMIUM: 100, RATE_LIMIT_WINDOW_MS: 60_000 } });
    try {
      const seen: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await call(st.base, "GET", "/v1/me", { key: st.keyB });
        expect(r.status).toBe(200);
        seen.push(r.headers.get("ratelimit") ?? "");
      }
      expect(seen[0]).toMatch(/^limit=3, remaining=2, reset=\d+$/);
      expect(seen[2]).toMatch(/remaining=0/);
      const limited = await call(st.base, "GET", "/v1/me", { key: st.keyB });
      expectProblem(limited, 429);
      const retryAfter = Number(limited.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.headers.get("ratelimit-policy")).toBe("3;w=60");
      // Another key of the same user has its own budget; the premium user is far from its limit.
      const second = (await createApiKey(st.tdb.db, { email: "b@example.com" })).key;
      expect((await call(st.base, "GET", "/v1/me", { key: second })).status).toBe(200);
      const premium = await call(st.base, "GET", "/v1/me", { key: st.keyA });
      expect(premium.status).toBe(200);
      expect(premium.headers.get("ratelimit")).toMatch(/^limit=100, remaining=99/);
      // Unauthenticated health checks are not counted.
      expect((await call(st.base, "GET", "/health")).status).toBe(200);
    } finally {
      await st.close();
    }
  });
});
