import { PermanentError, isPermanentError } from "@job-agent/shared/errors";
import { z } from "zod";
import { MAX_CV_BYTES, sniffDocument } from "../offline/cv-sniff.js";
import { readCvText } from "../offline/cv-text.js";
import { defineNode, defineWorkflow, type NodeContext } from "../pipeline.js";
import type { CvSource } from "../ports.js";
import { CvText, ExtractedProfile } from "../schemas.js";

const ProfilingInput = z.object({ userId: z.string(), profileId: z.string() });

/** One document to text: the bytes decide what it is, never its name or declared type. */
const readOne = async (source: CvSource, { ports, call }: Pick<NodeContext, "ports" | "call">): Promise<CvText> => {
  if (source.text !== null || !source.bytes) return readCvText(source);
  const bytes = source.bytes;
  if (bytes.byteLength === 0) throw new PermanentError("the CV file is empty", "cv_empty");
  if (bytes.byteLength > MAX_CV_BYTES) {
    throw new PermanentError(`the CV file is ${bytes.byteLength} bytes; the limit is ${MAX_CV_BYTES}`, "cv_too_large");
  }
  const kind = sniffDocument(bytes);
  if (kind === "pdf" || kind === "docx") {
    const { text } = await ports.cvParser.parse({ bytes, kind }, call);
    const cv = readCvText({ text, bytes: null, mediaType: "text/plain", filename: null });
    return { ...cv, format: kind };
  }
  if (kind === "zip") throw new PermanentError("the CV is a ZIP archive but not a Word (.docx) document", "unsupported_format");
  if (kind === "binary") throw new PermanentError("the CV is neither PDF, DOCX nor UTF-8 text", "unsupported_format");
  const declared = source.mediaType.toLowerCase();
  const mediaType = declared.startsWith("text/") || declared.startsWith("application/json") ? source.mediaType : "text/plain";
  return readCvText({ ...source, mediaType });
};

export const cvIngestion = defineNode({
  name: "CvIngestion",
  input: ProfilingInput,
  output: z.object({ cv: CvText }),
  run: async ({ userId, profileId }, ctx) => {
    const sources = await ctx.ports.documents.loadCvs({ userId, profileId }, ctx.call);
    if (sources.length === 0) throw new PermanentError(`profile ${profileId} has no CV`, "cv_missing");
    if (sources.length === 1) return { cv: await readOne(sources[0]!, ctx) };
    // Several documents (e.g. a CV and a portfolio page): read each, keep the readable ones,
    // fail only when none is; a retryable failure (a URL that did not answer) retries the node.
    const parts: NonNullable<CvText["parts"]> = [];
    const texts: CvText[] = [];
    let firstError: unknown = null;
    for (const source of sources) {
      try {
        const cv = await readOne(source, ctx);
        texts.push(cv);
        parts.push({ filename: source.filename, format: cv.format, chars: cv.chars });
      } catch (err) {
        if (!isPermanentError(err)) throw err;
        firstError ??= err;
        parts.push({ filename: source.filename, format: null, chars: 0, error: err instanceof Error ? err.message : String(err) });
      }
    }
    if (texts.length === 0) throw firstError;
    const text = texts.map((t) => t.text).join("\n\n");
    return { cv: { text, format: texts[0]!.format, chars: text.length, parts } };
  },
});

export const profileExtraction = defineNode({
  name: "ProfileExtraction",
  input: z.object({ cv: CvText }),
  output: z.object({ profile: ExtractedProfile }),
  run: async ({ cv }, { ports, call }) => ({
    profile: await ports.llm.extractProfile({ text: cv.text }, call),
  }),
});

export const titleSuggestion = defineNode({
  name: "TitleSuggestion",
  input: z.object({ profile: ExtractedProfile }),
  output: z.object({ suggestedTitles: z.array(z.string().min(1)).min(3) }),
  run: async ({ profile }, { ports, call }) => ({
    suggestedTitles: await ports.llm.suggestTitles({ profile }, call),
  }),
});

export const profilingWorkflow = defineWorkflow({
  kind: "profiling",
  nodes: [cvIngestion, profileExtraction, titleSuggestion],
  initialState: ({ runId, userId, runInput }) => ({ runId, userId, ...(runInput as Record<string, unknown>) }),
  result: (state) => ({
    profile: state.profile,
    suggestedTitles: state.suggestedTitles,
  }),
});
