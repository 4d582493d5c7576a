/**
 * Domain errors say whether trying again can help. The queue layer maps a
 * PermanentError to "fail now, no retry" and anything else to backoff.
 */
export class RetryableError extends Error {
  readonly retryable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RetryableError";
  }
}

export class PermanentError extends Error {
  readonly retryable = false;
  /** A stable machine-readable code, e.g. `cv_unreadable`. */
  readonly code: string;
  constructor(message: string, code = "permanent_error", options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentError";
    this.code = code;
  }
}

export const isPermanentError = (err: unknown): boolean =>
  err instanceof PermanentError ||
  (typeof err === "object" && err !== null && (err as { retryable?: unknown }).retryable === false);

export interface ErrorInfo {
  name: string;
  message: string;
  code?: string;
  permanent: boolean;
}

/** A JSON-safe description of an error, without stack traces. */
export const toErrorInfo = (err: unknown): ErrorInfo => {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return {
      name: err.name,
      message: err.message.slice(0, 2_000),
      ...(typeof code === "string" ? { code } : {}),
      permanent: isPermanentError(err),
    };
  }
  return { name: "Error", message: String(err).slice(0, 2_000), permanent: false };
};
