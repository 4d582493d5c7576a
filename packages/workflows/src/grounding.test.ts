import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MATCHING_SET } from "../eval/matching-set.js";
import { ungrounded, isGrounded, numbersIn, organisationsIn } from "./grounding.js";
import { generateCorpus } from "./offline/corpus.js";
import { extractProfile } from "./offline/extract.js";
import { writeMaterials } from "./offline/materials.js";
import { researchCompany } from "./offline/research.js";
import { scorePostings } from "./offline/scoring.js";
import type { JobPosting } from "./schemas.js";

const sharedCv = (file: string): string => readFileSync(new URL(`../../../../shared/fixtures/cvs/${file}`, import.meta.url), "utf8");
const localFixture = (file: string): string => readFileSync(new URL(`./offline/__fixtures__/${file}`, import.meta.url), "utf8");
const NOW = new Date("2025-01-01T00:00:00Z");

const CVS: [string, string, string[]][] = [
  ["nurse", sharedCv("prismia-maria-garcia-nurse.md"), ["Registered Nurse", "Charge Nurse"]],
  ["swe", sharedCv("resume-match-api-john-doe-swe.txt"), ["Software Engineer", "Backend Engineer"]],
  ["json resume", sharedCv("jsonresume-richard-hendriks.resume.json"), ["Software Engineer", "CTO"]],
  ["junior pdf text", localFixture("openresume-john-doe-junior-swe.txt"), ["Frontend Developer", "Software Engineer"]],
  ["student pdf text", localFixture("laverne-leo-leopard-student.txt"), ["Administrative Assistant", "Marketing Assistant"]],
  ...MATCHING_SET.map((c): [string, string, string[]] => [c.occupation, c.cv, [c.query]]),
];

describe("fabrication: letters state only facts from the CV and the posting", () => {
  const corpus = generateCorpus();
  for (const [name, cv, queries] of CVS) {
    it(`${name}: every organisation, number and credential in the top letters is in the CV or the posting`, () => {
      const profile = extractProfile(cv, NOW);
      let letters = 0;
      for (const query of queries) {
        const top = scorePostings({ profile, query, location: "", postings: corpus })
          .sort((a, b) => b.score - a.score)
          .slice(0, 3);
        for (const match of top) {
          const m = writeMaterials({ profile, match, research: researchCompany(match.posting) });
          const p: JobPosting = match.posting;
          // the CV, and the posting; skills also under their vocabulary names (JS = JavaScript)
          const skills = [...profile.skills, ...match.reasons.matchedSkills, ...match.reasons.missingSkills].join(", ");
          const facts = [cv, skills, p.title, p.company, p.location ?? "", p.description].join("\n");
          const text = `${m.coverLetter}\n${m.highlights.join("\n")}`;
          expect(ungrounded(text, facts), `${p.title} at ${p.company}`).toEqual({ numbers: [], organisations: [], credentials: [] });
          // the employers the letter names are the posting's and the CV's
          for (const org of organisationsIn(m.coverLetter)) expect(facts.toLowerCase()).toContain(org.toLowerCase().split(" ")[0]);
          letters++;
        }
      }
      expect(letters).toBeGreaterThanOrEqual(3);
    });
  }
});

describe("ungrounded", () => {
  const facts = "Jane Roe\nRegistered Nurse at Vancouver General Hospital, 2018 - Present\nBachelor of Science in Nursing\nPosting: Charge Nurse at St Mary's Clinic";

  it("accepts a letter that only restates the facts", () => {
    expect(isGrounded("I have worked as a Registered Nurse at Vancouver General Hospital since 2018. My Bachelor of Science prepared me for St Mary's Clinic.", facts)).toBe(true);
  });

  it("catches an invented employer, number and degree", () => {
    const r = ungrounded("I led 12 nurses at Mercy Hospital and hold a Master's degree; I am certified in ACLS.", facts);
    expect(r.numbers).toEqual(["12"]);
    expect(r.organisations).toEqual(["Mercy Hospital"]);
    expect(r.credentials.length).toBe(2);
  });

  it("reads numbers with thousands separators and organisations after 'at'", () => {
    expect(numbersIn("a budget of 1,200,000 and 3.5 years")).toEqual(["1200000", "3.5"]);
    expect(organisationsIn("I worked at Pied Piper and then with Hooli.")).toEqual(["Pied Piper", "Hooli"]);
  });
});
