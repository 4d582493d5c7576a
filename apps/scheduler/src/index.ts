export { reconcileDeliveriesOnce, reconcileOnce, reconcileStaleOnce } from "./reconciler.js";
export { fireSchedule, syncSchedules } from "./schedules.js";
export { monitorOnce, type MonitorDeps } from "./monitor.js";
export { loadSchedulerEnv, schedulerEnvSchema, type SchedulerEnv } from "./env.js";
