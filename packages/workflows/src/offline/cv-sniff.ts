/** Largest CV file accepted (bytes). */
export const MAX_CV_BYTES = 10 * 1024 * 1024;

export type SniffedKind = "pdf" | "docx" | "zip" | "text" | "binary";

const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const WORD_DOC = Array.from("word/document.xml", (c) => c.charCodeAt(0));

const indexOf = (hay: Uint8Array, needle: number[], from = 0, to = hay.byteLength): number => {
  const end = Math.min(to, hay.byteLength) - needle.length;
  outer: for (let i = from; i <= end; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
};

/** Share of C0 control characters other than tab, line feed, carriage return and form feed. */
const controlShare = (text: string): number => {
  const head = text.slice(0, 4_096);
  if (head.length === 0) return 0;
  // eslint-disable-next-line no-control-regex
  const n = head.match(/[\u0001-\u0008\u000B\u000E-\u001F\u007F]/g)?.length ?? 0;
  return n / head.length;
};

/**
 * What a CV file is, from its bytes: a `%PDF-` header in the first KB, a ZIP
 * holding `word/document.xml`, UTF-8 text without NULs, or something else.
 */
export const sniffDocument = (bytes: Uint8Array): SniffedKind => {
  if (indexOf(bytes, PDF, 0, 1024) >= 0) return "pdf";
  if (indexOf(bytes, ZIP, 0, 4) === 0) return indexOf(bytes, WORD_DOC) >= 0 ? "docx" : "zip";
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, Math.min(bytes.byteLength, 65_536)));
    // a cut in the middle of a multi-byte character at 64 KB is not an error
    if (text.includes("\u0000")) return "binary";
    return controlShare(text) > 0.01 ? "binary" : "text";
  } catch {
    if (bytes.byteLength > 65_536) {
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, 65_536 - 3));
        return "text";
      } catch {
        return "binary";
      }
    }
    return "binary";
  }
};
