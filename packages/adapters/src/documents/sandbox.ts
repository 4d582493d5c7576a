import { Worker } from "node:worker_threads";
import { PermanentError, RetryableError } from "@job-agent/shared/errors";
import type { CallOptions, CvDocumentKind, CvParserPort } from "@job-agent/workflows";
import { docxXmlToText, pdfPagesToText, type PdfPage } from "./layout.js";

export interface CvParserLimits {
  /** Largest file accepted (bytes). */
  maxBytes: number;
  maxPages: number;
  /** Most characters of text a file may hold. */
  maxChars: number;
  /** Largest DOCX body (uncompressed document.xml, bytes). */
  maxXmlBytes: number;
  /** Heap of the parsing thread (MB); a file that needs more fails. */
  memoryMb: number;
  /** Longest a parse may take (ms). */
  timeoutMs: number;
}

export const DEFAULT_CV_PARSER_LIMITS: CvParserLimits = {
  maxBytes: 10 * 1024 * 1024,
  maxPages: 20,
  maxChars: 200_000,
  maxXmlBytes: 8 * 1024 * 1024,
  memoryMb: 256,
  timeoutMs: 20_000,
};

type WorkerResult =
  | { ok: true; kind: "pdf"; pages: PdfPage[] }
  | { ok: true; kind: "docx"; xml: string }
  | { ok: false; code: string; message: string };

const WORKER_URL = new URL("./cv-worker.mjs", import.meta.url);

const spawn = (limits: CvParserLimits): Worker => {
  const worker = new Worker(WORKER_URL, {
    resourceLimits: {
      maxOldGenerationSizeMb: limits.memoryMb,
      maxYoungGenerationSizeMb: Math.max(16, Math.round(limits.memoryMb / 8)),
      stackSizeMb: 4,
    },
    stdout: true,
    stderr: true,
  });
  // a standby thread must not keep the process alive
  worker.unref();
  // until it is used, its failures are reported when it is used
  worker.on("error", () => undefined);
  return worker;
};

/** Runs a fresh parser thread on one file; resolves with its message, or rejects when it dies, runs out of memory or time. */
const runWorker = (worker: Worker, bytes: Uint8Array, kind: CvDocumentKind, limits: CvParserLimits, signal?: AbortSignal): Promise<WorkerResult> =>
  new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      worker.removeAllListeners("message");
      void worker.terminate();
      fn();
    };
    const timer = setTimeout(
      () => finish(() => reject(new PermanentError(`reading the ${kind.toUpperCase()} took longer than ${limits.timeoutMs} ms`, "cv_parse_timeout"))),
      limits.timeoutMs,
    );
    const onAbort = (): void => finish(() => reject(signal?.reason instanceof Error ? signal.reason : new Error("aborted")));
    signal?.addEventListener("abort", onAbort, { once: true });
    const copy = bytes.slice().buffer;
    const send = (): void => worker.postMessage({ bytes: copy, kind, limits: { maxPages: limits.maxPages, maxChars: limits.maxChars, maxXmlBytes: limits.maxXmlBytes } }, [copy]);
    worker.on("message", (m: WorkerResult | { ready: true }) => {
      if ("ready" in m) send();
      else finish(() => resolve(m));
    });
    // a standby thread that is already ready gets the file now; its "ready" came before we listened
    if ((worker as Worker & { __ready?: boolean }).__ready) send();
    worker.once("error", (err: Error & { code?: string }) =>
      finish(() =>
        reject(
          err.code === "ERR_WORKER_OUT_OF_MEMORY"
            ? new PermanentError(`the ${kind.toUpperCase()} needs more than ${limits.memoryMb} MB to read`, "cv_too_complex")
            : new RetryableError(`the CV parser failed: ${err.message}`),
        ),
      ),
    );
    worker.once("exit", (code) => finish(() => reject(new RetryableError(`the CV parser stopped (exit code ${code})`))));
  });

/**
 * The CV parser port: PDF and DOCX bytes read in a worker thread with a heap
 * limit and a time limit, so a hostile file costs one thread, not the worker.
 */
export const createCvParser = (overrides: Partial<CvParserLimits> = {}): CvParserPort => {
  const limits = { ...DEFAULT_CV_PARSER_LIMITS, ...overrides };
  // one thread per file; the next one is started (and its libraries loaded) as soon as one is taken
  let standby: Worker | null = null;
  const take = (): Worker => {
    const w = standby ?? spawn(limits);
    standby = null;
    w.ref();
    return w;
  };
  const prepare = (): void => {
    if (standby) return;
    const w = spawn(limits);
    w.once("message", (m: { ready?: boolean }) => {
      if (m.ready) (w as Worker & { __ready?: boolean }).__ready = true;
    });
    w.once("exit", () => {
      if (standby === w) standby = null;
    });
    standby = w;
  };
  return {
    parse: async ({ bytes, kind }, opts?: CallOptions) => {
      if (bytes.byteLength === 0) throw new PermanentError(`the ${kind.toUpperCase()} file is empty`, "cv_empty");
      if (bytes.byteLength > limits.maxBytes) {
        throw new PermanentError(`the ${kind.toUpperCase()} file is ${bytes.byteLength} bytes; the limit is ${limits.maxBytes}`, "cv_too_large");
      }
      const worker = take();
      // The next file's thread loads its libraries while this one parses, so files arriving
      // back to back do not wait for a cold start.
      prepare();
      const r = await runWorker(worker, bytes, kind, limits, opts?.signal);
      if (!r.ok) throw new PermanentError(r.message, r.code);
      if (r.kind === "pdf") {
        const text = pdfPagesToText(r.pages);
        if (!/[\p{L}\p{N}]/u.test(text)) {
          const hasItems = r.pages.some((p) => p.items.length > 0);
          throw new PermanentError(
            hasItems ? "the PDF has no readable text" : "the PDF has no text layer (a scanned image?); upload a PDF with selectable text, or a DOCX",
            "pdf_no_text",
          );
        }
        if (text.length > limits.maxChars) throw new PermanentError(`the PDF holds more than ${limits.maxChars} characters of text`, "cv_too_long");
        return { text, pages: r.pages.length };
      }
      const text = docxXmlToText(r.xml);
      if (!/[\p{L}\p{N}]/u.test(text)) throw new PermanentError("the DOCX document has no text", "cv_empty");
      if (text.length > limits.maxChars) throw new PermanentError(`the DOCX holds more than ${limits.maxChars} characters of text`, "cv_too_long");
      return { text, pages: null };
    },
  };
};
