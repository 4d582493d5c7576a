export { reconcileOnce } from "./reconciler.js";
export { loadSchedulerEnv, schedulerEnvSchema, type SchedulerEnv } from "./env.js";
