export { createHandlers, type HandlerDeps } from "./handlers.js";
export { buildPorts } from "./ports.js";
export { loadWorkerEnv, workerEnvSchema, type WorkerEnv } from "./env.js";
export { onJobFailedForGood } from "./failures.js";
export { executionLimits, userFairness } from "./durability.js";
export { durabilityEnv } from "./durability-env.js";
export { startHealthServer, type HealthChecks } from "./health.js";
