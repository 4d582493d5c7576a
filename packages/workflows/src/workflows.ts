import { jobSearchWorkflow } from "./nodes/job-search.js";
import { profilingWorkflow } from "./nodes/profiling.js";
import type { WorkflowDef, WorkflowKind } from "./pipeline.js";

export const workflows: Record<WorkflowKind, WorkflowDef> = {
  profiling: profilingWorkflow,
  job_search: jobSearchWorkflow,
};
