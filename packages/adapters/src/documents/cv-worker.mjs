// Parses one untrusted CV file inside a worker thread (started with memory
// limits and killed on a time limit by sandbox.ts). Plain JavaScript so the
// same file runs from the sources and from dist. It only extracts raw
// material (positioned PDF text items, the DOCX document XML); turning that
// into text happens in the parent, on bounded data.
import { parentPort } from "node:worker_threads";

// loaded before a file arrives, so a warm standby thread answers at once
const [{ getDocumentProxy }, { unzipSync }] = await Promise.all([import("unpdf"), import("fflate")]);

const fail = (code, message) => ({ ok: false, code, message });

const parsePdf = async (bytes, limits) => {
  let doc;
  try {
    doc = await getDocumentProxy(bytes, { isEvalSupported: false, disableFontFace: true, useSystemFonts: false, stopAtErrors: false });
  } catch (err) {
    const name = err && typeof err === "object" ? err.name : "";
    if (name === "PasswordException") return fail("pdf_encrypted", "the PDF is password-protected; upload a copy without a password");
    if (name === "InvalidPDFException") return fail("pdf_corrupt", "the PDF is damaged or not a PDF");
    return fail("pdf_corrupt", `the PDF cannot be read (${String(err && err.message ? err.message : err).slice(0, 200)})`);
  }
  const numPages = doc.numPages;
  if (numPages === 0) return fail("pdf_empty", "the PDF has no pages");
  if (numPages > limits.maxPages) return fail("pdf_too_many_pages", `the PDF has ${numPages} pages; the limit is ${limits.maxPages}`);
  const pages = [];
  let chars = 0;
  for (let i = 1; i <= numPages; i++) {
    let page;
    let content;
    try {
      page = await doc.getPage(i);
      content = await page.getTextContent();
    } catch (err) {
      return fail("pdf_corrupt", `page ${i} of the PDF cannot be read (${String(err && err.message ? err.message : err).slice(0, 200)})`);
    }
    const items = [];
    for (const it of content.items) {
      if (typeof it.str !== "string") continue;
      chars += it.str.length;
      if (chars > limits.maxChars) return fail("cv_too_long", `the PDF holds more than ${limits.maxChars} characters of text`);
      const t = it.transform;
      items.push({ s: it.str, x: t[4], y: t[5], w: it.width, h: it.height || Math.abs(t[3]) || 10, eol: !!it.hasEOL });
    }
    const view = page.view;
    pages.push({ width: view[2] - view[0], height: view[3] - view[1], items });
    page.cleanup();
  }
  await doc.destroy();
  return { ok: true, kind: "pdf", pages };
};

const parseDocx = async (bytes, limits) => {
  let files;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        if (f.name !== "word/document.xml") return false;
        if (f.originalSize > limits.maxXmlBytes) throw Object.assign(new Error("too large"), { code: "docx_too_large" });
        return true;
      },
    });
  } catch (err) {
    if (err && err.code === "docx_too_large") return fail("cv_too_long", `the DOCX text is larger than ${limits.maxXmlBytes} bytes`);
    return fail("docx_corrupt", "the DOCX file is damaged (it is not a readable ZIP archive)");
  }
  const xml = files["word/document.xml"];
  if (!xml) return fail("docx_corrupt", "the DOCX file has no document body (word/document.xml)");
  if (xml.byteLength > limits.maxXmlBytes) return fail("cv_too_long", `the DOCX text is larger than ${limits.maxXmlBytes} bytes`);
  return { ok: true, kind: "docx", xml: new TextDecoder("utf-8").decode(xml) };
};

// one file per thread: the parent sends one message, then ends the thread
parentPort.once("message", ({ bytes, kind, limits }) => {
  const run = kind === "pdf" ? parsePdf : parseDocx;
  run(new Uint8Array(bytes), limits).then(
    (result) => parentPort.postMessage(result),
    (err) => parentPort.postMessage(fail(kind === "pdf" ? "pdf_corrupt" : "docx_corrupt", `the file cannot be read (${String(err && err.message ? err.message : err).slice(0, 200)})`)),
  );
});
parentPort.postMessage({ ready: true });
