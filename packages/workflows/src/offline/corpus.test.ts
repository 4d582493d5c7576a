import { describe, expect, it } from "vitest";
import { JobPosting } from "../schemas.js";
import { createCorpusSource } from "./corpus-source.js";
import { CORPUS_OCCUPATIONS, buildCorpus, generateCorpus } from "./corpus.js";
import { findSkills } from "./vocabulary.js";

describe("generateCorpus", () => {
  const corpus = generateCorpus();

  it("has hundreds of valid postings with stable ids and offline urls", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(600);
    for (const p of corpus) {
      expect(() => JobPosting.parse(p)).not.toThrow();
      expect(p.source).toBe("offline");
      expect(p.url).toBe(`https://jobs.example.com/offline/${p.sourceId}`);
      expect(p.description).not.toMatch(/<[a-z]/i);
      expect(p.description.split("\n\n").length).toBeGreaterThanOrEqual(4);
    }
    expect(new Set(corpus.map((p) => p.sourceId)).size).toBe(corpus.length);
  });

  it("spans many occupations, companies, cities and countries, plus remote work", () => {
    expect(CORPUS_OCCUPATIONS.length).toBeGreaterThanOrEqual(25);
    const occupations = new Set(corpus.map((p) => p.sourceId.replace(/-\d+$/, "")));
    expect(occupations.size).toBeGreaterThanOrEqual(25);
    const cities = new Set(corpus.filter((p) => !p.remote).map((p) => p.location?.split(",")[0]));
    expect(cities.size).toBeGreaterThanOrEqual(20);
    const countries = new Set(corpus.filter((p) => !p.remote).map((p) => p.location?.split(", ").at(-1)));
    expect(countries.size).toBeGreaterThanOrEqual(6);
    expect(corpus.filter((p) => p.remote).length).toBeGreaterThanOrEqual(50);
    expect(new Set(corpus.map((p) => p.company)).size).toBeGreaterThanOrEqual(80);
    const withSalary = corpus.filter((p) => p.salary).length;
    expect(withSalary).toBeGreaterThan(corpus.length * 0.4);
    expect(withSalary).toBeLessThan(corpus.length);
  });

  it("mentions vocabulary skills and seniority in every description", () => {
    for (const p of corpus) {
      expect(findSkills(p.description).length, p.sourceId).toBeGreaterThanOrEqual(3);
      expect(p.description).toMatch(/entry-level|junior|mid-level|senior role|lead role/);
    }
  });

  it("is deterministic, memoised and dated from a fixed base", () => {
    expect(generateCorpus()).toBe(corpus);
    expect(buildCorpus(42)).toEqual(corpus);
    expect(buildCorpus(7)).toEqual(buildCorpus(7));
    expect(buildCorpus(7)).not.toEqual(corpus);
    for (const p of corpus) {
      expect(p.postedAt! <= "2026-11-01T09:00:00.000Z").toBe(true);
      expect(p.postedAt! >= "2026-09-01").toBe(true);
    }
  });
});

describe("createCorpusSource", () => {
  const source = createCorpusSource();

  it("is named offline", () => {
    expect(source.name).toBe("offline");
  });

  it.each([
    ["Software Engineer", "New York", /engineer|developer/i, /New York|Remote/],
    ["Registered Nurse", "Vancouver", /nurse/i, /Vancouver/],
    ["Accountant", "London", /accountant|accounting/i, /London|United Kingdom|Remote/],
    ["Electrician", "Chicago", /electrician/i, /Chicago|United States/],
    ["Data Scientist", "Berlin", /data scientist|machine learning/i, /Berlin|Germany|Remote/],
  ])("%s in %s returns relevant postings", async (query, location, titleRe, placeRe) => {
    const results = await source.search({ query, location, limit: 10 });
    expect(results.length).toBeGreaterThan(0);
    expect(results.length).toBeLessThanOrEqual(10);
    for (const p of results) {
      expect(p.title).toMatch(titleRe);
      expect(p.location).toMatch(placeRe);
    }
    expect(results[0]?.location).toMatch(new RegExp(location));
  });

  it("treats an empty or remote location as anywhere and keeps remote postings eligible", async () => {
    const anywhere = await source.search({ query: "Welder", location: "", limit: 50 });
    expect(new Set(anywhere.map((p) => p.location?.split(", ").at(-1))).size).toBeGreaterThan(3);
    const remote = await source.search({ query: "Frontend Developer", location: "remote", limit: 5 });
    expect(remote.length).toBe(5);
    expect(remote.every((p) => p.remote)).toBe(true);
    const elsewhere = await source.search({ query: "Software Engineer", location: "Tokyo", limit: 20 });
    expect(elsewhere.length).toBeGreaterThan(0);
    expect(elsewhere.every((p) => p.remote)).toBe(true);
  });

  it("respects the limit and returns nothing for nonsense", async () => {
    expect(await source.search({ query: "Nurse", location: "", limit: 3 })).toHaveLength(3);
    expect(await source.search({ query: "zzqxv", location: "", limit: 10 })).toEqual([]);
  });

  it("searches given postings instead of the corpus", async () => {
    const own = generateCorpus().filter((p) => p.sourceId.startsWith("chef-")).slice(0, 5);
    const s = createCorpusSource(own);
    const res = await s.search({ query: "chef", location: "", limit: 10 });
    expect(res.every((p) => own.includes(p))).toBe(true);
  });
});
