import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { PermanentError } from "@job-agent/shared/errors";
import type { JobPosting, MatchRecord } from "@job-agent/workflows";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, createCheckpointStore, createDocumentPort, createProfileWithRun, createResultStore, createRuns } from "../src/index.js";
import { createTestDatabase, type TestDatabase } from "./support/index.js";

let t: TestDatabase;
let userId: string;
const files = createServer((req, res) => {
  if (req.url === "/cv.txt") {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("Jane Roe\nAccountant\njane@example.com");
  } else if (req.url === "/busy") {
    res.writeHead(503);
    res.end();
  } else {
    res.writeHead(404);
    res.end();
  }
});
let base = "";
beforeAll(async () => {
  t = await createTestDatabase();
  userId = (await createApiKey(t.db, { email: "ports@example.com" })).user.id;
  await new Promise<void>((r) => files.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});
afterAll(async () => {
  files.close();
  await t?.drop();
});

const profileWithUrl = async (url: string) =>
  createProfileWithRun(t.db, userId, { documents: [{ text: null, bytes: null, sourceUrl: url, mediaType: "application/octet-stream", filename: null, sizeBytes: 0, sha256: "" }], priority: 1 });

describe("document port", () => {
  it("fetches a CV given as a URL", async () => {
    const { profileId } = await profileWithUrl(`${base}/cv.txt`);
    const docs = await createDocumentPort(t.db, { allowPrivateHosts: ["127.0.0.1"] }).loadCvs({ userId, profileId });
    expect(docs).toHaveLength(1);
    const [cv] = docs;
    expect(new TextDecoder().decode(cv!.bytes ?? new Uint8Array())).toMatch(/^Jane Roe/);
    expect(cv!.text).toBeNull();
    expect(cv!.mediaType).toBe("text/plain");
  });

  it("gives every document of a profile, oldest first, and refuses a private URL unless allowed", async () => {
    const { profileId } = await createProfileWithRun(t.db, userId, {
      documents: [
        { text: "first", bytes: null, mediaType: "text/plain", filename: "a.txt", sizeBytes: 5, sha256: "" },
        { text: null, bytes: null, sourceUrl: `${base}/cv.txt`, mediaType: "application/octet-stream", filename: null, sizeBytes: 0, sha256: "" },
      ],
      priority: 1,
    });
    const docs = await createDocumentPort(t.db, { allowPrivateHosts: ["127.0.0.1"] }).loadCvs({ userId, profileId });
    expect(docs.map((d) => d.text ?? new TextDecoder().decode(d.bytes ?? new Uint8Array()).slice(0, 8))).toEqual(["first", "Jane Roe"]);
    await expect(createDocumentPort(t.db).loadCvs({ userId, profileId })).rejects.toBeInstanceOf(PermanentError);
  });
  it("makes a missing file permanent and a failing server retryable", async () => {
    const port = createDocumentPort(t.db, { allowPrivateHosts: ["127.0.0.1"] });
    const missing = await profileWithUrl(`${base}/nope`);
    await expect(port.loadCvs({ userId, profileId: missing.profileId })).rejects.toBeInstanceOf(PermanentError);
    const busy = await profileWithUrl(`${base}/busy`);
    const err = await port.loadCvs({ userId, profileId: busy.profileId }).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(PermanentError);
    expect(String(err)).toMatch(/503/);
  });
});

const posting = (over: Partial<JobPosting>): JobPosting => ({
  source: "greenhouse",
  sourceId: "1",
  title: "Accountant",
  company: "Acme Ltd",
  location: "Leeds, United Kingdom",
  remote: false,
  description: "Month-end close.",
  url: "https://jobs.example.com/1?utm_source=x",
  postedAt: null,
  salary: null,
  ...over,
});
const record = (p: JobPosting, rank: number): MatchRecord => ({
  match: { posting: p, score: 80 - rank, reasons: { matchedSkills: [], missingSkills: [], titleSimilarity: 1, seniorityFit: "", locationFit: "", summary: [] } },
  rank,
  research: null,
  materials: null,
});

describe("result store", () => {
  it("deduplicates postings across runs by source id, canonical URL, then company + title + location", async () => {
    const input = { query: "Accountant", location: "Leeds", profileId: null, numResults: 5, maxScreening: 5, sources: null };
    const [a, b] = await createRuns(t.db, userId, [
      { kind: "job_search", input, priority: 1 },
      { kind: "job_search", input, priority: 1 },
    ]);
    const store = createResultStore(t.db);
    await store.saveMatches({ runId: a!.runId, userId, profileId: null, matches: [record(posting({}), 1)] });
    await store.saveMatches({
      runId: b!.runId,
      userId,
      profileId: null,
      matches: [
        record(posting({ source: "adzuna", sourceId: "x9", url: "https://jobs.example.com/1?utm_medium=y" }), 1), // same canonical URL
        record(posting({ source: "lever", sourceId: "L", url: "https://other.example.com/a", company: "ACME Limited" }), 2), // same company+title+place
        record(posting({ source: "lever", sourceId: "M", url: "https://other.example.com/b", location: "York, United Kingdom" }), 3), // another city
      ],
    });
    const rows = await t.db.prisma.jobPosting.findMany({ orderBy: { firstSeenAt: "asc" } });
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ canonicalUrl: "https://jobs.example.com/1", dedupKey: "acme|accountant|leeds united kingdom" });
    const matchesB = await t.db.prisma.jobMatch.findMany({ where: { runId: b!.runId }, orderBy: { rank: "asc" } });
    expect(matchesB.map((m) => m.rank)).toEqual([1, 3]);
  });
});

describe("checkpoint store", () => {
  it("adds the tokens each node used to the execution", async () => {
    const [run] = await createRuns(t.db, userId, [{ kind: "job_search", input: { query: "x", location: "", profileId: null, numResults: 1, maxScreening: 1, sources: null }, priority: 1 }]);
    const store = createCheckpointStore(t.db);
    const executionId = run!.executionId;
    const nodes = { profiling: [], job_search: ["Matching"] };
    await store.claim({ executionId, nodes });
    await store.nodeFailed({ executionId, node: "Matching", attempt: 1, error: { name: "RetryableError", message: "x", permanent: false }, final: false, tokensUsed: 30 });
    await store.claim({ executionId, nodes });
    await store.advance({ executionId, attempt: 2, completed: { node: "Matching", position: 2, output: {}, progress: 40, tokensUsed: 120 } });
    const e = await t.db.prisma.workflowExecution.findUniqueOrThrow({ where: { id: executionId } });
    expect(e.tokensUsed).toBe(150);
  });
});
