import { PermanentError, RetryableError } from "@job-agent/shared/errors";
import { describe, expect, it } from "vitest";
import { canonicalUrl, dedupKey, dedupePostings } from "../dedup.js";
import { executeWorkflow, type CheckpointStore, type CompletedNode, type ExecutionSnapshot, type NodeContext } from "../pipeline.js";
import type { CvSource, JobSource, LlmPort, Ports } from "../ports.js";
import type { JobPosting } from "../schemas.js";
import { createCorpusSource, createOfflineLlm } from "../offline/index.js";
import { workflows } from "../workflows.js";
import { discovery, matching } from "./job-search.js";
import { cvIngestion } from "./profiling.js";

const NOW = new Date("2025-01-01T00:00:00Z");
const log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const posting = (over: Partial<JobPosting>): JobPosting => ({
  source: "s", sourceId: "1", title: "Accountant", company: "Acme Ltd", location: "Leeds", remote: false, description: "d", url: "https://x.example.com/1", postedAt: null, salary: null, ...over,
});

const ports = (over: Partial<Ports> = {}): Ports => ({
  llm: createOfflineLlm({ clock: { now: () => NOW } }),
  sources: [createCorpusSource()],
  documents: { loadCvs: () => Promise.reject(new Error("no cv")) },
  cvParser: { parse: () => Promise.reject(new Error("no parser")) },
  profiles: { getProfile: () => Promise.resolve(null), deliveredIdentities: () => Promise.resolve([]) },
  results: { saveMatches: () => Promise.resolve() },
  delivery: { enqueue: () => Promise.resolve() },
  clock: { now: () => NOW },
  log,
  ...over,
});
const ctx = (p: Ports): NodeContext => {
  const signal = new AbortController().signal;
  return { ports: p, runId: "r", userId: "u", executionId: "e", attempt: 1, signal, call: { signal, onUsage: () => undefined } };
};
const source = (name: string, fn: JobSource["search"], timeoutMs?: number): JobSource => ({ name, search: fn, ...(timeoutMs ? { timeoutMs } : {}) });
const params = { query: "Accountant", location: "", numResults: 50, sources: null, boards: null };

describe("Discovery", () => {
  it("queries sources concurrently, each with its own time limit, and records failures as partial", async () => {
    const started: string[] = [];
    const p = ports({
      sources: [
        source("fast", () => (started.push("fast"), Promise.resolve([posting({ source: "fast" })]))),
        source("hangs", () => (started.push("hangs"), new Promise<JobPosting[]>(() => undefined)), 50),
        source("broken", () => (started.push("broken"), Promise.reject(new RetryableError("HTTP 503")))),
      ],
    });
    const out = await discovery.run(params, ctx(p));
    expect(started).toEqual(["fast", "hangs", "broken"]);
    expect(out.postings).toHaveLength(1);
    expect(out.sourceReports).toEqual([
      { source: "fast", ok: true, count: 1 },
      { source: "hangs", ok: false, count: 0, error: "timed out after 50 ms" },
      { source: "broken", ok: false, count: 0, error: "HTTP 503" },
    ]);
  });

  it("fails only when every source fails (permanently when every failure is permanent)", async () => {
    const retry = ports({ sources: [source("a", () => Promise.reject(new RetryableError("x")))] });
    await expect(discovery.run(params, ctx(retry))).rejects.toBeInstanceOf(RetryableError);
    const perm = ports({ sources: [source("a", () => Promise.reject(new PermanentError("bad key")))] });
    await expect(discovery.run(params, ctx(perm))).rejects.toBeInstanceOf(PermanentError);
    await expect(discovery.run({ ...params, sources: ["nope"] }, ctx(perm))).rejects.toThrow(/none of the requested job sources/);
  });

  it("deduplicates within the run by source id, canonical URL, then company + title + location, and passes request boards", async () => {
    let boardsSeen: string[] | undefined;
    const p = ports({
      sources: [
        source("a", () => Promise.resolve([posting({ source: "a", sourceId: "1", url: "https://x.example.com/1?utm_source=li" }), posting({ source: "a", sourceId: "1" })])),
        source("b", (q) => {
          boardsSeen = q.boards;
          return Promise.resolve([
            posting({ source: "b", sourceId: "9", url: "https://x.example.com/1" }),
            posting({ source: "b", sourceId: "8", url: "https://y.example.com/8", company: "ACME Limited" }),
            posting({ source: "b", sourceId: "7", url: "https://y.example.com/7", location: "York" }),
          ]);
        }),
      ],
    });
    const out = await discovery.run({ ...params, boards: { b: ["stripe"] } }, ctx(p));
    expect(boardsSeen).toEqual(["stripe"]);
    expect(out.postings.map((x) => `${x.source}:${x.sourceId}`)).toEqual(["a:1", "b:7"]);
  });
});

