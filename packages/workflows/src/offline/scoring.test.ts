import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ExtractedProfile, JobPosting, ScoredPosting } from "../schemas.js";
import { ScoredPosting as ScoredPostingSchema } from "../schemas.js";
import { buildCorpus, generateCorpus } from "./corpus.js";
import { extractProfile } from "./extract.js";
import { scorePostings } from "./scoring.js";

const sharedCv = (file: string): string => readFileSync(new URL(`../../../../../shared/fixtures/cvs/${file}`, import.meta.url), "utf8");
const localFixture = (file: string): string => readFileSync(new URL(`./__fixtures__/${file}`, import.meta.url), "utf8");
const NOW = new Date("2025-01-01T00:00:00Z");

const corpus = generateCorpus();
const byOcc = (occ: string, n = 6): JobPosting[] => corpus.filter((p) => p.sourceId.startsWith(`${occ}-`)).slice(0, n);

const nurse = extractProfile(sharedCv("prismia-maria-garcia-nurse.md"), NOW);
const swe = extractProfile(sharedCv("resume-match-api-john-doe-swe.txt"), NOW);
const student = extractProfile(localFixture("laverne-leo-leopard-student.txt"), NOW);
const junior = extractProfile(localFixture("openresume-john-doe-junior-swe.txt"), NOW);

const mean = (xs: ScoredPosting[]): number => xs.reduce((s, x) => s + x.score, 0) / Math.max(1, xs.length);

const rank = (profile: ExtractedProfile | null, query: string, location: string, good: JobPosting[], bad: JobPosting[]) => {
  const scored = scorePostings({ profile, query, location, postings: [...good, ...bad] });
  const goodScores = scored.filter((s) => good.includes(s.posting));
  const badScores = scored.filter((s) => bad.includes(s.posting));
  return { goodScores, badScores, minGood: Math.min(...goodScores.map((s) => s.score)), maxBad: Math.max(...badScores.map((s) => s.score)) };
};

describe("scorePostings", () => {
  it("returns one valid scored posting per input, in order", () => {
    const postings = corpus.slice(0, 40);
    const scored = scorePostings({ profile: swe, query: "Software Engineer", location: "New York", postings });
    expect(scored.map((s) => s.posting)).toEqual(postings);
    for (const s of scored) expect(() => ScoredPostingSchema.parse(s)).not.toThrow();
  });

  type Row = [string, () => ExtractedProfile | null, string, string, string, string[]];
  const rows: Row[] = [
    ["nurse profile", () => nurse, "", "", "registered-nurse", ["software-engineer", "accountant", "welder", "chef"]],
    ["software profile", () => swe, "", "", "software-engineer", ["registered-nurse", "accountant", "warehouse-associate", "teacher"]],
    ["junior software profile", () => junior, "", "", "frontend-developer", ["registered-nurse", "lawyer", "electrician"]],
    ["business student", () => student, "", "", "administrative-assistant", ["registered-nurse", "devops-engineer", "welder"]],
    ["no profile, query only", () => null, "Accountant", "London", "accountant", ["software-engineer", "registered-nurse", "chef"]],
    ["no profile, electrician", () => null, "Electrician", "", "electrician", ["data-analyst", "pharmacist"]],
  ];
  it.each(rows)("%s ranks relevant postings above irrelevant ones", (_name, profile, query, location, goodOcc, badOccs) => {
    const good = byOcc(goodOcc);
    const bad = badOccs.flatMap((o) => byOcc(o));
    const r = rank(profile(), query, location, good, bad);
    expect(mean(r.goodScores)).toBeGreaterThan(mean(r.badScores) + 20);
    expect(r.minGood).toBeGreaterThan(r.maxBad);
  });

  it("explains matched and missing skills with synonyms folded", () => {
    const posting: JobPosting = {
      source: "test",
      sourceId: "1",
      title: "Backend Engineer",
      company: "Acme Software",
      location: "New York, NY, United States",
      remote: false,
      description: "We use Postgres, JS and k8s. Experience with Rust is a plus. 3+ years of experience.",
      url: "https://example.com/1",
      postedAt: null,
      salary: null,
    };
    const [s] = scorePostings({ profile: swe, query: "Software Engineer", location: "New York", postings: [posting] });
    expect(s?.reasons.matchedSkills).toEqual(expect.arrayContaining(["PostgreSQL", "JavaScript", "Kubernetes"]));
    expect(s?.reasons.missingSkills).toEqual(["Rust"]);
    expect(s?.reasons.locationFit).toMatch(/as requested/);
    expect(s?.reasons.summary.length).toBeGreaterThanOrEqual(3);
    expect(s?.score).toBeGreaterThan(60);
  });

  it("prefers the requested place and the right seniority", () => {
    const nurses = corpus.filter((p) => p.sourceId.startsWith("registered-nurse-"));
    // Two on-site postings of the same title in different countries: the one in the asked-for city must win.
    const here = nurses.find((p) => !p.remote && p.location);
    const city = here?.location?.split(",")[0] ?? "";
    const country = here?.location?.split(",").at(-1)?.trim();
    const there = nurses.find((p) => !p.remote && p.title === here?.title && p.location && !p.location.endsWith(country ?? "\u0000"));
    if (!here || !there) throw new Error("the corpus has no nursing postings of one title in two countries");
    const [v, s] = scorePostings({ profile: null, query: here.title, location: city, postings: [here, there] });
    expect(v!.score).toBeGreaterThan(s!.score);
    const juniorRole = byOcc("software-engineer", 40).find((p) => /^Junior/.test(p.title));
    const leadRole = byOcc("software-engineer", 40).find((p) => /^Lead|Manager/.test(p.title));
    if (!juniorRole || !leadRole) throw new Error("the corpus has no junior and lead software postings");
    const [j, l] = scorePostings({ profile: junior, query: "", location: "", postings: [juniorRole, leadRole] });
    expect(j!.reasons.seniorityFit).toMatch(/matching/);
    expect(l!.reasons.seniorityFit).toMatch(/above/);
  });

  it("scores every one of 1,000 postings within 0–100, the same way twice", () => {
    const fresh = buildCorpus(1234).slice(0, 1000);
    const first = scorePostings({ profile: nurse, query: "Registered Nurse", location: "Vancouver", postings: fresh });
    const again = scorePostings({ profile: nurse, query: "Registered Nurse", location: "Vancouver", postings: fresh });
    expect(first).toHaveLength(1000);
    expect(first.every((m) => m.score >= 0 && m.score <= 100)).toBe(true);
    expect(again.map((m) => m.score)).toEqual(first.map((m) => m.score));
  });
});
