export * from "./schemas.js";
export type * from "./ports.js";
export {
  DEFAULT_CANCEL_POLL_MS,
  DEFAULT_NODE_TIMEOUT_MS,
  DEFAULT_RUN_TIMEOUT_MS,
  NodeTimeoutError,
  RunCancelledError,
  RunTimeoutError,
  StaleAttemptError,
  defineNode,
  defineWorkflow,
  executeWorkflow,
  isDeferral,
  isStaleAttempt,
  nodeNames,
  type CheckpointStore,
  type CompletedNode,
  type ExecutionClaim,
  type ExecutionLimits,
  type ExecuteOptions,
  type ExecuteOutcome,
  type ExecutionSnapshot,
  type NodeContext,
  type NodeDef,
  type WorkflowDef,
  type WorkflowKind,
} from "./pipeline.js";
export { workflows } from "./workflows.js";
export { createNullLlm, createNullSource } from "./null/index.js";
export { createOfflineLlm, createCorpusSource, generateCorpus } from "./offline/index.js";
export { createAdapters, type AdapterSet } from "./adapters.js";
export { canonicalUrl, dedupKey, dedupePostings, normaliseCompany, normaliseTitle, postingIdentities } from "./dedup.js";
export { isGrounded, numbersIn, organisationsIn, ungrounded, type GroundingReport } from "./grounding.js";
export { MAX_CV_BYTES, sniffDocument, type SniffedKind } from "./offline/cv-sniff.js";
export { MAX_CV_CHARS, normaliseText } from "./offline/cv-text.js";
export { DEFAULT_SOURCE_TIMEOUT_MS } from "./nodes/job-search.js";
export {
  extractProfile as extractProfileOffline,
  researchCompany as researchCompanyOffline,
  scorePostings as scorePostingsOffline,
  suggestTitles as suggestTitlesOffline,
  writeMaterials as writeMaterialsOffline,
} from "./offline/index.js";
export { createUnavailableCvParser } from "./null/index.js";
