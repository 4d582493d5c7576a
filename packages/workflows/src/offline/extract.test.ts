import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ExtractedProfile } from "../schemas.js";
import { ExtractedProfile as ExtractedProfileSchema } from "../schemas.js";
import { readCvText } from "./cv-text.js";
import { extractProfile, yearsOfExperience } from "./extract.js";
import { suggestTitles } from "./titles.js";

const sharedCv = (file: string): string => readFileSync(new URL(`../../../../../shared/fixtures/cvs/${file}`, import.meta.url), "utf8");
const localFixture = (file: string): string => readFileSync(new URL(`./__fixtures__/${file}`, import.meta.url), "utf8");

/** "Now" as of when these sample CVs were written. */
const NOW = new Date("2025-01-01T00:00:00Z");

const profileOf = (raw: string, mediaType = "text/plain"): ExtractedProfile =>
  extractProfile(readCvText({ text: raw, bytes: null, mediaType, filename: null }).text, NOW);

interface Case {
  name: string;
  raw: () => string;
  mediaType: string;
  email: string;
  phone: string | null;
  person: string;
  location: RegExp | null;
  /** Skills the CV lists, as vocabulary names. */
  listed: string[];
  seniority: ExtractedProfile["seniority"][];
  fields0: string;
  titleLike: RegExp;
}

const CASES: Case[] = [
  {
    name: "PrismIA nurse (markdown with a non-CV preamble)",
    raw: () => sharedCv("prismia-maria-garcia-nurse.md"),
    mediaType: "text/markdown",
    email: "maria.garcia.rn@outlook.com",
    phone: "(604) 555-0123",
    person: "Maria Garcia",
    location: /^Vancouver, BC, Canada$/,
    listed: [
      "Registered Nurse", "Charge Nurse", "Medical-Surgical Nursing", "Patient Assessment", "Medication Administration", "Wound Care",
      "Electronic Health Records (EHR)", "Cerner", "Patient Education", "Leadership", "Mentoring", "Basic Life Support (BLS)",
      "Advanced Cardiovascular Life Support (ACLS)",
    ],
    seniority: ["senior", "lead"],
    fields0: "healthcare",
    titleLike: /nurse/i,
  },
  {
    name: "resume-match-api John Doe (plain text)",
    raw: () => sharedCv("resume-match-api-john-doe-swe.txt"),
    mediaType: "text/plain",
    email: "john.doe@example.com",
    phone: "(555) 123-4567",
    person: "John Doe",
    location: null,
    listed: [
      "Python", "JavaScript", "TypeScript", "Go", "FastAPI", "React", "Django", "Node.js", "PostgreSQL", "MongoDB", "Redis", "Docker",
      "Kubernetes", "AWS", "Git", "CI/CD", "GitHub Actions", "Microservices",
    ],
    seniority: ["mid"],
    fields0: "software",
    titleLike: /engineer|developer/i,
  },
  {
    name: "JSON Resume Richard Hendriks",
    raw: () => sharedCv("jsonresume-richard-hendriks.resume.json"),
    mediaType: "application/json",
    email: "richard.hendriks@mail.com",
    phone: "(912) 555-4321",
    person: "Richard Hendriks",
    location: /^San Francisco, California, US$/,
    listed: ["HTML", "CSS", "JavaScript", "Multimedia Codecs", "Google Maps API", "Chrome Extensions"],
    seniority: ["executive", "lead", "senior"],
    fields0: "software",
    titleLike: /cto|engineer|engineering|founder/i,
  },
  {
    name: "OpenResume John Doe (PDF text layer)",
    raw: () => localFixture("openresume-john-doe-junior-swe.txt"),
    mediaType: "text/plain",
    email: "hello@openresume.com",
    phone: "123-456-7890",
    person: "John Doe",
    location: /^NYC, NY$/,
    listed: [
      "HTML", "CSS", "Python", "TypeScript", "React", "C++", "GraphQL", "Node.js", "SQL", "PostgreSQL", "NoSQL", "Redis", "REST APIs", "Git",
      "Teamwork", "Problem Solving", "Communication", "Adaptability", "Agile",
    ],
    seniority: ["junior"],
    fields0: "software",
    titleLike: /engineer|developer/i,
  },
  {
    name: "La Verne student (hard PDF text layer)",
    raw: () => localFixture("laverne-leo-leopard-student.txt"),
    mediaType: "text/plain",
    email: "lleopard@laverne.edu",
    phone: "(909) 555-5555",
    person: "Leo Leopard",
    location: /^La Verne, CA$/,
    listed: ["Windows", "macOS", "Microsoft Word", "Microsoft PowerPoint", "Microsoft Excel", "Social Media Marketing", "Communication"],
    seniority: ["student"],
    fields0: "administration",
    titleLike: /assistant|intern|representative|coordinator/i,
  },
];

