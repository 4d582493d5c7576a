import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startStack, waitForRun, type Stack } from "./support.js";

const JOB_SEARCH_NODES = ["ProfileRetrieval", "Discovery", "Matching", "Research", "Fabrication", "Completion", "Delivery"];
const cvText = readFileSync(new URL("../../../../shared/fixtures/cvs/resume-match-api-john-doe-swe.txt", import.meta.url), "utf8");

let s: Stack;
beforeAll(async () => {
  s = await startStack({ worker: true });
});
afterAll(async () => {
  await s?.close();
});

describe("a job search over HTTP", () => {
  it("is accepted with 202 and ends completed with all seven nodes in order", async () => {
    const res = await call(s.base, "POST", "/v1/job-searches", { key: s.keyA, body: { query: "Software Engineer", location: "New York" } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: "pending" });
    expect(res.body.statusUrl).toBe(`${s.base}/v1/runs/${res.body.runId}`);
    expect(res.body.eventsUrl).toBe(`${s.base}/v1/runs/${res.body.runId}/events`);

    const run = await waitForRun(s.base, s.keyA, res.body.runId);
    expect(run.status).toBe("completed");
    expect(run.kind).toBe("job_search");
    expect(run.progress).toBe(100);
    expect(run.nodes.map((n: { name: string }) => n.name)).toEqual(JOB_SEARCH_NODES);
    expect(run.nodes.every((n: { status: string; attempts: number }) => n.status === "completed" && n.attempts === 1)).toBe(true);
    const started = run.nodes.map((n: { startedAt: string }) => Date.parse(n.startedAt));
    expect([...started].sort((a, b) => a - b)).toEqual(started);
    expect(run.completedAt).not.toBeNull();
    expect(run.result.summary.shortlisted).toBeGreaterThan(0);

    const matches = await call(s.base, "GET", `/v1/runs/${res.body.runId}/matches`, { key: s.keyA });
    expect(matches.status).toBe(200);
    expect(matches.body.items.length).toBe(run.result.summary.shortlisted);
    const [top] = matches.body.items;
    expect(top.rank).toBe(1);
    expect(top.score).toBeGreaterThan(0);
    expect(top.posting.title).toMatch(/engineer|developer/i);
    expect(top.coverLetter.length).toBeGreaterThan(200);
    expect(top.reasons.summary.length).toBeGreaterThan(0);
    const scores = matches.body.items.map((m: { score: number }) => m.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it("is listed newest first with a working cursor, filtered by kind and status", async () => {
    const ids: string[] = [];
    for (const query of ["Accountant", "Registered Nurse", "Data Analyst"]) {
      const r = await call(s.base, "POST", "/v1/job-searches", { key: s.keyB, body: { query, location: "London" } });
      ids.push(r.body.runId);
    }
    const page1 = await call(s.base, "GET", "/v1/runs?limit=2", { key: s.keyB });
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((r: { runId: string }) => r.runId)).toEqual([ids[2], ids[1]]);
    const page2 = await call(s.base, "GET", `/v1/runs?limit=2&cursor=${page1.body.nextCursor}`, { key: s.keyB });
    expect(page2.body.items.map((r: { runId: string }) => r.runId)).toEqual([ids[0]]);
    expect(page2.body.nextCursor).toBeNull();
    const profiling = await call(s.base, "GET", "/v1/runs?kind=profiling", { key: s.keyB });
    expect(profiling.body.items).toEqual([]);
    for (const id of ids) await waitForRun(s.base, s.keyB, id);
    const done = await call(s.base, "GET", "/v1/runs?status=completed&limit=100", { key: s.keyB });
    expect(done.body.items.length).toBe(3);
  });
});

describe("a profile from CV text", () => {
  it("ends completed with skills and three or more titles, and fans out one search per title", async () => {
    const res = await call(s.base, "POST", "/v1/profiles", { key: s.keyA, body: { cvText } });
    expect(res.status).toBe(202);
    expect(res.body.profileId).toMatch(/^[0-9a-f-]{36}$/);
    const run = await waitForRun(s.base, s.keyA, res.body.runId);
    expect(run.status).toBe("completed");
    expect(run.nodes.map((n: { name: string }) => n.name)).toEqual(["CvIngestion", "ProfileExtraction", "TitleSuggestion"]);

    const profile = await call(s.base, "GET", `/v1/profiles/${res.body.profileId}`, { key: s.keyA });
    expect(profile.status).toBe(200);
    expect(profile.body.status).toBe("ready");
    expect(profile.body.profile.email).toBe("john.doe@example.com");
    expect(profile.body.profile.skills).toEqual(expect.arrayContaining(["Python", "React", "PostgreSQL"]));
    const titles: string[] = profile.body.suggestedTitles;
    expect(titles.length).toBeGreaterThanOrEqual(3);

    const fan = await call(s.base, "POST", `/v1/profiles/${res.body.profileId}/job-searches`, { key: s.keyA, body: { maxScreening: 3 } });
    expect(fan.status).toBe(202);
    expect(fan.body.runs.map((r: { query: string }) => r.query)).toEqual(titles);
    for (const r of fan.body.runs) {
      const done = await waitForRun(s.base, s.keyA, r.runId);
      expect(done.status).toBe("completed");
      const m = await call(s.base, "GET", `/v1/runs/${r.runId}/matches`, { key: s.keyA });
      expect(m.body.items.length).toBeGreaterThan(0);
      expect(m.body.items.length).toBeLessThanOrEqual(3);
    }
  });

  it("refuses to fan out a profile that is not ready", async () => {
    const stack = await startStack({ worker: false });
    try {
      const res = await call(stack.base, "POST", "/v1/profiles", { key: stack.keyA, body: { cvText } });
      const fan = await call(stack.base, "POST", `/v1/profiles/${res.body.profileId}/job-searches`, { key: stack.keyA, body: {} });
      expect(fan.status).toBe(409);
      expect(fan.headers.get("content-type")).toMatch(/application\/problem\+json/);
    } finally {
      await stack.close();
    }
  });
});
