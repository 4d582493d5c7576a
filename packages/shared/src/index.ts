export { createLogger, type Logger, type LoggerOptions } from "./logger.js";
export { commonEnv, csv, intFromEnv, loadDotEnv, parseEnv } from "./env.js";
export { PermanentError, RetryableError, isPermanentError, toErrorInfo, type ErrorInfo } from "./errors.js";
export {
  WEBHOOK_RETRY,
  postWebhook,
  signWebhook,
  webhookRetryDelayMs,
  type WebhookAttempt,
  type WebhookOutbound,
  type WebhookRetryPolicy,
} from "./webhooks.js";
export {
  DEFAULT_DOCUMENT_LIMITS,
  MEDIA_TYPES,
  detectDocumentType,
  estimatePdfPages,
  inspectDocument,
  type DocumentInspection,
  type DocumentLimits,
  type DocumentType,
} from "./documents.js";
export {
  UnsafeUrlError,
  checkPublicUrl,
  checkUrlForm,
  isPublicAddress,
  outboundEnv,
  outboundOptions,
  safeFetch,
  type ResolvedAddress,
  type Resolver,
  type SafeFetchOptions,
  type SafeFetchResult,
} from "./safe-fetch.js";
export {
  flushSentry,
  initSentry,
  reportError,
  reportJobFailure,
  reportMessage,
  sentryEnabled,
  sentryErrorMiddleware,
  type JobFailure,
  type SentryOptions,
} from "./sentry.js";
export {
  evaluateAlerts,
  memoryAlertStore,
  resilientAlertStore,
  slackNotifier,
  type AlertCondition,
  type AlertNotice,
  type AlertNotifier,
  type AlertRecord,
  type AlertStore,
} from "./alerts.js";
export { sleep } from "./sleep.js";
export { createBatcher, type Batcher, type BatcherOptions } from "./batch.js";
