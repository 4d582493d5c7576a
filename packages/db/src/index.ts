export { createDb, pingDb, type Db, type DbOptions } from "./client.js";
export { dbEnv, dbEnvSchema, readDbEnv, type DbEnv } from "./env.js";
export { authenticateKey, createApiKey, hashKey, type AuthenticatedUser, type CreatedKey } from "./repositories/keys.js";
export {
  createProfileWithRun,
  createRuns,
  decodeCursor,
  getRunView,
  listMatches,
  listPendingExecutions,
  listRuns,
  type CreatedRun,
  type MatchView,
  type NewProfile,
  type NewRun,
  type NodeView,
  type PendingExecution,
  type RunListItem,
  type RunView,
} from "./repositories/runs.js";
export { getProfileView, type ProfileView } from "./repositories/profiles.js";
export { createCheckpointStore, failExecution } from "./repositories/checkpoints.js";
export { createDocumentPort, createProfileStore, createResultStore } from "./repositories/workflow-ports.js";
export { getRunForDelivery, recordDelivery, type RunForDelivery } from "./repositories/deliveries.js";
export { RUN_EVENTS_CHANNEL, listRunEvents, type RunEvent, type RunEventData, type RunEventType } from "./repositories/events.js";
export type { Plan, RunKind, Status, ProfileStatus } from "../generated/prisma/enums.js";
