import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ExtractedProfile, ScoredPosting } from "../schemas.js";
import { CompanyResearch, Materials } from "../schemas.js";
import { generateCorpus } from "./corpus.js";
import { extractProfile } from "./extract.js";
import { createOfflineLlm } from "./llm.js";
import { writeMaterials } from "./materials.js";
import { researchCompany } from "./research.js";
import { scorePostings } from "./scoring.js";

const sharedCv = (file: string): string => readFileSync(new URL(`../../../../../shared/fixtures/cvs/${file}`, import.meta.url), "utf8");
const localFixture = (file: string): string => readFileSync(new URL(`./__fixtures__/${file}`, import.meta.url), "utf8");
const NOW = new Date("2025-01-01T00:00:00Z");
const corpus = generateCorpus();
const companies = [...new Set(corpus.map((p) => p.company))];

const CVS: [string, string, string][] = [
  ["nurse", sharedCv("prismia-maria-garcia-nurse.md"), "Registered Nurse"],
  ["swe", sharedCv("resume-match-api-john-doe-swe.txt"), "Software Engineer"],
  ["json", sharedCv("jsonresume-richard-hendriks.resume.json"), "Software Engineer"],
  ["junior", localFixture("openresume-john-doe-junior-swe.txt"), "Frontend Developer"],
  ["student", localFixture("laverne-leo-leopard-student.txt"), "Administrative Assistant"],
];

const bestMatch = (profile: ExtractedProfile | null, query: string): ScoredPosting => {
  const scored = scorePostings({ profile, query, location: "", postings: corpus });
  scored.sort((a, b) => b.score - a.score);
  return scored[0]!;
};

/** Numbers (ignoring thousands separators) that appear in a text. */
const numbers = (t: string): string[] => t.replace(/(\d),(\d{3})/g, "$1$2").match(/\d+(?:\.\d+)?/g) ?? [];

describe("writeMaterials", () => {
  for (const [name, cv, query] of CVS) {
    it(`writes an honest letter and highlights for the ${name} CV`, () => {
      const profile = extractProfile(cv, NOW);
      const match = bestMatch(profile, query);
      const research = researchCompany(match.posting);
      const m = writeMaterials({ profile, match, research });
      expect(() => Materials.parse(m)).not.toThrow();

      const letter = m.coverLetter;
      expect(letter).toMatch(new RegExp(`^Dear Hiring Team at ${match.posting.company},`));
      expect(letter.split("\n\n")).toHaveLength(5); // greeting, 3 paragraphs, sign-off
      expect(letter).toContain(match.posting.title);
      expect(letter.trim().endsWith(profile.name ?? "[Your name]") || letter.includes(`\n${profile.name}\n`)).toBe(true);
      expect(m.highlights.length).toBeGreaterThanOrEqual(3);
      expect(m.highlights.length).toBeLessThanOrEqual(5);

      const facts = `${cv}\n${match.posting.title}\n${match.posting.company}\n${match.posting.location}\n${match.posting.description}`;
      const factNumbers = new Set(numbers(facts));
      for (const n of numbers(`${letter}\n${m.highlights.join("\n")}`)) expect(factNumbers, `number ${n}`).toContain(n);
      for (const c of companies) if (c !== match.posting.company) expect(letter).not.toContain(c);
      for (const w of profile.experience) if (w.company) expect(facts).toContain(w.company);
      // every "at X" names the employer of the posting or one from the CV
      for (const at of letter.matchAll(/\bat ([A-Z][\w'.&]*(?: [A-Z][\w'.&]*)*)/g)) {
        expect(facts, `organisation "${at[1]}"`).toContain(at[1]);
      }
      // no degree or certificate the CV does not state
      expect(letter).not.toMatch(/\bPhD\b|\bMaster'?s\b|\bcertified\b/i);
    });
  }

  it("writes a generic but honest template without a profile", () => {
    const match = bestMatch(null, "Accountant");
    const m = writeMaterials({ profile: null, match, research: researchCompany(match.posting) });
    expect(m.coverLetter).toContain(`Dear Hiring Team at ${match.posting.company},`);
    expect(m.coverLetter).toContain("[Your name]");
    expect(m.coverLetter).toMatch(/\[Introduce yourself/);
    expect(m.highlights.length).toBeGreaterThanOrEqual(3);
  });
});

describe("researchCompany", () => {
  it("reports only what the posting says", () => {
    for (const p of corpus.slice(0, 50)) {
      const r = researchCompany(p);
      expect(() => CompanyResearch.parse(r)).not.toThrow();
      expect(r.basis).toBe("posting");
      expect(r.company).toBe(p.company);
      expect(r.summary).toMatch(/^From the posting: /);
      expect(r.facts.some((f) => f.startsWith("Work arrangement:"))).toBe(true);
    }
    const sw = corpus.find((p) => p.sourceId.startsWith("devops-engineer-"))!;
    expect(researchCompany(sw).facts.join(" ")).toMatch(/Kubernetes|Docker|Terraform/);
  });

  it("says little when the posting says little", () => {
    const r = researchCompany({
      source: "t", sourceId: "1", title: "Helper", company: "Quiet Co", location: null, remote: false,
      description: "Help us.", url: "https://example.com", postedAt: null, salary: null,
    });
    expect(r.summary).toMatch(/^From the posting: /);
    expect(r.facts.join(" ")).not.toMatch(/Benefits|Size/);
  });
});

describe("createOfflineLlm", () => {
  const llm = createOfflineLlm({ clock: { now: () => NOW } });

  it("wires every task of the language port", async () => {
    expect(llm.name).toBe("offline");
    const profile = await llm.extractProfile({ text: sharedCv("prismia-maria-garcia-nurse.md") });
    expect(profile.seniority).toBe("lead");
    const titles = await llm.suggestTitles({ profile });
    expect(titles.length).toBeGreaterThanOrEqual(3);
    const postings = corpus.slice(0, 100);
    const scored = await llm.scorePostings({ profile, query: titles[0]!, location: "Vancouver", postings });
    expect(scored).toHaveLength(100);
    const research = await llm.researchCompany({ posting: scored[0]!.posting });
    const materials = await llm.writeMaterials({ profile, match: scored[0]!, research });
    expect(materials.coverLetter).toContain("Maria Garcia");
  });

  it("honours an aborted signal", async () => {
    const ctrl = new AbortController();
    ctrl.abort();
    await expect(llm.suggestTitles({ profile: await llm.extractProfile({ text: "Jane Doe\nNurse" }) }, { signal: ctrl.signal })).rejects.toThrow();
  });
});