describe("extractProfile on the sample CVs", () => {
  for (const c of CASES) {
    describe(c.name, () => {
      const profile = profileOf(c.raw(), c.mediaType);

      it("matches the profile schema", () => {
        expect(() => ExtractedProfileSchema.parse(profile)).not.toThrow();
      });

      it("finds name, email, phone and location", () => {
        expect(profile.name).toBe(c.person);
        expect(profile.email).toBe(c.email);
        expect(profile.phone).toBe(c.phone);
        if (c.location) expect(profile.location).toMatch(c.location);
        else expect(profile.location).toBeNull();
      });

      it("finds at least 80% of the listed skills", () => {
        const found = c.listed.filter((s) => profile.skills.includes(s));
        expect(found.length / c.listed.length, `missing: ${c.listed.filter((s) => !found.includes(s)).join(", ")}`).toBeGreaterThanOrEqual(0.8);
        expect(profile.fields[0]).toBe(c.fields0);
      });

      it("judges seniority sensibly", () => {
        expect(c.seniority).toContain(profile.seniority);
      });

      it("suggests 3–5 distinct fitting titles", () => {
        const titles = suggestTitles(profile);
        expect(titles.length).toBeGreaterThanOrEqual(3);
        expect(titles.length).toBeLessThanOrEqual(5);
        expect(new Set(titles.map((t) => t.toLowerCase())).size).toBe(titles.length);
        expect(titles.filter((t) => c.titleLike.test(t)).length).toBeGreaterThanOrEqual(2);
      });
    });
  }
});

