/**
 * Outbound HTTP for URLs that users give us (cvUrls, webhookUrl).
 *
 * The contract every caller relies on: the URL must be http(s) (https only
 * when `httpsOnly`), must resolve only to public addresses unless its host is
 * listed in `allowPrivateHosts`, redirects are followed at most
 * `maxRedirects` times and each hop is checked again, the whole exchange
 * is bounded by `timeoutMs` and the body by `maxBytes`. A refusal is an
 * `UnsafeUrlError` (permanent: retrying cannot help).
 *
 * The address check is made on the address actually connected to: the host
 * is resolved here, every address it resolves to is checked, and the socket
 * is opened to that checked address (TLS still verifies the certificate
 * against the host name). A DNS answer that changes between the check and the
 * connection (DNS rebinding) therefore cannot reach a private address.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP } from "node:net";
import { z } from "zod";
import { csv } from "./env.js";
import { PermanentError } from "./errors.js";

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (defaults to the system resolver). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface SafeFetchOptions {
  /**
   * Hosts or CIDRs that may be reached although private (OUTBOUND_ALLOW_PRIVATE_HOSTS).
   * A host entry (`localhost`, `10.0.0.5`) matches the URL's host exactly; a CIDR
   * entry (`10.0.0.0/8`, `fd00::/8`) matches the address connected to.
   */
  allowPrivateHosts: string[];
  httpsOnly: boolean;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** Replaces the system resolver (tests, or a resolver of the operator's choice). */
  resolve?: Resolver;
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

/** Addresses that are never public: loopback, private, link-local, metadata, documentation, multicast, reserved. */
const NON_PUBLIC = (() => {
  const b = new BlockList();
  const v4: [string, number][] = [
    ["0.0.0.0", 8], // "this network"; 0.0.0.0 reaches the local host
    ["10.0.0.0", 8],
    ["100.64.0.0", 10], // carrier-grade NAT
    ["127.0.0.0", 8],
    ["169.254.0.0", 16], // link-local, including the 169.254.169.254 metadata service
    ["172.16.0.0", 12],
    ["192.0.0.0", 24],
    ["192.0.2.0", 24],
    ["192.88.99.0", 24],
    ["192.168.0.0", 16],
    ["198.18.0.0", 15],
    ["198.51.100.0", 24],
    ["203.0.113.0", 24],
    ["224.0.0.0", 4], // multicast
    ["240.0.0.0", 4], // reserved, and 255.255.255.255
  ];
  for (const [net, prefix] of v4) b.addSubnet(net, prefix, "ipv4");
  const v6: [string, number][] = [
    ["::", 128],
    ["::1", 128],
    ["::", 96], // IPv4-compatible (deprecated)
    ["100::", 64], // discard
    ["2001::", 23], // IETF protocol assignments, including Teredo
    ["2001:db8::", 32], // documentation
    ["fc00::", 7], // unique local
    ["fe80::", 10], // link-local
    ["fec0::", 10], // site-local (deprecated)
    ["ff00::", 8], // multicast
  ];
  for (const [net, prefix] of v6) b.addSubnet(net, prefix, "ipv6");
  return b;
})();

const parseV6 = (addr: string): number[] | null => {
  // Expands an IPv6 address (with an optional dotted IPv4 tail) into eight 16-bit groups.
  let s = addr.toLowerCase();
  const pct = s.indexOf("%");
  if (pct >= 0) s = s.slice(0, pct);
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const parts = dotted[1]!.split(".").map(Number);
    s = `${s.slice(0, dotted.index)}${((parts[0]! << 8) | parts[1]!).toString(16)}:${((parts[2]! << 8) | parts[3]!).toString(16)}`;
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...Array<string>(fill).fill("0"), ...tail].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
};

const v4FromGroups = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

/** The IPv4 address an IPv6 address carries (IPv4-mapped, NAT64, 6to4), if any. */
const embeddedV4 = (addr: string): string | null => {
  const g = parseV6(addr);
  if (!g) return null;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return v4FromGroups(g[6]!, g[7]!); // ::ffff:a.b.c.d
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4FromGroups(g[6]!, g[7]!); // 64:ff9b::a.b.c.d
  if (g[0] === 0x2002) return v4FromGroups(g[1]!, g[2]!); // 6to4
  return null;
};

