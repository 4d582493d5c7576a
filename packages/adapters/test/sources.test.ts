import { readFileSync } from "node:fs";
import { PermanentError, RetryableError } from "@job-agent/shared/errors";
import { JobPosting, dedupePostings } from "@job-agent/workflows";
import { afterAll, describe, expect, it } from "vitest";
import { createAshbySource, createGreenhouseSource, createLeverSource } from "../src/sources/boards.js";
import { createAdzunaSource, createArbeitnowSource, createRemotiveSource, createSerpApiSource, createTheMuseSource } from "../src/sources/search-apis.js";
import { htmlToText, parseSalaryText } from "../src/sources/text.js";
import { json, startServer } from "./support/server.js";

const fixture = (f: string): string => readFileSync(new URL(`../../../../shared/fixtures/job-sources/${f}`, import.meta.url), "utf8");
const NOW = new Date("2026-08-01T00:00:00Z");

/** Replays the recorded answers at the real paths of each API. */
const server = await startServer((req, res) => {
  const p = req.url.pathname;
  const q = req.url.searchParams;
  if (p === "/v1/boards/stripe/jobs" && q.get("content") === "true") return json(res, 200, fixture("greenhouse.json"));
  if (p === "/v0/postings/matchgroup") {
    const all = JSON.parse(fixture("lever.json")) as unknown[];
    const skip = Number(q.get("skip") ?? 0);
    const limit = Number(q.get("limit") ?? 100);
    return json(res, 200, all.slice(skip, skip + limit));
  }
  if (p === "/v0/postings/netflix") return json(res, 404, fixture("lever-error-not-found.json"));
  if (p === "/posting-api/job-board/ramp" && q.get("includeCompensation") === "true") return json(res, 200, fixture("ashby.json"));
  if (p === "/api/remote-jobs") return json(res, 200, fixture("remotive-fulltext.json"));
  if (p === "/api/job-board-api") {
    if (q.get("page") === "1") {
      const page = JSON.parse(fixture("arbeitnow-paginated.json")) as { links: Record<string, unknown> };
      return json(res, 200, page);
    }
    return json(res, 200, fixture("arbeitnow.json"));
  }
  if (p === "/api/public/jobs") return json(res, 200, fixture("themuse.json"));
  if (p === "/search.json") {
    if (q.get("api_key") !== "serp-key") return json(res, 401, { error: "Invalid API key. Your API key should be here: https://serpapi.com/manage-api-key" });
    if (q.get("next_page_token")) return json(res, 200, { jobs_results: [] });
    return json(res, 200, fixture("serpapi-google-jobs.json"));
  }
  if (p === "/v1/api/jobs/gb/search/1") {
    if (q.get("app_id") !== "id" || q.get("app_key") !== "key") return json(res, 401, { exception: "AUTH_FAIL", display: "Authorisation failed" });
    return json(res, 200, fixture("adzuna.json"));
  }
  if (p.startsWith("/v1/boards/busy")) return json(res, 429, { error: "slow down" }, { "retry-after": "30" });
  if (p.startsWith("/v1/boards/broken")) return json(res, 503, "upstream down");
  if (p.startsWith("/v1/boards/slow")) return void setTimeout(() => json(res, 200, { jobs: [] }), 2_000);
  json(res, 404, { error: "no such route" });
});
afterAll(() => server.close());

const all = { query: "", location: "", limit: 200 };
const base = { baseUrl: server.url, timeoutMs: 5_000 };

