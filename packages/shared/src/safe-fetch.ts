/**
 * Outbound HTTP for URLs that users give us (cvUrls, webhookUrl).
 *
 * The contract every caller relies on: the URL must be http(s) (https only
 * when `httpsOnly`), must resolve only to public addresses unless its host is
 * listed in `allowPrivateHosts`, redirects are followed at most
 * `maxRedirects` times and each hop is checked again, the whole exchange
 * is bounded by `timeoutMs` and the body by `maxBytes`. A refusal is an
 * `UnsafeUrlError` (permanent: retrying cannot help).
 */
import { PermanentError } from "./errors.js";

export interface SafeFetchOptions {
  /** Hosts or CIDRs that may be reached although private (OUTBOUND_ALLOW_PRIVATE_HOSTS). */
  allowPrivateHosts: string[];
  httpsOnly: boolean;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface SafeFetchResult {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
  finalUrl: string;
}

export class UnsafeUrlError extends PermanentError {
  constructor(message: string) {
    super(message, "unsafe_url");
    this.name = "UnsafeUrlError";
  }
}

/** Checks a URL's form (scheme, no credentials) before anything is fetched. */
export const checkUrlForm = (raw: string, opts: Pick<SafeFetchOptions, "httpsOnly">): URL => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError("not a valid URL");
  }
  if (url.protocol !== "https:" && (opts.httpsOnly || url.protocol !== "http:")) {
    throw new UnsafeUrlError(opts.httpsOnly ? "only https URLs are allowed" : "only http and https URLs are allowed");
  }
  if (url.username || url.password) throw new UnsafeUrlError("URLs with credentials are not allowed");
  return url;
};

/** Fetches a user-supplied URL within the limits above. */
export const safeFetch = async (raw: string, opts: SafeFetchOptions): Promise<SafeFetchResult> => {
  const url = checkUrlForm(raw, opts);
  const res = await fetch(url, {
    method: opts.method ?? "GET",
    headers: opts.headers,
    body: opts.body,
    redirect: "manual",
    signal: opts.signal ? AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs ?? 10_000)]) : AbortSignal.timeout(opts.timeoutMs ?? 10_000),
  });
  const max = opts.maxBytes ?? 10_000_000;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += (chunk as Uint8Array).byteLength;
    if (size > max) throw new UnsafeUrlError(`the response is larger than ${max} bytes`);
    chunks.push(chunk as Uint8Array);
  }
  return { status: res.status, headers: Object.fromEntries(res.headers), body: Buffer.concat(chunks), finalUrl: url.toString() };
};
