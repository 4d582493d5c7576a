import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  authenticateKey,
  createApiKey,
  createCheckpointStore,
  createProfileWithRun,
  createRuns,
  getRunView,
  hashKey,
  listPendingExecutions,
} from "../src/index.js";
import { eventually } from "@job-agent/shared/testing";
import { createTestDatabase, type TestDatabase } from "./support/index.js";

const NODES = { profiling: ["CvIngestion", "ProfileExtraction", "TitleSuggestion"], job_search: ["ProfileRetrieval", "Discovery", "Matching", "Research", "Fabrication", "Completion", "Delivery"] };

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

const searchInput = { query: "Electrician", location: "Leeds", profileId: null, numResults: 5, maxScreening: 2, sources: null };

describe("API keys", () => {
  it("are stored only as a hash, authenticate their user and stop working when revoked", async () => {
    const { key, user } = await createApiKey(t.db, { email: "Keys@Example.com", plan: "premium", admin: true });
    expect(user.email).toBe("keys@example.com");
    const rows = await t.db.prisma.apiKey.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.hash).toBe(hashKey(key));
    expect(JSON.stringify(rows)).not.toContain(key);
    expect(key.startsWith(rows[0]!.prefix)).toBe(true);

    expect(await authenticateKey(t.db, key)).toMatchObject({ id: user.id, plan: "premium", isAdmin: true });
    expect(await authenticateKey(t.db, `${key}x`)).toBeNull();
    expect(await authenticateKey(t.db, "something else")).toBeNull();

    const second = await createApiKey(t.db, { email: "keys@example.com" });
    expect(second.user.id).toBe(user.id);
    expect(second.user.plan).toBe("premium");
    await t.db.prisma.apiKey.update({ where: { id: rows[0]!.id }, data: { revokedAt: new Date() } });
    expect(await authenticateKey(t.db, key)).toBeNull();
    expect(await authenticateKey(t.db, second.key)).not.toBeNull();
  });
});

describe("runs", () => {
  it("are created with a pending execution, all or nothing", async () => {
    const { user } = await createApiKey(t.db, { email: "runs@example.com" });
    const before = await t.db.prisma.run.count();
    await expect(
      createRuns(t.db, user.id, [
        { kind: "job_search", priority: 10, input: searchInput },
        { kind: "job_search", priority: 10, input: searchInput, profileId: "00000000-0000-4000-8000-000000000000" },
      ]),
    ).rejects.toThrow();
    expect(await t.db.prisma.run.count()).toBe(before);

    const [run] = await createRuns(t.db, user.id, [{ kind: "job_search", priority: 1, input: searchInput }]);
    const pending = await listPendingExecutions(t.db, { createdBefore: new Date(Date.now() + 1000), limit: 10 });
    expect(pending).toContainEqual({ executionId: run!.executionId, runId: run!.runId, kind: "job_search", priority: 1, userId: user.id, webhook: false });
    const view = await getRunView(t.db, user.id, run!.runId);
    expect(view).toMatchObject({ status: "pending", progress: 0, currentNode: null });
    expect(view!.nodes.map((n) => n.status)).toEqual(Array(7).fill("pending"));
  });

  it("record checkpoints, progress and the final result through the checkpoint store", async () => {
    const { user } = await createApiKey(t.db, { email: "cp@example.com" });
    const created = await createProfileWithRun(t.db, user.id, {
      priority: 10,
      cv: { text: "CV", bytes: null, mediaType: "text/plain", filename: null, sha256: "x", sizeBytes: 2 },
    });
    const store = createCheckpointStore(t.db);
    const id = created.executionId;
    const claimed = await store.claim({ executionId: id, queueAttempt: 1, nodes: NODES });
    expect(claimed).toMatchObject({ attempt: 1, started: "CvIngestion", snapshot: { kind: "profiling", userId: user.id, checkpoints: {} } });
    await store.advance({ executionId: id, attempt: 1, completed: { node: "CvIngestion", position: 0, output: { cv: { text: "CV" } }, progress: 33 } });
    let view = await getRunView(t.db, user.id, created.runId);
    expect(view).toMatchObject({ status: "running", progress: 33, currentNode: "CvIngestion" });
    expect((await store.claim({ executionId: id, nodes: NODES }))?.snapshot.checkpoints).toEqual({ CvIngestion: { cv: { text: "CV" } } });

    await store.finish({ executionId: id, result: { profile: { skills: ["Welding"] }, suggestedTitles: ["A", "B", "C"] } });
    view = await getRunView(t.db, user.id, created.runId);
    expect(view).toMatchObject({ status: "completed", progress: 100 });
    const profile = await t.db.prisma.profile.findUniqueOrThrow({ where: { id: created.profileId } });
    expect(profile).toMatchObject({ status: "ready", suggestedTitles: ["A", "B", "C"], data: { skills: ["Welding"] } });
    expect(await getRunView(t.db, "00000000-0000-4000-8000-000000000000", created.runId)).toBeNull();
  });
});

