import { createHmac, randomUUID } from "node:crypto";
import { safeFetch, type SafeFetchOptions } from "./safe-fetch.js";

/**
 * Standard Webhooks signing: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`
 * with the secret's base64 part (after `whsec_`) as the key.
 */
export const signWebhook = (secret: string, id: string, timestamp: number, body: string): string => {
  const key = Buffer.from(secret.startsWith("whsec_") ? secret.slice(6) : secret, "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
};

export interface WebhookAttempt {
  ok: boolean;
  status: number | null;
  error: string | null;
  durationMs: number;
}

/** Where webhooks may go: the same rules as every user-supplied URL (see safe-fetch). */
export type WebhookOutbound = Pick<SafeFetchOptions, "allowPrivateHosts" | "httpsOnly" | "resolve">;

/**
 * Posts one signed webhook through safeFetch (public addresses only, no
 * redirects followed, bounded time and answer). Never throws: the outcome
 * says what happened.
 */
export const postWebhook = async (input: {
  url: string;
  secret: string;
  webhookId?: string;
  body: unknown;
  timeoutMs?: number;
  now?: () => Date;
  /** Defaults to public https/http addresses only, no private host allowed. */
  outbound?: WebhookOutbound;
}): Promise<WebhookAttempt & { webhookId: string }> => {
  const webhookId = input.webhookId ?? `msg_${randomUUID()}`;
  const timestamp = Math.floor((input.now?.() ?? new Date()).getTime() / 1000);
  const body = JSON.stringify(input.body);
  const started = Date.now();
  try {
    const res = await safeFetch(input.url, {
      allowPrivateHosts: input.outbound?.allowPrivateHosts ?? [],
      httpsOnly: input.outbound?.httpsOnly ?? false,
      ...(input.outbound?.resolve ? { resolve: input.outbound.resolve } : {}),
      method: "POST",
      maxRedirects: 0,
      maxBytes: 64_000,
      timeoutMs: input.timeoutMs ?? 10_000,
      headers: {
        "content-type": "application/json",
        "user-agent": "job-agent-webhooks/1",
        "webhook-id": webhookId,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signWebhook(input.secret, webhookId, timestamp, body),
      },
      body,
    });
    const ok = res.status >= 200 && res.status < 300;
    return { webhookId, ok, status: res.status, error: ok ? null : `receiver answered ${res.status}`, durationMs: Date.now() - started };
  } catch (err) {
    return { webhookId, ok: false, status: null, error: err instanceof Error ? err.message : String(err), durationMs: Date.now() - started };
  }
};

/** How webhook deliveries are retried: exponential backoff with jitter. */
export interface WebhookRetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Delay before the second attempt, ms; each later delay doubles. */
  baseDelayMs: number;
  /** 0–1: the share of each delay that is random, so many retries spread out. */
  jitter: number;
}

/** About a day: 45 s · 2^n between 12 attempts sums to 19–26 hours. */
export const WEBHOOK_RETRY: WebhookRetryPolicy = { attempts: 12, baseDelayMs: 45_000, jitter: 0.5 };

/** The wait before attempt `next` (2 = the first retry). */
export const webhookRetryDelayMs = (next: number, policy: WebhookRetryPolicy, random: () => number = Math.random): number => {
  const full = policy.baseDelayMs * 2 ** Math.max(0, next - 2);
  return Math.round(full * (1 - policy.jitter * random()));
};
