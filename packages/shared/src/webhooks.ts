import { createHmac, randomUUID } from "node:crypto";

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

/** Posts one signed webhook. Never throws: the outcome says what happened. */
export const postWebhook = async (input: {
  url: string;
  secret: string;
  webhookId?: string;
  body: unknown;
  timeoutMs?: number;
  now?: () => Date;
}): Promise<WebhookAttempt & { webhookId: string }> => {
  const webhookId = input.webhookId ?? `msg_${randomUUID()}`;
  const timestamp = Math.floor((input.now?.() ?? new Date()).getTime() / 1000);
  const body = JSON.stringify(input.body);
  const started = Date.now();
  try {
    const res = await fetch(input.url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(input.timeoutMs ?? 10_000),
      headers: {
        "content-type": "application/json",
        "user-agent": "job-agent-webhooks/1",
        "webhook-id": webhookId,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signWebhook(input.secret, webhookId, timestamp, body),
      },
      body,
    });
    await res.body?.cancel().catch(() => undefined);
    const ok = res.status >= 200 && res.status < 300;
    return { webhookId, ok, status: res.status, error: ok ? null : `receiver answered ${res.status}`, durationMs: Date.now() - started };
  } catch (err) {
    return { webhookId, ok: false, status: null, error: err instanceof Error ? err.message : String(err), durationMs: Date.now() - started };
  }
};
