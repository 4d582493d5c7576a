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

/** Bounds a CV must stay within before any parser touches it. */
export interface DocumentLimits {
  /** DOCX: the sum of the uncompressed sizes in the ZIP's central directory. */
  docxMaxUncompressedBytes: number;
  /** DOCX: the number of entries in the ZIP. */
  docxMaxEntries: number;
  /** DOCX: the largest uncompressed/compressed ratio of one entry (a bomb compresses 1000:1 and more). */
  docxMaxRatio: number;
  /** PDF: the most pages a CV may have. */
  pdfMaxPages: number;
}

export const DEFAULT_DOCUMENT_LIMITS: DocumentLimits = {
  docxMaxUncompressedBytes: 50_000_000,
  docxMaxEntries: 1_000,
  docxMaxRatio: 200,
  pdfMaxPages: 50,
};

export type DocumentInspection =
  | { ok: true; type: DocumentType; pages?: number; entries?: number; uncompressedBytes?: number }
  | { ok: false; type: DocumentType; code: "zip_bomb" | "too_many_pages" | "corrupt"; reason: string };

interface ZipDirectory {
  entries: number;
  uncompressedBytes: number;
  worstRatio: number;
}

/**
 * Reads the ZIP central directory (never the compressed data): entry count,
 * declared uncompressed sizes and compression ratios. ZIP64 is refused: a
 * CV never needs it, and its sizes are where bombs hide.
 */
const readZipDirectory = (bytes: Uint8Array): ZipDirectory | string => {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const min = Math.max(0, b.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = b.length - 22; i >= min; i--) {
    if (b.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return "the ZIP has no central directory";
  const total = b.readUInt16LE(eocd + 10);
  const cdSize = b.readUInt32LE(eocd + 12);
  const cdOffset = b.readUInt32LE(eocd + 16);
  if (total === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) return "ZIP64 archives are not accepted";
  if (cdOffset + cdSize > b.length) return "the ZIP central directory points outside the file";
  let p = cdOffset;
  let entries = 0;
  let uncompressedBytes = 0;
  let worstRatio = 0;
  while (p + 46 <= cdOffset + cdSize) {
    if (b.readUInt32LE(p) !== 0x02014b50) return "the ZIP central directory is malformed";
    const compressed = b.readUInt32LE(p + 20);
    const uncompressed = b.readUInt32LE(p + 24);
    if (compressed === 0xffffffff || uncompressed === 0xffffffff) return "ZIP64 archives are not accepted";
    entries += 1;
    uncompressedBytes += uncompressed;
    if (uncompressed > 1_000_000) worstRatio = Math.max(worstRatio, uncompressed / Math.max(compressed, 1));
    p += 46 + b.readUInt16LE(p + 28) + b.readUInt16LE(p + 30) + b.readUInt16LE(p + 32);
  }
  if (entries !== total) return "the ZIP central directory does not match its entry count";
  return { entries, uncompressedBytes, worstRatio };
};

/**
 * Estimates a PDF's page count without parsing it: the larger of the number
 * of page objects and the largest `/Count` of a page tree node. Page objects
 * hidden in compressed object streams are not seen, but the root page tree's
 * `/Count` usually is.
 */
export const estimatePdfPages = (bytes: Uint8Array): number => {
  const s = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  const pageObjects = s.match(/\/Type\s*\/Page(?![A-Za-z])/g)?.length ?? 0;
  let maxCount = 0;
  for (const m of s.matchAll(/\/Type\s*\/Pages(?![A-Za-z])/g)) {
    const from = Math.max(0, m.index - 400);
    const window = s.slice(from, m.index + 400);
    for (const c of window.matchAll(/\/Count\s+(\d{1,12})/g)) maxCount = Math.max(maxCount, Number(c[1]));
  }
  return Math.max(pageObjects, maxCount);
};

/**
 * Checks a document against the limits before it is parsed: DOCX zip bombs
 * (from the central directory) and PDFs with absurd page counts are refused.
 */
export const inspectDocument = (bytes: Uint8Array, type: DocumentType, limits: Partial<DocumentLimits> = {}): DocumentInspection => {
  const l = { ...DEFAULT_DOCUMENT_LIMITS, ...limits };
  if (type === "docx") {
    const dir = readZipDirectory(bytes);
    if (typeof dir === "string") return { ok: false, type, code: "corrupt", reason: dir };
    if (dir.entries > l.docxMaxEntries) return { ok: false, type, code: "zip_bomb", reason: `the DOCX has ${dir.entries} entries (at most ${l.docxMaxEntries})` };
    if (dir.uncompressedBytes > l.docxMaxUncompressedBytes) {
      return { ok: false, type, code: "zip_bomb", reason: `the DOCX expands to ${dir.uncompressedBytes} bytes (at most ${l.docxMaxUncompressedBytes})` };
    }
    if (dir.worstRatio > l.docxMaxRatio) {
      return { ok: false, type, code: "zip_bomb", reason: `a DOCX entry is compressed ${Math.round(dir.worstRatio)}:1 (at most ${l.docxMaxRatio}:1)` };
    }
    return { ok: true, type, entries: dir.entries, uncompressedBytes: dir.uncompressedBytes };
  }
  if (type === "pdf") {
    const pages = estimatePdfPages(bytes);
    if (pages > l.pdfMaxPages) return { ok: false, type, code: "too_many_pages", reason: `the PDF has about ${pages} pages (at most ${l.pdfMaxPages})` };
    return { ok: true, type, pages };
  }
  return { ok: true, type };
};
