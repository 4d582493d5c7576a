import { readFileSync } from "node:fs";
import { PermanentError } from "@job-agent/shared/errors";
import { extractProfileOffline, suggestTitlesOffline, type ExtractedProfile } from "@job-agent/workflows";
import { describe, expect, it } from "vitest";
import { docxXmlToText } from "../src/documents/layout.js";
import { createCvParser } from "../src/documents/sandbox.js";
import { makePdf, threePageCv } from "./support/pdf.js";

const fixture = (f: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../../../../shared/fixtures/cvs/${f}`, import.meta.url)));
const NOW = new Date("2025-01-01T00:00:00Z");
const parser = createCvParser();

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(PermanentError);
    return (err as PermanentError).code;
  }
  throw new Error("expected a permanent error");
};

interface Case {
  file: string;
  kind: "pdf" | "docx";
  email: string;
  location: RegExp | null;
  listed: string[];
  seniority: ExtractedProfile["seniority"][];
  titleLike: RegExp;
}

const CASES: Case[] = [
  {
    file: "openresume-john-doe-junior-swe.pdf",
    kind: "pdf",
    email: "hello@openresume.com",
    location: /^NYC, NY$/,
    listed: ["HTML", "CSS", "Python", "TypeScript", "React", "C++", "GraphQL", "Node.js", "SQL", "PostgreSQL", "NoSQL", "Redis", "REST APIs", "Git", "Teamwork", "Problem Solving", "Communication", "Agile"],
    seniority: ["junior"],
    titleLike: /engineer|developer/i,
  },
  {
    file: "laverne-leo-leopard-student.pdf",
    kind: "pdf",
    email: "lleopard@laverne.edu",
    location: /^La Verne, CA$/,
    listed: ["Windows", "macOS", "Microsoft Word", "Microsoft PowerPoint", "Microsoft Excel", "Communication"],
    seniority: ["student"],
    titleLike: /assistant|intern|representative|coordinator/i,
  },
  {
    file: "resume-match-api-john-doe-swe.docx",
    kind: "docx",
    email: "john.doe@example.com",
    location: null,
    listed: ["Python", "JavaScript", "TypeScript", "Go", "FastAPI", "React", "Django", "Node.js", "PostgreSQL", "MongoDB", "Redis", "Docker", "Kubernetes", "AWS", "Git", "CI/CD", "GitHub Actions", "Microservices"],
    seniority: ["mid"],
    titleLike: /engineer|developer/i,
  },
];

describe("CV parser on the real fixture bytes", () => {
  for (const c of CASES) {
    it(`${c.file}: contact, ≥80% of listed skills, seniority and titles`, async () => {
      const { text, pages } = await parser.parse({ bytes: fixture(c.file), kind: c.kind });
      if (c.kind === "pdf") expect(pages).toBe(1);
      const p = extractProfileOffline(text, NOW);
      expect(p.email).toBe(c.email);
      if (c.location) expect(p.location).toMatch(c.location);
      else expect(p.location).toBeNull();
      const found = c.listed.filter((s) => p.skills.includes(s));
      expect(found.length / c.listed.length, `missing ${c.listed.filter((s) => !found.includes(s)).join(", ")}`).toBeGreaterThanOrEqual(0.8);
      expect(c.seniority).toContain(p.seniority);
      const titles = suggestTitlesOffline(p);
      expect(titles.length).toBeGreaterThanOrEqual(3);
      expect(titles.filter((t) => c.titleLike.test(t)).length).toBeGreaterThanOrEqual(2);
    });
  }

  it("gives the same profile from the .docx as from the .txt", async () => {
    const { text } = await parser.parse({ bytes: fixture("resume-match-api-john-doe-swe.docx"), kind: "docx" });
    const fromDocx = extractProfileOffline(text, NOW);
    const fromTxt = extractProfileOffline(new TextDecoder().decode(fixture("resume-match-api-john-doe-swe.txt")), NOW);
    expect(fromDocx).toEqual(fromTxt);
  });

  it("reads a three-page PDF in page order", async () => {
    const { text, pages } = await parser.parse({ bytes: threePageCv(), kind: "pdf" });
    expect(pages).toBe(3);
    expect(text.indexOf("Brightwater")).toBeLessThan(text.indexOf("Cedar Advisory"));
    expect(text.indexOf("Cedar Advisory")).toBeLessThan(text.indexOf("LANGUAGES"));
    const p = extractProfileOffline(text, NOW);
    expect(p.email).toBe("jane.roe@example.com");
    expect(p.location).toBe("Leeds, United Kingdom");
    expect(p.skills).toEqual(expect.arrayContaining(["Xero", "QuickBooks", "IFRS", "Payroll"]));
  });
});

describe("CV parser refuses bad files with precise permanent errors", () => {
  it("encrypted PDF", async () => {
    expect(await codeOf(parser.parse({ bytes: makePdf({ pages: [["secret"]], encrypt: true }), kind: "pdf" }))).toBe("pdf_encrypted");
  });
  it("corrupt PDF", async () => {
    const bytes = new TextEncoder().encode("%PDF-1.7\n" + "garbage ".repeat(200));
    expect(await codeOf(parser.parse({ bytes, kind: "pdf" }))).toBe("pdf_corrupt");
  });
  it("image-only PDF", async () => {
    expect(await codeOf(parser.parse({ bytes: makePdf({ pages: [[""], [""]], imageOnly: true }), kind: "pdf" }))).toBe("pdf_no_text");
  });
  it("empty file", async () => {
    expect(await codeOf(parser.parse({ bytes: new Uint8Array(0), kind: "pdf" }))).toBe("cv_empty");
  });
  it("too many pages, too large, too much text", async () => {
    const many = makePdf({ pages: Array.from({ length: 5 }, (_, i) => [`page ${i}`]) });
    expect(await codeOf(createCvParser({ maxPages: 3 }).parse({ bytes: many, kind: "pdf" }))).toBe("pdf_too_many_pages");
    expect(await codeOf(createCvParser({ maxBytes: 100 }).parse({ bytes: many, kind: "pdf" }))).toBe("cv_too_large");
    expect(await codeOf(createCvParser({ maxChars: 20 }).parse({ bytes: threePageCv(), kind: "pdf" }))).toBe("cv_too_long");
  });
  it("corrupt DOCX", async () => {
    const bytes = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...new TextEncoder().encode("word/document.xml then nothing useful")]);
    expect(await codeOf(parser.parse({ bytes, kind: "docx" }))).toBe("docx_corrupt");
  });
  it("a parse that takes too long is stopped", async () => {
    const slow = createCvParser({ timeoutMs: 1 });
    expect(await codeOf(slow.parse({ bytes: threePageCv(), kind: "pdf" }))).toBe("cv_parse_timeout");
    // the parser still works afterwards
    expect((await parser.parse({ bytes: threePageCv(), kind: "pdf" })).pages).toBe(3);
  });
  it("a file that needs more memory than allowed fails without taking the process down", async () => {
    const tiny = createCvParser({ memoryMb: 4 });
    const code = await codeOf(tiny.parse({ bytes: makePdf({ pages: [["x".repeat(50)]], padTo: 3_000_000 }), kind: "pdf" }));
    expect(["cv_too_complex", "pdf_corrupt"]).toContain(code);
    expect((await parser.parse({ bytes: threePageCv(), kind: "pdf" })).pages).toBe(3);
  });
});

describe("docxXmlToText", () => {
  it("reads paragraphs, bullets, tabs, entities and table rows", () => {
    const xml =
      '<w:document><w:body><w:p><w:r><w:t>Jane &amp; Co</w:t></w:r></w:p><w:p><w:pPr><w:numPr/></w:pPr><w:r><w:t xml:space="preserve">Led </w:t></w:r><w:r><w:t>teams</w:t></w:r></w:p>' +
      "<w:p><w:r><w:t>A</w:t><w:tab/><w:t>B</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>Skills</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Go</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>";
    expect(docxXmlToText(xml)).toBe("Jane & Co\n- Led teams\nA\tB\nSkills | Go");
  });
});
