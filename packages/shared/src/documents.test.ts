import { readFileSync } from "node:fs";
import { zip as zipBuffer } from "../test/support/index.js";
import { describe, expect, it } from "vitest";
import { detectDocumentType, estimatePdfPages, inspectDocument } from "./documents.js";

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

const zip = (entries: { name: string; data: Buffer }[]): Uint8Array => new Uint8Array(zipBuffer(entries));

describe("inspectDocument", () => {
  it("passes the sample CVs", () => {
    expect(inspectDocument(fixture("resume-match-api-john-doe-swe.docx"), "docx")).toMatchObject({ ok: true });
    const pdf = inspectDocument(fixture("openresume-john-doe-junior-swe.pdf"), "pdf");
    expect(pdf).toMatchObject({ ok: true });
    expect(pdf.ok && pdf.pages).toBeGreaterThanOrEqual(1);
    expect(inspectDocument(fixture("laverne-leo-leopard-student.pdf"), "pdf")).toMatchObject({ ok: true });
  });

  it("refuses a DOCX that expands far beyond its size, from the central directory alone", () => {
    const bomb = zip([
      { name: "[Content_Types].xml", data: Buffer.from("<Types/>") },
      { name: "word/document.xml", data: Buffer.alloc(60_000_000) },
    ]);
    expect(bomb.byteLength).toBeLessThan(200_000);
    expect(detectDocumentType(bomb)).toBe("docx");
    const r = inspectDocument(bomb, "docx");
    expect(r).toMatchObject({ ok: false, code: "zip_bomb" });
    expect(inspectDocument(zip([{ name: "word/document.xml", data: Buffer.alloc(20_000_000) }]), "docx")).toMatchObject({ ok: false, code: "zip_bomb" });
  });

  it("refuses a DOCX with too many entries and one without a central directory", () => {
    const many = zip(Array.from({ length: 1_200 }, (_, i) => ({ name: i === 0 ? "word/document.xml" : `word/media/${i}.xml`, data: Buffer.from("x") })));
    expect(inspectDocument(many, "docx")).toMatchObject({ ok: false, code: "zip_bomb" });
    const truncated = zip([{ name: "word/document.xml", data: Buffer.from("<w/>") }]).slice(0, 60);
    expect(inspectDocument(truncated, "docx")).toMatchObject({ ok: false, code: "corrupt" });
  });

  it("refuses a PDF that claims an absurd number of pages", () => {
    const pdf = new TextEncoder().encode("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 250000 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R >> endobj\n%%EOF");
    expect(estimatePdfPages(pdf)).toBe(250_000);
    expect(inspectDocument(pdf, "pdf")).toMatchObject({ ok: false, code: "too_many_pages" });
    const many = new TextEncoder().encode(`%PDF-1.4\n${"<< /Type /Page >>\n".repeat(80)}%%EOF`);
    expect(inspectDocument(many, "pdf", { pdfMaxPages: 60 })).toMatchObject({ ok: false, code: "too_many_pages" });
    expect(inspectDocument(many, "pdf", { pdfMaxPages: 100 })).toMatchObject({ ok: true, pages: 80 });
  });
});
