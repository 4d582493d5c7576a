import { readFileSync } from "node:fs";

const sharedCv = (file: string): string => readFileSync(new URL(`../../../../../shared/fixtures/cvs/${file}`, import.meta.url), "utf8");
const localFixture = (file: string): string => readFileSync(new URL(`./__fixtures__/${file}`, import.meta.url), "utf8");
import { PermanentError } from "@job-agent/shared/errors";
import { describe, expect, it } from "vitest";
import { normaliseText, readCvText } from "./cv-text.js";

const src = (text: string | null, mediaType = "text/plain", bytes: Uint8Array | null = null, filename: string | null = null) => ({
  text,
  bytes,
  mediaType,
  filename,
});

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PermanentError);
    return (err as PermanentError).code;
  }
  return undefined;
};

describe("readCvText", () => {
  it("reads plain text and keeps its lines", () => {
    const cv = readCvText(src(sharedCv("resume-match-api-john-doe-swe.txt")));
    expect(cv.format).toBe("text");
    expect(cv.chars).toBe(cv.text.length);
    expect(cv.text.split("\n")[0]).toBe("JOHN DOE");
    expect(cv.text).toContain("Software Engineer at Tech Corp\nJune 2020 - Present");
  });

  it("detects markdown from the media type and from the content", () => {
    const md = sharedCv("prismia-maria-garcia-nurse.md");
    expect(readCvText(src(md, "text/markdown")).format).toBe("markdown");
    expect(readCvText(src(md, "text/plain")).format).toBe("markdown");
  });

  it("turns a JSON Resume document into readable CV text", () => {
    const json = sharedCv("jsonresume-richard-hendriks.resume.json");
    for (const mediaType of ["application/json", "text/plain"]) {
      const cv = readCvText(src(json, mediaType));
      expect(cv.format).toBe("json");
      expect(cv.text).not.toContain('"basics"');
      expect(cv.text).toContain("Richard Hendriks");
      expect(cv.text).toContain("Email: richard.hendriks@mail.com");
      expect(cv.text).toContain("Location: San Francisco, California, US");
      expect(cv.text).toContain("CEO/President at Pied Piper");
      expect(cv.text).toContain("December 2013 - December 2014");
      expect(cv.text).toContain("Web Development: HTML, CSS, Javascript");
      expect(cv.text).toContain("English (Native speaker)");
    }
  });

  it("normalises the tab-spaced La Verne PDF text, its hyphen glyphs and CR word gaps", () => {
    const cv = readCvText(src(localFixture("laverne-leo-leopard-student.txt")));
    expect(cv.text).toContain("Leo Leopard");
    expect(cv.text).toContain("(909) 555-5555");
    expect(cv.text).toContain("on-campus position");
    expect(cv.text).toContain("Co-designed 17 minute audio-visual presentation");
    expect(cv.text).toMatch(/Expected Graduation: June 2016/);
    expect(cv.text).not.toMatch(/[\t\r\u00A0\u00AD\u2010]/);
    expect(cv.text).not.toMatch(/ {2,}/);
  });

  it("normalises line endings, control characters and runs of blanks", () => {
    expect(normaliseText("a\r\nb\rc\u0007d\t\t e\n\n\n\nf")).toBe("a\nb\ncd e\n\nf");
  });

  it("decodes text bytes as UTF-8 and gives the same text as the string", () => {
    const txt = sharedCv("resume-match-api-john-doe-swe.txt");
    const fromBytes = readCvText(src(null, "text/plain; charset=utf-8", new TextEncoder().encode(txt)));
    expect(fromBytes).toEqual(readCvText(src(txt)));
    const json = sharedCv("jsonresume-richard-hendriks.resume.json");
    expect(readCvText(src(null, "application/json", new TextEncoder().encode(json))).format).toBe("json");
  });

  it("refuses empty, too long and binary formats with permanent errors", () => {
    expect(codeOf(() => readCvText(src("   \n\t  ")))).toBe("cv_empty");
    expect(codeOf(() => readCvText(src(null, "text/plain", null)))).toBe("cv_empty");
    expect(codeOf(() => readCvText(src("word ".repeat(50_000))))).toBe("cv_too_long");
    expect(codeOf(() => readCvText(src(null, "application/pdf", new Uint8Array([37, 80, 68, 70]))))).toBe("unsupported_format");
    expect(
      codeOf(() =>
        readCvText(src(null, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", new Uint8Array([80, 75, 3, 4]))),
      ),
    ).toBe("unsupported_format");
    expect(codeOf(() => readCvText(src(null, "application/octet-stream", new Uint8Array([1]), "cv.pdf")))).toBe("unsupported_format");
  });
});