describe("extractProfile details", () => {
  it("reads the nurse's work history, not the preamble", () => {
    const p = profileOf(sharedCv("prismia-maria-garcia-nurse.md"), "text/markdown");
    expect(p.experience.map((w) => [w.title, w.company, w.startDate, w.endDate, w.current])).toEqual([
      ["Registered Nurse / Charge Nurse", "Vancouver General Hospital", "2018-09", null, true],
      ["Registered Nurse", "St. Paul's Hospital", "2015-06", "2018-09", false],
    ]);
    expect(p.totalYearsExperience).toBeCloseTo(9.6, 1);
    expect(p.education).toEqual([{ institution: "University of British Columbia (UBC)", degree: "Bachelor of Science (BSN)", field: "Nursing", endYear: 2015 }]);
    expect(p.links).toEqual(["https://linkedin.com/in/mariagarciarn"]);
    expect(p.headline).toMatch(/^Registered Nurse/);
    expect(p.summary).toMatch(/^A dedicated and compassionate Registered Nurse/);
    expect(p.summary).not.toMatch(/SIMULATION|Semi-passive/i);
    expect(suggestTitles(p)).toEqual(expect.arrayContaining(["Charge Nurse", "Senior Registered Nurse", "Clinical Nurse Lead"]));
  });

  it("reads 'Title at Company' lines and merges the years", () => {
    const p = profileOf(sharedCv("resume-match-api-john-doe-swe.txt"));
    expect(p.experience.map((w) => `${w.title} @ ${w.company} ${w.startDate}→${w.endDate ?? "now"}`)).toEqual([
      "Software Engineer @ Tech Corp 2020-06→now",
      "Junior Developer @ StartupCo 2018-01→2020-05",
    ]);
    expect(p.experience[0]?.highlights).toContain("Developed backend APIs using Python and FastAPI");
    expect(p.totalYearsExperience).toBeCloseTo(7, 0);
    expect(p.education[0]).toEqual({ institution: "University of Technology", degree: "Bachelor of Science", field: "Computer Science", endYear: 2017 });
    expect(suggestTitles(p).slice(0, 3)).toEqual(["Software Engineer", "Backend Engineer", "Full Stack Engineer"]);
  });

  it("gives the same profile from the .txt as from its UTF-8 bytes and CRLF variant", () => {
    const txt = sharedCv("resume-match-api-john-doe-swe.txt");
    const fromText = profileOf(txt);
    const fromBytes = extractProfile(readCvText({ text: null, bytes: new TextEncoder().encode(txt), mediaType: "text/plain", filename: "cv.txt" }).text, NOW);
    const fromCrlf = profileOf(txt.replace(/\n/g, "\r\n"));
    expect(fromBytes).toEqual(fromText);
    expect(fromCrlf).toEqual(fromText);
  });

  it("gives the same profile from raw JSON Resume as from its rendered text", () => {
    const json = sharedCv("jsonresume-richard-hendriks.resume.json");
    const rendered = profileOf(json, "application/json");
    expect(extractProfile(json, NOW)).toEqual(rendered);
    expect(rendered.experience[0]).toMatchObject({ title: "CEO/President", company: "Pied Piper", location: "Palo Alto, CA", startDate: "2013-12", endDate: "2014-12" });
    expect(rendered.education[0]).toMatchObject({ institution: "University of Oklahoma", field: "Information Technology", endYear: 2014 });
    expect(rendered.languages).toEqual(["English"]);
    expect(rendered.links).toContain("http://richardhendricks.example.com");
  });

  it("reads the OpenResume layout: company line, then title with dates", () => {
    const p = profileOf(localFixture("openresume-john-doe-junior-swe.txt"));
    expect(p.experience.map((w) => [w.title, w.company, w.startDate, w.endDate])).toEqual([
      ["Software Engineer", "ABC Company", "2023-05", null],
      ["Software Engineer Intern", "DEF Organization", "2022-06", "2022-08"],
      ["Research Assistant", "XYZ University", "2021-06", "2021-08"],
    ]);
    expect(p.education[0]).toMatchObject({ institution: "XYZ University", field: "Computer Science", endYear: 2023 });
    expect(p.links).toEqual(["https://linkedin.com/in/john-doe"]);
  });

  it("finds email and location when the PDF text runs contact fields together", () => {
    const p = extractProfile("John Doe\nhello@openresume.com123-456-7890NYC, NYlinkedin.com/in/john-doe\n\nSKILLS\nReact", NOW);
    expect(p.email).toBe("hello@openresume.com");
  });

  it("reads the La Verne student: education, expected graduation, language, no jobs", () => {
    const p = profileOf(localFixture("laverne-leo-leopard-student.txt"));
    expect(p.experience).toEqual([]);
    expect(p.totalYearsExperience).toBe(0);
    expect(p.education[0]).toEqual({ institution: "University of La Verne", degree: "Bachelor of Arts", field: "Business Administration", endYear: 2016 });
    expect(p.languages).toEqual(["Spanish"]);
    expect(suggestTitles(p)).toEqual(expect.arrayContaining(["Administrative Assistant", "Business Analyst Intern"]));
  });

  it("understands common date formats and merges overlapping ranges", () => {
    const text = [
      "Jane Roe",
      "Accountant",
      "Location: Leeds, United Kingdom",
      "",
      "EXPERIENCE",
      "Senior Accountant | Brightwater Accounting",
      "Jan 2019 to Mar 2021",
      "- Led month-end close and reconciliations in Xero",
      "Accountant, Cedar Advisory",
      "2016–2020",
      "- Prepared financial statements under IFRS",
      "Bookkeeper at Oak Ltd",
      "06/2021 - Present",
      "- QuickBooks and payroll",
    ].join("\n");
    const p = extractProfile(text, NOW);
    expect(p.location).toBe("Leeds, United Kingdom");
    expect(p.experience.map((w) => [w.title, w.company, w.startDate, w.endDate, w.current])).toEqual([
      ["Senior Accountant", "Brightwater Accounting", "2019-01", "2021-03", false],
      ["Accountant", "Cedar Advisory", "2016", "2020", false],
      ["Bookkeeper", "Oak Ltd", "2021-06", null, true],
    ]);
    // 2016-01 … 2021-03 merged (5.25y) + 2021-06 … 2025-01 (3.6y)
    expect(p.totalYearsExperience).toBeCloseTo(8.8, 0);
    expect(p.skills).toEqual(expect.arrayContaining(["Month-End Close", "Reconciliation", "Xero", "IFRS", "QuickBooks", "Payroll"]));
    expect(p.fields[0]).toBe("accounting");
  });

  it("computes years with 'present' as now and ignores bad ranges", () => {
    const job = (startDate: string | null, endDate: string | null, current = false) => ({ title: "x", company: null, location: null, startDate, endDate, current, highlights: [] });
    expect(yearsOfExperience([job("2020-01", null, true)], new Date("2022-01-01T00:00:00Z"))).toBe(2);
    expect(yearsOfExperience([job("2020-01", "2020-12"), job("2020-06", "2021-05")], NOW)).toBe(1.4);
    expect(yearsOfExperience([job(null, null)], NOW)).toBe(0);
  });

  it("suggests at least 3 titles even for an empty profile", () => {
    const empty = extractProfile("Hello", NOW);
    expect(suggestTitles(empty).length).toBeGreaterThanOrEqual(3);
  });
});
