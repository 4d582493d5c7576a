export { createLogger, type Logger, type LoggerOptions } from "./logger.js";
export { commonEnv, csv, intFromEnv, loadDotEnv, parseEnv } from "./env.js";
export { PermanentError, RetryableError, isPermanentError, toErrorInfo, type ErrorInfo } from "./errors.js";
export { postWebhook, signWebhook, type WebhookAttempt } from "./webhooks.js";
