export * from "./schemas.js";
export type * from "./ports.js";
export {
  defineNode,
  defineWorkflow,
  executeWorkflow,
  nodeNames,
  type CheckpointStore,
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