/** True when an IP address may be reached from the internet (not loopback, private, link-local, …). */
export const isPublicAddress = (address: string): boolean => {
  const ip = address.replace(/^\[|\]$/g, "");
  const family = isIP(ip);
  if (family === 4) return !NON_PUBLIC.check(ip, "ipv4");
  if (family === 6) {
    const v4 = embeddedV4(ip);
    if (v4 !== null) return isPublicAddress(v4);
    return !NON_PUBLIC.check(ip, "ipv6");
  }
  return false;
};

interface AllowList {
  hosts: Set<string>;
  nets: BlockList;
}

const allowLists = new Map<string, AllowList>();

const parseAllowList = (entries: string[]): AllowList => {
  const cacheKey = entries.join(",");
  const cached = allowLists.get(cacheKey);
  if (cached) return cached;
  const list: AllowList = { hosts: new Set(), nets: new BlockList() };
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    const slash = entry.indexOf("/");
    if (slash > 0) {
      const net = entry.slice(0, slash).replace(/^\[|\]$/g, "");
      const prefix = Number(entry.slice(slash + 1));
      const family = isIP(net);
      if (family && Number.isInteger(prefix)) list.nets.addSubnet(net, prefix, family === 4 ? "ipv4" : "ipv6");
      continue;
    }
    list.hosts.add(entry.replace(/^\[|\]$/g, ""));
  }
  allowLists.set(cacheKey, list);
  return list;
};

const bareHost = (url: URL) => url.hostname.replace(/^\[|\]$/g, "").toLowerCase();

const allowedPrivate = (list: AllowList, host: string, address: string): boolean => {
  if (list.hosts.has(host)) return true;
  const family = isIP(address);
  return family !== 0 && list.nets.check(address, family === 4 ? "ipv4" : "ipv6");
};

/** Checks a URL's form (scheme, no credentials) before anything is fetched. */
export const checkUrlForm = (raw: string, opts: Pick<SafeFetchOptions, "httpsOnly">): URL => {
  let url: URL;
  try {
    // The WHATWG parser turns every IPv4 spelling (decimal, octal, hex, short) into dotted form.
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError("not a valid URL");
  }
  if (url.protocol !== "https:" && (opts.httpsOnly || url.protocol !== "http:")) {
    throw new UnsafeUrlError(opts.httpsOnly ? "only https URLs are allowed" : "only http and https URLs are allowed");
  }
  if (url.username || url.password) throw new UnsafeUrlError("URLs with credentials are not allowed");
  if (!url.hostname) throw new UnsafeUrlError("the URL has no host");
  return url;
};