const valid = (postings: JobPosting[]): void => {
  expect(postings.length).toBeGreaterThan(0);
  for (const p of postings) {
    expect(() => JobPosting.parse(p)).not.toThrow();
    expect(p.description).not.toMatch(/<\/?[a-z][^>]*>|&lt;|&amp;nbsp;/i);
    expect(p.title).toBe(p.title.trim());
    expect(p.url).toMatch(/^https?:\/\//);
  }
};

describe("Greenhouse", () => {
  const source = createGreenhouseSource({ ...base, boards: ["stripe"] });
  it("normalises the board, unescaping entity-escaped HTML", async () => {
    const r = await source.search(all);
    valid(r);
    expect(r).toHaveLength(10);
    expect(r[0]).toMatchObject({ source: "greenhouse", sourceId: "stripe:8042978", company: "Stripe", location: "Japan", url: "https://stripe.com/jobs/search?gh_jid=8042978" });
    expect(r[0]!.description).toMatch(/^Who we are/);
    expect(r[0]!.postedAt).toBe("2026-07-02T07:24:50.000Z");
    expect(r.some((p) => p.remote)).toBe(true);
  });
  it("keeps the same title in two places as two postings", async () => {
    const r = await source.search(all);
    const last = r.slice(-2);
    expect(last[0]!.title).toBe(last[1]!.title);
    expect(dedupePostings(r).unique).toHaveLength(r.length);
  });
  it("filters by query and takes boards from the request", async () => {
    const none = createGreenhouseSource({ ...base, boards: [] });
    const r = await none.search({ query: "Account Executive", location: "", limit: 5, boards: ["stripe"] });
    expect(r.length).toBeGreaterThan(0);
    for (const p of r) expect(p.title).toMatch(/account|executive/i);
    await expect(none.search(all)).rejects.toBeInstanceOf(PermanentError);
  });
  it("classifies 429 and 5xx as retryable, and gives up on time", async () => {
    await expect(createGreenhouseSource({ ...base, boards: ["busy"] }).search(all)).rejects.toThrow(RetryableError);
    await expect(createGreenhouseSource({ ...base, boards: ["busy"] }).search(all)).rejects.toThrow(/429.*retry after 30/);
    await expect(createGreenhouseSource({ ...base, boards: ["broken"] }).search(all)).rejects.toThrow(RetryableError);
    await expect(createGreenhouseSource({ baseUrl: server.url, timeoutMs: 200, boards: ["slow"] }).search(all)).rejects.toThrow(/no answer within 200 ms/);
  });
});

describe("Lever", () => {
  it("pages through the site, reads epoch-ms dates and salary ranges", async () => {
    const source = createLeverSource({ ...base, boards: ["matchgroup"], pageSize: 4 });
    const r = await source.search(all);
    valid(r);
    expect(r).toHaveLength(11);
    expect(server.requests.filter((x) => x.url.pathname === "/v0/postings/matchgroup").map((x) => x.url.searchParams.get("skip"))).toEqual(["0", "4", "8"]);
    const paid = r.filter((p) => p.salary);
    expect(paid).toHaveLength(7);
    expect(paid[0]!.salary).toMatchObject({ period: "year" });
    for (const p of r) expect(p.postedAt).toMatch(/^20\d\d-/);
    // two "Sr. Manager, Brand Marketing" postings in different places stay two
    const brand = r.filter((p) => /Brand Marketing, E&E/.test(p.title));
    expect(brand).toHaveLength(2);
    expect(dedupePostings(brand).unique).toHaveLength(2);
  });
  it("reports a missing site as a permanent error with Lever's message", async () => {
    const err = await createLeverSource({ ...base, boards: ["netflix"] }).search(all).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect(String(err)).toMatch(/Document not found/);
  });
});

describe("Ashby", () => {
  it("trims titles, reads compensation and workplace", async () => {
    const r = await createAshbySource({ ...base, boards: ["ramp"] }).search(all);
    valid(r);
    expect(r[0]!.title).toBe("Security Engineer, Cloud");
    expect(r.filter((p) => p.salary).every((p) => p.salary!.currency !== null)).toBe(true);
    expect(r.some((p) => p.salary?.currency === "GBP" || p.salary?.currency === "SEK")).toBe(true);
  });
});

describe("Remotive", () => {
  it("is remote-only, parses free-text salaries and sends the search", async () => {
    const r = await createRemotiveSource(base).search({ query: "designer", location: "", limit: 10 });
    valid(r);
    expect(r.every((p) => p.remote)).toBe(true);
    expect(server.requests.at(-1)!.url.searchParams.get("search")).toBe("designer");
    const any = await createRemotiveSource(base).search(all);
    expect(any.some((p) => p.salary)).toBe(true);
  });
});

describe("Arbeitnow", () => {
  it("reads pages until it has enough, with epoch-second dates and no back-link", async () => {
    const r = await createArbeitnowSource(base).search({ query: "", location: "", limit: 7 });
    valid(r);
    expect(r).toHaveLength(7);
    expect(r[0]!.postedAt).toBe(new Date(1788746942 * 1000).toISOString());
    for (const p of r) expect(p.description).not.toMatch(/on Arbeitnow\s*$/);
  });
});

describe("The Muse", () => {
  it("decodes entity titles and keeps postings without a location", async () => {
    const r = await createTheMuseSource(base).search({ ...all, limit: 10 });
    valid(r);
    expect(r.some((p) => /Ingénieur Système/.test(p.title))).toBe(true);
    expect(r.some((p) => p.location === null)).toBe(true);
  });
});

describe("SerpApi Google Jobs", () => {
  it("sends the key, reads relative dates and salary extensions", async () => {
    const r = await createSerpApiSource({ ...base, apiKey: "serp-key", now: () => NOW }).search({ query: "python backend engineer", location: "remote", limit: 10 });
    valid(r);
    expect(r).toHaveLength(4);
    expect(r[0]!.remote).toBe(true);
    expect(r[0]!.postedAt).toBe(new Date(NOW.getTime() - 2 * 86400e3).toISOString());
    expect(r.some((p) => p.salary && p.salary.min === 82_000 && p.salary.period === "year")).toBe(true);
    expect(server.requests.some((x) => x.url.searchParams.get("ltype") === "1")).toBe(true);
  });
  it("makes a bad key a permanent error", async () => {
    await expect(createSerpApiSource({ ...base, apiKey: "wrong" }).search({ query: "x", location: "", limit: 5 })).rejects.toThrow(/401.*Invalid API key/);
  });
});

describe("Adzuna", () => {
  it("sends id and key, leaves out predicted salaries", async () => {
    const r = await createAdzunaSource({ ...base, appId: "id", appKey: "key", country: "gb" }).search({ query: "development engineer", location: "Glasgow", limit: 10 });
    valid(r);
    expect(r).toHaveLength(10);
    expect(server.requests.at(-1)!.url.searchParams.get("where")).toBe("Glasgow");
    const raw = (JSON.parse(fixture("adzuna.json")) as { results: { salary_is_predicted: string }[] }).results;
    expect(r.filter((p) => p.salary).length).toBe(raw.filter((x) => x.salary_is_predicted === "0").length);
    expect(r.filter((p) => p.salary).every((p) => p.salary!.currency === "GBP")).toBe(true);
  });
  it("makes failed authorisation permanent", async () => {
    await expect(createAdzunaSource({ ...base, appId: "id", appKey: "bad", country: "gb" }).search(all)).rejects.toBeInstanceOf(PermanentError);
  });
});

describe("text helpers", () => {
  it("turns malformed and escaped HTML into text", () => {
    expect(htmlToText("&lt;p&gt;Hello &amp;amp; welcome&lt;/p&gt;&lt;ul&gt;&lt;li&gt;One&lt;/li&gt;&lt;/ul&gt;")).toBe("Hello & welcome\n\n- One");
    expect(htmlToText("<p>Find <a href='x'>jobs</a> on Arbeitnow</a>")).toBe("Find jobs on Arbeitnow");
  });
  it("parses salary text", () => {
    expect(parseSalaryText("$18 - $22/hr")).toEqual({ min: 18, max: 22, currency: "USD", period: "hour" });
    expect(parseSalaryText("82K–111K a year")).toEqual({ min: 82_000, max: 111_000, currency: null, period: "year" });
    expect(parseSalaryText("")).toBeNull();
  });
});

