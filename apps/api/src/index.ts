export { createApp } from "./app.js";
export type { AppDeps } from "./deps.js";
export { apiEnvSchema, loadApiEnv, type ApiEnv } from "./env.js";