describe("run events", () => {
  it("are stored in order with every status change, for replay after a reconnect", async () => {
    const { listRunEvents } = await import("../src/index.js");
    const { user } = await createApiKey(t.db, { email: "ev@example.com" });
    const [run] = await createRuns(t.db, user.id, [{ kind: "job_search", priority: 10, input: searchInput }]);
    const store = createCheckpointStore(t.db);
    const id = run!.executionId;
    await store.claim({ executionId: id, nodes: NODES });
    await store.advance({ executionId: id, attempt: 1, completed: { node: "ProfileRetrieval", position: 0, output: { profile: null }, progress: 14 } });
    const events = await listRunEvents(t.db, run!.runId);
    expect(events.map((e) => [e.type, e.node ?? e.status])).toEqual([
      ["run.status", "running"],
      ["node.started", "ProfileRetrieval"],
      ["node.completed", "ProfileRetrieval"],
    ]);
    expect(events[2]!.progress).toBe(14);
    const ids = events.map((e) => BigInt(e.id));
    expect(ids[0]! < ids[1]! && ids[1]! < ids[2]!).toBe(true);
    expect((await listRunEvents(t.db, run!.runId, ids[1])).map((e) => e.id)).toEqual([events[2]!.id]);
  });
});

describe("admin statistics", () => {
  it("count runs by kind and status, and nodes by outcome", async () => {
    const { countRunsSince, nodeStatsSince } = await import("../src/index.js");
    const { user } = await createApiKey(t.db, { email: "stats@example.com" });
    const since = new Date();
    const [a, b] = await createRuns(t.db, user.id, [
      { kind: "job_search", priority: 10, input: searchInput },
      { kind: "job_search", priority: 10, input: searchInput },
    ]);
    const store = createCheckpointStore(t.db);
    for (const r of [a!, b!]) await store.claim({ executionId: r.executionId, nodes: NODES });
    await store.advance({ executionId: a!.executionId, attempt: 1, completed: { node: "ProfileRetrieval", position: 0, output: { profile: null }, progress: 14 } });
    await store.nodeFailed({ executionId: b!.executionId, node: "ProfileRetrieval", attempt: 1, final: true, error: { name: "E", message: "m", permanent: true } });
    const runs = await countRunsSince(t.db, since);
    expect(runs).toEqual(expect.arrayContaining([{ kind: "job_search", status: "running", count: 1 }, { kind: "job_search", status: "failed", count: 1 }]));
    const nodes = await nodeStatsSince(t.db, since);
    expect(nodes).toEqual([expect.objectContaining({ kind: "job_search", node: "ProfileRetrieval", completed: 1, failed: 1, failureRate: 0.5 })]);
  });
});

describe("postings delivered to a profile", () => {
  it("are those of its completed runs, known by source id, canonical URL and company+title+location", async () => {
    const { createProfileStore, createResultStore } = await import("../src/index.js");
    const { user } = await createApiKey(t.db, { email: "deliv@example.com" });
    const profile = await t.db.prisma.profile.create({ data: { userId: user.id, status: "ready" } });
    const [done, open] = await createRuns(t.db, user.id, [
      { kind: "job_search", priority: 10, input: searchInput, profileId: profile.id },
      { kind: "job_search", priority: 10, input: searchInput, profileId: profile.id },
    ]);
    const match = (sourceId: string, title: string) => ({
      rank: 1,
      research: null,
      materials: null,
      match: {
        score: 80,
        reasons: { matchedSkills: [], missingSkills: [], titleSimilarity: 1, seniorityFit: "", locationFit: "", summary: [] },
        posting: { source: "s", sourceId, title, company: "Acme Ltd", location: "Leeds", remote: false, description: "d", url: `https://jobs.example.com/${sourceId}?utm_source=x`, postedAt: null, salary: null },
      },
    });
    const results = createResultStore(t.db);
    await results.saveMatches({ runId: done!.runId, userId: user.id, profileId: profile.id, matches: [match("1", "Electrician")] });
    await results.saveMatches({ runId: open!.runId, userId: user.id, profileId: profile.id, matches: [match("2", "Plumber")] });
    await t.db.prisma.run.update({ where: { id: done!.runId }, data: { status: "completed" } });
    const ids = await createProfileStore(t.db).deliveredIdentities({ userId: user.id, profileId: profile.id });
    expect(ids).toEqual(["id:s:1", "url:https://jobs.example.com/1", "key:acme|electrician|leeds"]);
    expect(await createProfileStore(t.db).deliveredIdentities({ userId: "00000000-0000-4000-8000-000000000000", profileId: profile.id })).toEqual([]);
  });
});

