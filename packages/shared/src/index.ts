export { createLogger, type Logger, type LoggerOptions } from "./logger.js";
export { commonEnv, csv, intFromEnv, loadDotEnv, parseEnv } from "./env.js";
export { PermanentError, RetryableError, isPermanentError, toErrorInfo, type ErrorInfo } from "./errors.js";
export { postWebhook, signWebhook, type WebhookAttempt } from "./webhooks.js";
export { MEDIA_TYPES, detectDocumentType, type DocumentType } from "./documents.js";
export { UnsafeUrlError, checkUrlForm, safeFetch, type SafeFetchOptions, type SafeFetchResult } from "./safe-fetch.js";
