export { createDb, pingDb, type Db, type DbOptions } from "./client.js";
export { dbEnv, dbEnvSchema, readDbEnv, type DbEnv } from "./env.js";
export {
  authenticateKey,
  createAuthenticator,
  type Authenticator,
  createApiKey,
  getApiKey,
  hashKey,
  listApiKeys,
  revokeApiKeys,
  rotateWebhookSecret,
  type ApiKeyView,
  type AuthenticatedUser,
  type CreatedKey,
} from "./repositories/keys.js";
export {
  RunLimitError,
  cancelRun,
  retryRun,
  type CancelOutcome,
  type ExecutionView,
  type RetryOutcome,
  createProfileWithRun,
  createRuns,
  getRunStatus,
  decodeCursor,
  getRunView,
  listMatches,
  listRuns,
  type CreatedRun,
  type NewCvDocument,
  type RunLimits,
  type MatchView,
  type NewProfile,
  type NewRun,
  type NodeView,
  type PendingExecution,
  type RunListItem,
  type RunView,
} from "./repositories/runs.js";
export { getProfileView, type ProfileView } from "./repositories/profiles.js";
export {
  claimIdempotencyKey,
  completeIdempotencyKey,
  releaseIdempotencyKey,
  type IdempotencyClaim,
  type IdempotencyOptions,
  type IdempotencyRequest,
} from "./repositories/idempotency.js";
export { createCheckpointStore, failExecution } from "./repositories/checkpoints.js";
export { createDocumentPort, createProfileStore, createResultStore } from "./repositories/workflow-ports.js";
export {
  ENDPOINT_GONE,
  endpointDisabledAt,
  getRunForDelivery,
  listDeliveries,
  listUndeliveredFinishedRuns,
  recordDelivery,
  type DeliveryView,
  type NewDelivery,
  type RunForDelivery,
} from "./repositories/deliveries.js";
export { RUN_EVENTS_CHANNEL, listRunEvents, notifyRunEvent, type RunEvent, type RunEventData, type RunEventType } from "./repositories/events.js";
export { createRunEventListener, type RunEventHub, type RunEventListenerOptions, type RunEventSubscriber } from "./listener.js";
export type { Plan, RunKind, Status, ProfileStatus } from "../generated/prisma/enums.js";
export { getSchedule, listSchedules, startScheduledSearches, upsertSchedule, type ScheduleView } from "./repositories/schedules.js";
export { createAlertStore, type AlertRecord } from "./repositories/alerts.js";
export { countRunsSince, getFailureContext, listPendingExecutions, listStaleRunning, nodeStatsSince, type NodeStat } from "./repositories/executions.js";
