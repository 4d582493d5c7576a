import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { detectDocumentType } from "./documents.js";

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../../../shared/fixtures/cvs/${name}`, import.meta.url)));

describe("detectDocumentType", () => {
  it("knows each sample CV by its bytes", () => {
    expect(detectDocumentType(fixture("openresume-john-doe-junior-swe.pdf"))).toBe("pdf");
    expect(detectDocumentType(fixture("laverne-leo-leopard-student.pdf"))).toBe("pdf");
    expect(detectDocumentType(fixture("resume-match-api-john-doe-swe.docx"))).toBe("docx");
    expect(detectDocumentType(fixture("resume-match-api-john-doe-swe.txt"))).toBe("text");
    expect(detectDocumentType(fixture("prismia-maria-garcia-nurse.md"))).toBe("markdown");
    expect(detectDocumentType(fixture("jsonresume-richard-hendriks.resume.json"))).toBe("json");
  });

  it("refuses what is none of them, whatever it is called", () => {
    expect(detectDocumentType(new Uint8Array())).toBeNull();
    expect(detectDocumentType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]))).toBeNull(); // PNG
    expect(detectDocumentType(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]))).toBeNull(); // a ZIP that is not DOCX
    expect(detectDocumentType(new Uint8Array([0xff, 0xfe, 0xfd]))).toBeNull(); // not UTF-8
    expect(detectDocumentType(new TextEncoder().encode("a\u0000b"))).toBeNull();
  });
});
