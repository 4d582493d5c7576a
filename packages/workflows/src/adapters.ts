import { createNullLlm, createNullSource } from "./null/index.js";
import { createCorpusSource, createOfflineLlm } from "./offline/index.js";
import type { Clock, JobSource, LlmPort } from "./ports.js";

export type AdapterSet = "offline" | "null";

/** The language and job-source adapters for a WORKFLOW_ADAPTERS setting. */
export const createAdapters = (set: AdapterSet, deps: { clock: Clock }): { llm: LlmPort; sources: JobSource[] } =>
  set === "null"
    ? { llm: createNullLlm(), sources: [createNullSource()] }
    : { llm: createOfflineLlm(deps), sources: [createCorpusSource()] };
