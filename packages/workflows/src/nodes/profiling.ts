import { z } from "zod";
import { readCvText } from "../offline/cv-text.js";
import { defineNode, defineWorkflow } from "../pipeline.js";
import { CvText, ExtractedProfile } from "../schemas.js";

const ProfilingInput = z.object({ userId: z.string(), profileId: z.string() });

export const cvIngestion = defineNode({
  name: "CvIngestion",
  input: ProfilingInput,
  output: z.object({ cv: CvText }),
  run: async ({ userId, profileId }, { ports, signal }) => {
    const source = await ports.documents.loadCv({ userId, profileId }, { signal });
    return { cv: readCvText(source) };
  },
});

export const profileExtraction = defineNode({
  name: "ProfileExtraction",
  input: z.object({ cv: CvText }),
  output: z.object({ profile: ExtractedProfile }),
  run: async ({ cv }, { ports, signal }) => ({
    profile: await ports.llm.extractProfile({ text: cv.text }, { signal }),
  }),
});

export const titleSuggestion = defineNode({
  name: "TitleSuggestion",
  input: z.object({ profile: ExtractedProfile }),
  output: z.object({ suggestedTitles: z.array(z.string().min(1)).min(3) }),
  run: async ({ profile }, { ports, signal }) => ({
    suggestedTitles: await ports.llm.suggestTitles({ profile }, { signal }),
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
