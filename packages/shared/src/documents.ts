/**
 * What a CV file is, judged by its bytes (never its name or declared type).
 * PDF by its `%PDF-` header, DOCX by a ZIP whose entries include
 * `word/document.xml`, text when the bytes are valid UTF-8 without NULs.
 */
export type DocumentType = "pdf" | "docx" | "markdown" | "text" | "json";

export const MEDIA_TYPES: Record<DocumentType, string> = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  markdown: "text/markdown",
  text: "text/plain",
  json: "application/json",
};

const startsWith = (bytes: Uint8Array, sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);

const isZip = (b: Uint8Array) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]);

/** True when the ZIP's local file headers name `word/document.xml` (scanned, not unzipped). */
const zipHasWordDocument = (b: Uint8Array): boolean => {
  const needle = Buffer.from("word/document.xml");
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).includes(needle);
};

const utf8 = new TextDecoder("utf-8", { fatal: true });

export const detectDocumentType = (bytes: Uint8Array): DocumentType | null => {
  if (bytes.byteLength === 0) return null;
  // A PDF header may follow a little junk (up to 1 KB is tolerated by readers).
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024));
  if (head.includes(Buffer.from("%PDF-"))) return "pdf";
  if (isZip(bytes)) return zipHasWordDocument(bytes) ? "docx" : null;
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return null;
  }
  if (text.includes("\u0000")) return null;
  const trimmed = text.replace(/^\uFEFF/, "").trimStart();
  if (trimmed.startsWith("{")) {
    try {
      JSON.parse(trimmed);
      return "json";
    } catch {
      /* text that starts with a brace */
    }
  }
  if (/^#{1,6} \S|\*\*[^*\n]+\*\*|\[[^\]\n]+\]\([^)\s]+\)/m.test(trimmed)) return "markdown";
  return "text";
};
