export {
  DeliveryJob,
  ExecutionJob,
  QUEUES,
  QUEUE_NAMES,
  RETENTION,
  catalog,
  priorityForPlan,
  type PayloadOf,
  type QueueName,
  type QueueSpec,
} from "./catalog.js";
export { queueEnv, type QueueConfig } from "./env.js";
export { createProducer, type EnqueueOptions, type JobState, type Producer, type ProducerOptions } from "./producer.js";
export {
  createWorkers,
  type FairnessOptions,
  type Handler,
  type Handlers,
  type JobContext,
  type WorkerHealth,
  type WorkerOptions,
  type Workers,
} from "./workers.js";
export { createSlots, type Slots, type SlotsOptions } from "./slots.js";
export {
  RateLimitedError,
  createProviderLimiter,
  parseProviderRateLimits,
  providerSaturation,
  type ProviderLimiter,
  type ProviderLimiterOptions,
  type ProviderRule,
} from "./provider-limits.js";
export {
  dispatchRuns,
  queueForKind,
  reconcilePending,
  reconcileStale,
  type DispatchResult,
  type PendingItem,
  type ReconcileResult,
  type StaleResult,
} from "./reconcile.js";
export { queueConditions, type QueueAlertThresholds, type QueueCondition } from "./monitor.js";
export { SCHEDULES_QUEUE, checkSchedule, createScheduleRunner, createScheduleSync, type ScheduleRunner, type ScheduleSpec, type ScheduleSync } from "./schedules.js";
export type { QueueSnapshot } from "./producer.js";
export { createRateLimiter, type RateLimitResult, type RateLimitRule, type RateLimiter, type RateLimiterOptions } from "./rate-limit.js";
export { createQueueBoard, type QueueBoard } from "./board.js";
