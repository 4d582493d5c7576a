import { describe, expect, it } from "vitest";
import { MATCHING_SET } from "../../eval/matching-set.js";
import type { JobPosting } from "../schemas.js";
import { generateCorpus } from "./corpus.js";
import { extractProfile } from "./extract.js";
import { scorePostings } from "./scoring.js";

const NOW = new Date("2025-01-01T00:00:00Z");

/** Pairwise accuracy of the offline matcher on the labelled set: how often a relevant posting outscores an irrelevant one for the same person. */
export const evaluateMatching = () => {
  let pairs = 0;
  let right = 0;
  const misses: string[] = [];
  for (const c of MATCHING_SET) {
    const profile = extractProfile(c.cv, NOW);
    const postings: JobPosting[] = c.postings.map((p, i) => ({
      source: "eval",
      sourceId: `${c.occupation}-${i}`,
      title: p.title,
      company: p.company,
      location: p.location,
      remote: p.remote,
      description: p.description,
      url: `https://jobs.example.com/eval/${i}`,
      postedAt: null,
      salary: null,
    }));
    const scored = scorePostings({ profile, query: c.query, location: c.location, postings });
    c.postings.forEach((a, i) => {
      if (!a.relevant) return;
      c.postings.forEach((b, j) => {
        if (b.relevant) return;
        pairs++;
        const sa = scored[i]!.score;
        const sb = scored[j]!.score;
        if (sa > sb) right++;
        else misses.push(`${c.occupation}: "${a.title}" (${a.location}) ${sa} <= "${b.title}" (${b.location}) ${sb}`);
      });
    });
  }
  return { pairs, right, accuracy: right / pairs, misses };
};

describe("offline matcher on the labelled set", () => {
  it("has at least 40 labelled pairs over at least 8 occupations", () => {
    const labelled = MATCHING_SET.reduce((n, c) => n + c.postings.length, 0);
    expect(labelled).toBeGreaterThanOrEqual(40);
    expect(new Set(MATCHING_SET.map((c) => c.occupation)).size).toBeGreaterThanOrEqual(8);
    for (const c of MATCHING_SET) {
      expect(c.postings.some((p) => p.relevant)).toBe(true);
      expect(c.postings.some((p) => !p.relevant)).toBe(true);
    }
  });

  it("ranks relevant above irrelevant with pairwise accuracy of at least 90%", () => {
    const r = evaluateMatching();
    console.log(`matching eval: ${r.right}/${r.pairs} pairs right (${(r.accuracy * 100).toFixed(1)}%)${r.misses.length ? `\n  ${r.misses.join("\n  ")}` : ""}`);
    expect(r.pairs).toBeGreaterThanOrEqual(50);
    expect(r.accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it("does not put a junior posting first for a senior engineer, and prefers the asked title", () => {
    const senior = extractProfile(MATCHING_SET[0]!.cv, NOW);
    expect(["senior", "lead"]).toContain(senior.seniority);
    const corpus = generateCorpus().filter((p) => /software engineer|developer/i.test(p.title));
    const scored = scorePostings({ profile: senior, query: "Software Engineer", location: "", postings: corpus }).sort((a, b) => b.score - a.score);
    const top = scored.slice(0, 10).map((s) => s.posting.title);
    expect(top.filter((t) => /junior|intern|graduate|entry/i.test(t))).toEqual([]);
    expect(top[0]).toMatch(/software engineer/i);
    const asked = scorePostings({ profile: senior, query: "Senior Software Engineer", location: "", postings: corpus }).sort((a, b) => b.score - a.score);
    expect(asked[0]!.posting.title).toMatch(/^Senior Software Engineer/);
  });
});
