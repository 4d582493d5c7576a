export { createApp } from "./app.js";
export { defaultAppEnv, type AppDeps, type AppEnv } from "./deps.js";
export { ROUTES, buildOpenApi, type RouteDoc } from "./openapi.js";
export { apiEnvSchema, loadApiEnv, type ApiEnv } from "./env.js";
