import { createHash } from "node:crypto";
import { RunLimitError, createProfileWithRun, getProfileView, type NewCvDocument } from "@job-agent/db";
import { dispatchRuns, priorityForPlan } from "@job-agent/queue";
import { MEDIA_TYPES, detectDocumentType, inspectDocument } from "@job-agent/shared";
import { Router, type Request } from "express";
import type { AppDeps } from "../deps.js";
import { checkOutboundUrls, currentUser, parse, pathId, route, runLinks } from "../http.js";
import { HttpProblem, notFound } from "../problem.js";
import { CreateProfileBody, CreateProfileForm } from "../schemas.js";
import { multipartOf, uploadLimits, type UploadedFile } from "../uploads.js";

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const utf8 = new TextDecoder("utf-8");

export const runLimitProblem = (err: RunLimitError) =>
  new HttpProblem(409, "Conflict", `${err.message}; wait for some to finish`, [{ field: "runs", message: `at most ${err.limit} unfinished runs` }]);

export const profilesRouter = ({ db, producer, log, env, resolve }: AppDeps): Router => {
  const r = Router();

  /** The form of a multipart request, as the JSON body would be (repeated fields become lists). */
  const formBody = (fields: Record<string, string[]>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) out[k] = k === "cvUrls" ? v : v.length === 1 ? v[0] : v;
    return out;
  };

  /** Type from the bytes (415 otherwise), then the pre-parse limits (422). */
  const documentOf = (f: UploadedFile): NewCvDocument => {
    const field = `files.${f.index}`;
    if (f.bytes.byteLength === 0) throw new HttpProblem(400, "Bad Request", `file ${f.index} is empty`, [{ field, message: "empty file" }]);
    const type = detectDocumentType(f.bytes);
    if (!type) {
      throw new HttpProblem(415, "Unsupported Media Type", `file ${f.index} is not a PDF, DOCX, text or Markdown document`, [
        { field, message: "only PDF, DOCX, TXT and Markdown (or JSON Resume) are accepted" },
      ]);
    }
    const inspection = inspectDocument(f.bytes, type, { docxMaxUncompressedBytes: env.DOCX_MAX_UNCOMPRESSED_BYTES, pdfMaxPages: env.PDF_MAX_PAGES });
    if (!inspection.ok) throw new HttpProblem(422, "Unprocessable Content", `file ${f.index} is refused: ${inspection.reason}`, [{ field, message: inspection.reason }]);
    const isText = type === "text" || type === "markdown" || type === "json";
    return {
      text: isText ? utf8.decode(f.bytes) : null,
      bytes: f.bytes,
      mediaType: MEDIA_TYPES[type],
      filename: f.filename?.slice(0, 255) ?? null,
      sha256: sha256(f.bytes),
      sizeBytes: f.bytes.byteLength,
    };
  };

  const readInput = async (req: Request) => {
    if (req.is("multipart/form-data")) {
      const form = await multipartOf(req, uploadLimits(env));
      const body = parse(CreateProfileForm, formBody(form.fields), "body");
      if (form.files.length === 0 && body.cvText === undefined && body.cvUrls === undefined) {
        throw new HttpProblem(400, "Bad Request", "the request is invalid", [{ field: "files", message: "send files, cvText or cvUrls" }]);
      }
      return { body, files: form.files };
    }
    if (req.headers["content-type"] !== undefined && !req.is("application/json")) {
      throw new HttpProblem(415, "Unsupported Media Type", "send application/json or multipart/form-data", [{ field: "body", message: "unsupported content type" }]);
    }
    return { body: parse(CreateProfileBody, req.body, "body"), files: [] as UploadedFile[] };
  };

  r.post(
    "/v1/profiles",
    route(async (req, res) => {
      const user = currentUser(res);
      const { body, files } = await readInput(req);
      const documents = files.map(documentOf);
      await checkOutboundUrls(
        env,
        [
          ...(body.cvUrls ?? []).map((url, i) => ({ field: `body.cvUrls.${i}`, url })),
          ...(body.webhookUrl ? [{ field: "body.webhookUrl", url: body.webhookUrl }] : []),
        ],
        resolve,
      );
      if (body.cvText !== undefined) {
        const bytes = Buffer.from(body.cvText, "utf8");
        documents.push({ text: body.cvText, bytes: null, mediaType: "text/plain", filename: null, sha256: sha256(bytes), sizeBytes: bytes.byteLength });
      }
      for (const url of body.cvUrls ?? []) {
        // Fetched by the worker (CvIngestion); nothing is known of it yet.
        documents.push({ text: null, bytes: null, mediaType: "application/octet-stream", filename: null, sourceUrl: url, sha256: sha256(new Uint8Array()), sizeBytes: 0 });
      }
      let created;
      try {
        created = await createProfileWithRun(
          db,
          user.id,
          {
            name: body.name ?? null,
            email: body.email ?? null,
            location: body.location ?? null,
            webhookUrl: body.webhookUrl ?? null,
            priority: priorityForPlan(user.plan),
            documents,
          },
          { maxUnfinished: user.plan === "premium" ? env.MAX_UNFINISHED_RUNS_PREMIUM : env.MAX_UNFINISHED_RUNS_FREE },
        );
      } catch (err) {
        if (err instanceof RunLimitError) throw runLimitProblem(err);
        throw err;
      }
      await dispatchRuns(producer, [created], (err) =>
        log.warn("enqueue deferred to the reconciler", { runId: created.runId, error: err instanceof Error ? err.message : String(err) }),
      );
      const links = runLinks(req, env.PUBLIC_BASE_URL, created.runId);
      res.status(202).location(links.statusUrl).json({ runId: created.runId, profileId: created.profileId, status: "pending", ...links });
    }),
  );

  r.get(
    "/v1/profiles/:id",
    route(async (req, res) => {
      const view = await getProfileView(db, currentUser(res).id, pathId(req, "profile"));
      if (!view) throw notFound("profile");
      res.json(view);
    }),
  );

  return r;
};