const systemResolver: Resolver = async (hostname) => {
  const all = await dnsLookup(hostname, { all: true, verbatim: true });
  return all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/**
 * Resolves the URL's host and checks every address it has; returns the one to
 * connect to. Refuses when any address is not public (unless allowed), so a
 * host cannot hide a private address behind a public one.
 */
const resolveChecked = async (url: URL, opts: Pick<SafeFetchOptions, "allowPrivateHosts" | "resolve">): Promise<ResolvedAddress> => {
  const host = bareHost(url);
  const allow = parseAllowList(opts.allowPrivateHosts);
  const literal = isIP(host);
  let addresses: ResolvedAddress[];
  if (literal) addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  else if (host === "localhost" || host.endsWith(".localhost")) {
    // Loopback by definition (RFC 6761), whatever a resolver says.
    addresses = [{ address: "127.0.0.1", family: 4 }];
  } else {
    try {
      addresses = await (opts.resolve ?? systemResolver)(host);
    } catch {
      throw new UnsafeUrlError(`the host ${host} does not resolve`);
    }
    if (addresses.length === 0) throw new UnsafeUrlError(`the host ${host} does not resolve`);
  }
  for (const a of addresses) {
    if (!isPublicAddress(a.address) && !allowedPrivate(allow, host, a.address)) {
      throw new UnsafeUrlError(literal ? `the address ${host} is not public` : `the host ${host} resolves to a non-public address`);
    }
  }
  return addresses[0]!;
};

/**
 * Checks a URL as safeFetch would before connecting (form, scheme, resolved
 * addresses): what the API runs on `cvUrls` and `webhookUrl` at submit time.
 * The check is repeated on every fetch, on the address actually connected to.
 */
export const checkPublicUrl = async (
  raw: string,
  opts: Pick<SafeFetchOptions, "allowPrivateHosts" | "httpsOnly" | "resolve">,
): Promise<URL> => {
  const url = checkUrlForm(raw, opts);
  await resolveChecked(url, opts);
  return url;
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

interface Hop {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

const flattenHeaders = (h: http.IncomingHttpHeaders): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
};

const requestOnce = (
  url: URL,
  target: ResolvedAddress,
  init: { method: string; headers: Record<string, string>; body?: string; maxBytes: number; signal: AbortSignal; readBody: boolean },
): Promise<Hop> =>
  new Promise<Hop>((resolve, reject) => {
    const isHttps = url.protocol === "https:";
    const host = bareHost(url);
    const headers: Record<string, string> = { "user-agent": "job-agent/1", accept: "*/*", ...init.headers, host: url.host };
    if (init.body !== undefined) headers["content-length"] = String(Buffer.byteLength(init.body));
    const options: https.RequestOptions = {
      method: init.method,
      host: target.address,
      family: target.family,
      port: url.port ? Number(url.port) : isHttps ? 443 : 80,
      path: `${url.pathname}${url.search}`,
      headers,
      agent: false,
      signal: init.signal,
      ...(isHttps && !isIP(host) ? { servername: host } : {}),
    };
    const req = (isHttps ? https : http).request(options, (res) => {
      const status = res.statusCode ?? 0;
      const resHeaders = flattenHeaders(res.headers);
      if (!init.readBody) {
        res.resume();
        resolve({ status, headers: resHeaders, body: new Uint8Array() });
        return;
      }
      const declared = Number(res.headers["content-length"]);
      if (Number.isFinite(declared) && declared > init.maxBytes) {
        res.destroy();
        reject(new UnsafeUrlError(`the response is larger than ${init.maxBytes} bytes`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.byteLength;
        if (size > init.maxBytes) {
          res.destroy();
          reject(new UnsafeUrlError(`the response is larger than ${init.maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on("end", () => resolve({ status, headers: resHeaders, body: new Uint8Array(Buffer.concat(chunks)) }));
      res.on("error", reject);
    });
    req.on("error", (err) => {
      reject(init.signal.aborted ? new Error(`the request timed out or was aborted`, { cause: err }) : err);
    });
    req.end(init.body);
  });

/** Fetches a user-supplied URL within the limits above. */
export const safeFetch = async (raw: string, opts: SafeFetchOptions): Promise<SafeFetchResult> => {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const maxBytes = opts.maxBytes ?? 10_000_000;
  const maxRedirects = opts.maxRedirects ?? 3;
  const signal = opts.signal ? AbortSignal.any([opts.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
  let url = checkUrlForm(raw, opts);
  let method: string = opts.method ?? "GET";
  let body = opts.body;
  let headers = { ...opts.headers };
  for (let hop = 0; ; hop++) {
    const target = await resolveChecked(url, opts);
    if (signal.aborted) throw new Error("the request timed out or was aborted");
    const res = await requestOnce(url, target, { method, headers, body, maxBytes, signal, readBody: true });
    const location = res.headers.location;
    if (!REDIRECTS.has(res.status) || !location || maxRedirects === 0) {
      return { status: res.status, headers: res.headers, body: res.body, finalUrl: url.toString() };
    }
    if (hop >= maxRedirects) throw new UnsafeUrlError(`more than ${maxRedirects} redirects`);
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new UnsafeUrlError("the redirect target is not a valid URL");
    }
    next = checkUrlForm(next.toString(), opts);
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST")) {
      method = "GET";
      body = undefined;
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== "content-type"));
    }
    if (next.origin !== url.origin) {
      // Credentials meant for one origin never travel to another.
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^(authorization|cookie)$/i.test(k)));
    }
    url = next;
  }
};

/** The outbound settings every process that fetches user-supplied URLs composes into its env schema. */
export const outboundEnv = {
  /** Hosts or CIDRs that may be reached although private (development and tests); empty by default. */
  OUTBOUND_ALLOW_PRIVATE_HOSTS: csv,
  /** `true` refuses plain http; unset means https only in production. */
  OUTBOUND_HTTPS_ONLY: z.enum(["true", "false"]).optional(),
};

/** safeFetch's policy options from a parsed env (see outboundEnv). */
export const outboundOptions = (env: {
  NODE_ENV: string;
  OUTBOUND_ALLOW_PRIVATE_HOSTS: string[];
  OUTBOUND_HTTPS_ONLY?: "true" | "false" | undefined;
}): Pick<SafeFetchOptions, "allowPrivateHosts" | "httpsOnly"> => ({
  allowPrivateHosts: env.OUTBOUND_ALLOW_PRIVATE_HOSTS,
  httpsOnly: env.OUTBOUND_HTTPS_ONLY ? env.OUTBOUND_HTTPS_ONLY === "true" : env.NODE_ENV === "production",
});
