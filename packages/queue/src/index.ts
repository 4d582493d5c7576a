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
export { createWorkers, type Handler, type Handlers, type JobContext, type WorkerOptions, type Workers } from "./workers.js";
export { dispatchRuns, queueForKind, reconcilePending, type DispatchResult, type PendingItem, type ReconcileResult } from "./reconcile.js";
