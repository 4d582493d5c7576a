import { PermanentError } from "@job-agent/shared/errors";
import { z } from "zod";
import { MAX_CV_BYTES, sniffDocument } from "../offline/cv-sniff.js";
import { readCvText } from "../offline/cv-text.js";
import { defineNode, defineWorkflow } from "../pipeline.js";
import { CvText, ExtractedProfile } from "../schemas.js";

const ProfilingInput = z.object({ userId: z.string(), profileId: z.string() });

export const cvIngestion = defineNode({
  name: "CvIngestion",
  input: ProfilingInput,
  output: z.object({ cv: CvText }),
  run: async ({ userId, profileId }, { ports, call }) => {
    const source = await ports.documents.loadCv({ userId, profileId }, call);
    if (source.text !== null || !source.bytes) return { cv: readCvText(source) };
    const bytes = source.bytes;
    if (bytes.byteLength === 0) throw new PermanentError("the CV file is empty", "cv_empty");
    if (bytes.byteLength > MAX_CV_BYTES) {
      throw new PermanentError(`the CV file is ${bytes.byteLength} bytes; the limit is ${MAX_CV_BYTES}`, "cv_too_large");
    }
    // the bytes decide what the file is, never its name or declared type
    const kind = sniffDocument(bytes);
    if (kind === "pdf" || kind === "docx") {
      const { text } = await ports.cvParser.parse({ bytes, kind }, call);
      const cv = readCvText({ text, bytes: null, mediaType: "text/plain", filename: null });
      return { cv: { ...cv, format: kind } };
    }
    if (kind === "zip") throw new PermanentError("the CV is a ZIP archive but not a Word (.docx) document", "unsupported_format");
    if (kind === "binary") throw new PermanentError("the CV is neither PDF, DOCX nor UTF-8 text", "unsupported_format");
    const declared = source.mediaType.toLowerCase();
    const mediaType = declared.startsWith("text/") || declared.startsWith("application/json") ? source.mediaType : "text/plain";
    return { cv: readCvText({ ...source, mediaType }) };
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