describe("dedup helpers", () => {
  it("strips tracking parameters but keeps identifying ones", () => {
    expect(canonicalUrl("https://WWW.Stripe.com/jobs/search/?gh_jid=8042978&utm_source=x#apply")).toBe("https://stripe.com/jobs/search?gh_jid=8042978");
    expect(canonicalUrl("https://www.google.com/search?q=x")).toBeNull();
    expect(dedupKey(posting({ title: "Senior Python Engineer (m/f/d)", company: "Unitelabs GmbH" }))).toBe("unitelabs|senior python engineer|leeds");
    expect(dedupePostings([posting({}), posting({ sourceId: "2", location: "York", url: "https://x.example.com/2" })]).unique).toHaveLength(2);
  });
});

describe("CvIngestion", () => {
  const cvPorts = (cv: CvSource, parsed = "Jane Roe\njane@example.com\nAccountant") =>
    ports({
      documents: { loadCvs: () => Promise.resolve([cv]) },
      cvParser: { parse: ({ kind }) => Promise.resolve({ text: `${parsed}\n(${kind})`, pages: 1 }) },
    });
  const run = (cv: CvSource) => cvIngestion.run({ userId: "u", profileId: "p" }, ctx(cvPorts(cv)));

  it("decides the format from the bytes, not the name or declared type", async () => {
    const pdf = new TextEncoder().encode("%PDF-1.7 ...");
    expect((await run({ text: null, bytes: pdf, mediaType: "text/plain", filename: "cv.txt" })).cv).toMatchObject({ format: "pdf", text: expect.stringContaining("(pdf)") });
    const docx = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...new TextEncoder().encode("word/document.xml")]);
    expect((await run({ text: null, bytes: docx, mediaType: "application/pdf", filename: "cv.pdf" })).cv.format).toBe("docx");
    const text = new TextEncoder().encode("Jane Roe\nAccountant");
    expect((await run({ text: null, bytes: text, mediaType: "application/pdf", filename: "cv.pdf" })).cv).toMatchObject({ format: "text", text: "Jane Roe\nAccountant" });
  });

  it("refuses empty, oversized, binary and non-Word ZIP files permanently", async () => {
    const code = async (bytes: Uint8Array) => ((await run({ text: null, bytes, mediaType: "application/octet-stream", filename: null }).catch((e: unknown) => e)) as PermanentError).code;
    expect(await code(new Uint8Array(0))).toBe("cv_empty");
    expect(await code(new Uint8Array(11 * 1024 * 1024))).toBe("cv_too_large");
    expect(await code(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]))).toBe("unsupported_format");
    expect(await code(new Uint8Array([0xff, 0xfe, 0x00, 0x01, 0x02]))).toBe("unsupported_format");
  });
});

