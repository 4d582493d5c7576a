import { Busboy, type BusboyInstance } from "@fastify/busboy";
import type { Request } from "express";
import { HttpProblem } from "./problem.js";

export interface UploadedFile {
  /** Position among the uploaded files, for error fields (`files.0`). */
  index: number;
  filename: string | null;
  bytes: Buffer;
}

export interface MultipartLimits {
  maxFiles: number;
  maxFileBytes: number;
  /** Largest text field (cvText is the big one). */
  maxFieldBytes: number;
}

export interface MultipartForm {
  fields: Record<string, string[]>;
  files: UploadedFile[];
}

/**
 * Reads a multipart form: files only in `files`, at most `maxFiles` of at
 * most `maxFileBytes` each (413 beyond), text fields as strings. A request
 * refused half-way is drained (up to a bound) so the client reads the answer.
 */
export const readMultipart = (req: Request, limits: MultipartLimits): Promise<MultipartForm> =>
  new Promise<MultipartForm>((resolve, reject) => {
    const hardCap = limits.maxFiles * limits.maxFileBytes + limits.maxFieldBytes * 2 + 1_000_000;
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > hardCap) {
      reject(
        new HttpProblem(413, "Content Too Large", `the upload is larger than ${hardCap} bytes`, [
          { field: "files", message: `at most ${limits.maxFiles} files of at most ${limits.maxFileBytes} bytes` },
        ], { Connection: "close" }),
      );
      return;
    }
    let bb: BusboyInstance;
    try {
      bb = new Busboy({
        headers: req.headers as { "content-type": string },
        limits: { files: limits.maxFiles, fileSize: limits.maxFileBytes, fieldSize: limits.maxFieldBytes, fields: 20, parts: limits.maxFiles + 20 },
      });
    } catch {
      reject(new HttpProblem(400, "Bad Request", "the multipart body is malformed", [{ field: "body", message: "malformed multipart/form-data" }]));
      return;
    }
    const fields: Record<string, string[]> = {};
    const files: UploadedFile[] = [];
    let failed = false;
    let received = 0;
    const fail = (p: HttpProblem) => {
      if (failed) return;
      failed = true;
      req.unpipe(bb);
      // Read and drop the rest, so the client gets the answer instead of a reset; give up past the cap.
      req.on("data", (c: Buffer) => {
        received += c.byteLength;
        if (received > hardCap) req.destroy();
      });
      req.resume();
      reject(p);
    };
    req.on("data", (c: Buffer) => {
      received += c.byteLength;
      if (received > hardCap) fail(new HttpProblem(413, "Content Too Large", `the upload is larger than ${hardCap} bytes`, [{ field: "files", message: "too large" }], { Connection: "close" }));
    });
    bb.on("file", (field, stream, filename) => {
      const index = files.length;
      if (field !== "files") {
        stream.resume();
        fail(new HttpProblem(400, "Bad Request", `files go in the 'files' field, not '${field}'`, [{ field: `body.${field}`, message: "unexpected file field" }]));
        return;
      }
      const chunks: Buffer[] = [];
      const slot: UploadedFile = { index, filename: filename || null, bytes: Buffer.alloc(0) };
      files.push(slot);
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("limit", () => {
        stream.resume();
        fail(
          new HttpProblem(413, "Content Too Large", `file ${index} is larger than ${limits.maxFileBytes} bytes`, [
            { field: `files.${index}`, message: `at most ${limits.maxFileBytes} bytes` },
          ], { Connection: "close" }),
        );
      });
      stream.on("end", () => {
        slot.bytes = Buffer.concat(chunks);
      });
    });
    bb.on("field", (name, value, _nameTruncated, valueTruncated) => {
      if (valueTruncated) {
        fail(new HttpProblem(413, "Content Too Large", `the field '${name}' is too long`, [{ field: `body.${name}`, message: `at most ${limits.maxFieldBytes} bytes` }]));
        return;
      }
      (fields[name] ??= []).push(value);
    });
    bb.on("filesLimit", () =>
      fail(new HttpProblem(413, "Content Too Large", `at most ${limits.maxFiles} files per request`, [{ field: "files", message: `at most ${limits.maxFiles} files` }], { Connection: "close" })),
    );
    bb.on("partsLimit", () => fail(new HttpProblem(413, "Content Too Large", "too many parts in the form", [{ field: "body", message: "too many parts" }])));
    bb.on("fieldsLimit", () => fail(new HttpProblem(413, "Content Too Large", "too many fields in the form", [{ field: "body", message: "too many fields" }])));
    bb.on("error", () => fail(new HttpProblem(400, "Bad Request", "the multipart body is malformed", [{ field: "body", message: "malformed multipart/form-data" }])));
    bb.on("finish", () => {
      if (!failed) resolve({ fields, files });
    });
    req.pipe(bb);
  });

const forms = new WeakMap<Request, Promise<MultipartForm>>();

/** The upload limits from the API settings. */
export const uploadLimits = (env: { UPLOAD_MAX_FILES: number; UPLOAD_MAX_FILE_BYTES: number }): MultipartLimits => ({
  maxFiles: env.UPLOAD_MAX_FILES,
  maxFileBytes: env.UPLOAD_MAX_FILE_BYTES,
  maxFieldBytes: 1_000_000,
});

/**
 * Reads a request's multipart form once: whoever asks first (the idempotency
 * check, which hashes the parts, or the route) reads the stream; later
 * callers get the same form.
 */
export const multipartOf = (req: Request, limits: MultipartLimits): Promise<MultipartForm> => {
  let form = forms.get(req);
  if (!form) {
    form = readMultipart(req, limits);
    forms.set(req, form);
  }
  return form;
};