describe("storing the same posting from concurrent runs", () => {
  it("keeps one posting and never fails on the unique (source, sourceId)", async () => {
    const { createResultStore } = await import("../src/index.js");
    const { user } = await createApiKey(t.db, { email: "race@example.com" });
    const runs = await createRuns(
      t.db,
      user.id,
      Array.from({ length: 8 }, () => ({ kind: "job_search" as const, priority: 10, input: searchInput })),
    );
    const posting = { source: "race", sourceId: "42", title: "Welder", company: "Forge Ltd", location: "Leeds", remote: false, description: "d", url: "https://jobs.example.com/42", postedAt: null, salary: null };
    const reasons = { matchedSkills: [], missingSkills: [], titleSimilarity: 1, seniorityFit: "", locationFit: "", summary: [] };
    const store = createResultStore(t.db);
    await Promise.all(
      runs.map((r) => store.saveMatches({ runId: r.runId, userId: user.id, profileId: null, matches: [{ rank: 1, research: null, materials: null, match: { posting, score: 70, reasons } }] })),
    );
    expect(await t.db.prisma.jobPosting.count({ where: { source: "race" } })).toBe(1);
    expect(await t.db.prisma.jobMatch.count({ where: { posting: { source: "race" } } })).toBe(8);
  });
});

describe("the authenticator", () => {
  it("keeps the users of valid keys until told that keys or users changed, and refuses revoked keys from then on", async () => {
    const { createAuthenticator, createRunEventListener } = await import("../src/index.js");
    const { key, user } = await createApiKey(t.db, { email: "cache@example.com", plan: "free" });
    const auth = createAuthenticator(t.db, { ttlMs: 60_000 });
    expect(await auth.authenticate(key)).toMatchObject({ id: user.id, plan: "free" });
    expect(await auth.authenticate("ja_unknown")).toBeNull();
    expect(auth.size()).toBe(1);

    // Kept: a change nobody announced is not seen...
    await t.db.pool.query("alter table users disable trigger users_auth_changed");
    await t.db.prisma.user.update({ where: { id: user.id }, data: { plan: "premium" } });
    await t.db.pool.query("alter table users enable trigger users_auth_changed");
    expect(await auth.authenticate(key)).toMatchObject({ plan: "free" });
    // ...until it is: the database announces changes to keys and users on auth_changed.
    const heard: number[] = [];
    const listener = createRunEventListener({ url: t.url, onAuthChanged: () => (heard.push(Date.now()), auth.clear()) });
    await listener.ready();
    try {
      await t.db.prisma.user.update({ where: { id: user.id }, data: { plan: "premium" } });
      await eventually(() => heard.length > 0, "the auth_changed notification");
      expect(auth.size()).toBe(0);
      expect(await auth.authenticate(key)).toMatchObject({ plan: "premium" });
      await t.db.prisma.apiKey.updateMany({ where: { userId: user.id }, data: { revokedAt: new Date() } });
      await eventually(async () => (await auth.authenticate(key)) === null, "the revoked key refused");
      // A key's last use is recorded without announcing anything.
      const before = heard.length;
      await t.db.prisma.apiKey.updateMany({ where: { userId: user.id }, data: { lastUsedAt: new Date() } });
      await new Promise((r) => setTimeout(r, 200));
      expect(heard.length).toBe(before);
    } finally {
      await listener.close();
    }
  });

  it("keeps nothing with a time to live of 0", async () => {
    const { createAuthenticator } = await import("../src/index.js");
    const { key } = await createApiKey(t.db, { email: "nocache@example.com" });
    const auth = createAuthenticator(t.db, { ttlMs: 0 });
    expect(await auth.authenticate(key)).not.toBeNull();
    expect(auth.size()).toBe(0);
    await t.db.prisma.apiKey.updateMany({ where: { user: { email: "nocache@example.com" } }, data: { revokedAt: new Date() } });
    expect(await auth.authenticate(key)).toBeNull();
  });
});