describe("engine", () => {
  it("adds up the model tokens each node reports and hands them to the store", async () => {
    const calls: { node: string; tokens?: number }[] = [];
    const snapshot: ExecutionSnapshot = { executionId: "e", runId: "r", userId: "u", kind: "profiling", runInput: { profileId: "p" }, checkpoints: {} };
    const record = (c?: CompletedNode) => c && calls.push({ node: c.node, ...(c.tokensUsed ? { tokens: c.tokensUsed } : {}) });
    const store: CheckpointStore = {
      claim: () => Promise.resolve({ attempt: 1, startedAt: NOW, snapshot, cancelRequested: false, started: "CvIngestion" }),
      advance: ({ completed, next }) => (record(completed), Promise.resolve({ cancelRequested: false, started: next !== undefined })),
      finish: ({ completed }) => (record(completed), Promise.resolve()),
      cancelRequested: () => Promise.resolve(false),
      nodeFailed: () => Promise.resolve(),
      cancelled: () => Promise.resolve(),
      failed: () => Promise.resolve(),
    };
    const offline = createOfflineLlm({ clock: { now: () => NOW } });
    const llm: LlmPort = {
      ...offline,
      extractProfile: (input, opts) => {
        opts?.onUsage?.({ promptTokens: 300, completionTokens: 45 });
        opts?.onUsage?.({ promptTokens: 10, completionTokens: 5 });
        return offline.extractProfile(input, opts);
      },
    };
    const p = ports({ llm, documents: { loadCvs: () => Promise.resolve([{ text: "Jane Roe\nAccountant\njane@example.com", bytes: null, mediaType: "text/plain", filename: null }]) } });
    const out = await executeWorkflow(workflows, { executionId: "e", store, ports: p, attempt: 1, isFinalAttempt: false });
    expect(out.status).toBe("completed");
    expect(calls).toEqual([{ node: "CvIngestion" }, { node: "ProfileExtraction", tokens: 360 }, { node: "TitleSuggestion" }]);
  });
});

describe("Matching for a scheduled search", () => {
  it("leaves out postings already delivered to the profile, by any identity", async () => {
    const a = posting({ sourceId: "1", url: "https://jobs.example.com/a?utm_source=x" });
    const b = posting({ sourceId: "2", title: "Senior Accountant", url: "https://jobs.example.com/b" });
    const c = posting({ source: "other", sourceId: "9", title: "Tax Accountant", url: "https://jobs.example.com/c" });
    const asked: string[] = [];
    const p = ports({
      profiles: {
        getProfile: () => Promise.resolve(null),
        deliveredIdentities: ({ profileId }) => (asked.push(profileId), Promise.resolve(["url:https://jobs.example.com/a", "id:s:2"])),
      },
    });
    const input = { profile: null, postings: [a, b, c], query: "Accountant", location: "", maxScreening: 10, userId: "u", profileId: "p1" };
    const fresh = await matching.run({ ...input, onlyNewForProfile: true }, ctx(p));
    expect(asked).toEqual(["p1"]);
    expect(fresh.matches.map((m) => m.posting.sourceId)).toEqual(["9"]);
    expect(fresh.alreadyDelivered).toBe(2);
    const all = await matching.run(input, ctx(p));
    expect(all.matches).toHaveLength(3);
  });
});

describe("CvIngestion with several documents", () => {
  const many = (docs: CvSource[]) =>
    cvIngestion.run(
      { userId: "u", profileId: "p" },
      ctx(ports({ documents: { loadCvs: () => Promise.resolve(docs) }, cvParser: { parse: () => Promise.resolve({ text: "From the PDF: Python, SQL", pages: 1 }) } })),
    );
  const text = (t: string, filename: string): CvSource => ({ text: t, bytes: null, mediaType: "text/plain", filename });

  it("reads every document and keeps the readable ones, saying why others were left out", async () => {
    const pdf: CvSource = { text: null, bytes: new TextEncoder().encode("%PDF-1.7 ..."), mediaType: "application/pdf", filename: "cv.pdf" };
    const png: CvSource = { text: null, bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0xff, 0xfe]), mediaType: "image/png", filename: "photo.png" };
    const { cv } = await many([text("Jane Roe\njane@example.com", "notes.txt"), pdf, png]);
    expect(cv.text).toContain("jane@example.com");
    expect(cv.text).toContain("From the PDF: Python, SQL");
    expect(cv.parts?.map((p) => [p.filename, p.format, p.error === undefined])).toEqual([
      ["notes.txt", "text", true],
      ["cv.pdf", "pdf", true],
      ["photo.png", null, false],
    ]);
  });

  it("fails with the first document's reason when none can be read", async () => {
    const empty: CvSource = { text: null, bytes: new Uint8Array(), mediaType: "application/pdf", filename: "a.pdf" };
    await expect(many([empty, { ...empty, filename: "b.pdf" }])).rejects.toMatchObject({ code: "cv_empty" });
  });
});
