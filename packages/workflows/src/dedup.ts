import type { JobPosting } from "./schemas.js";

/**
 * Posting identity across sources and runs, in three layers: the source's own
 * id, then the canonical URL (tracking parameters stripped), then normalised
 * company + title + location. The same title in two cities is two postings.
 */

/** Query parameters that only say where a click came from. */
const TRACKING = /^(utm_[a-z_]+|gclid|fbclid|msclkid|mc_[a-z]+|_hs[a-z]+|ref|ref_src|referrer|source|src|trk|trackingid|lipi|refid|igshid|yclid|campaign|medium|adref)$/i;

/** Hosts whose URLs point at a listing page, not at one posting (aggregator redirects). */
const listingOnly = (u: URL): boolean => /(^|\.)google\.[a-z.]+$/.test(u.hostname) && u.pathname === "/search";

/**
 * The URL without tracking parameters, fragment, default port or trailing
 * slash; host lower-cased; remaining parameters sorted. Null for anything
 * that is not an http(s) URL of one posting.
 */
export const canonicalUrl = (raw: string): string | null => {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return null;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return null;
  if (listingOnly(u)) return null;
  const kept = [...u.searchParams.entries()].filter(([k]) => !TRACKING.test(k)).sort(([a, x], [b, y]) => a.localeCompare(b) || x.localeCompare(y));
  const host = u.hostname.toLowerCase().replace(/^www\./, "");
  const port = u.port && !((u.protocol === "https:" && u.port === "443") || (u.protocol === "http:" && u.port === "80")) ? `:${u.port}` : "";
  const path = u.pathname.replace(/\/+$/, "") || "/";
  const query = kept.length > 0 ? `?${new URLSearchParams(kept).toString()}` : "";
  return `https://${host}${port}${path}${query}`;
};

const LEGAL = /\b(inc|incorporated|llc|ltd|limited|corp|corporation|co|company|gmbh|ag|plc|sa|sas|bv|nv|pty|srl|oy|ab)\b\.?/g;

const norm = (s: string): string =>
  s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

/** "Stripe, Inc." → "stripe". */
export const normaliseCompany = (s: string): string => norm(s).replace(LEGAL, " ").replace(/\s+/g, " ").trim();

/** Gender markers and remote notes that job boards add to titles: "(m/f/d)", "(Remote)". */
export const normaliseTitle = (s: string): string =>
  norm(s.replace(/\((?:m|f|w|d|x|h|all genders?)(?:\s*\/\s*(?:m|f|w|d|x|h|divers))+\)|\b(?:m|f|w)\/(?:m|f|w)\/(?:d|x)\b/gi, " ").replace(/\(\s*remote\s*\)/gi, " "))
    .replace(/\bsr\b/g, "senior")
    .replace(/\bjr\b/g, "junior")
    .replace(/\s+/g, " ")
    .trim();

export const normaliseLocation = (s: string | null, remote: boolean): string => {
  const l = norm(s ?? "");
  if (!l) return remote ? "remote" : "";
  return l;
};

/** Normalised company + title + location; null when company or title is empty. */
export const dedupKey = (p: Pick<JobPosting, "company" | "title" | "location" | "remote">): string | null => {
  const c = normaliseCompany(p.company);
  const t = normaliseTitle(p.title);
  if (!c || !t) return null;
  return `${c}|${t}|${normaliseLocation(p.location, p.remote)}`;
};

/** The identities a posting is known by, strongest first. */
export const postingIdentities = (p: JobPosting): string[] => {
  const ids = [`id:${p.source}:${p.sourceId}`];
  const url = canonicalUrl(p.url);
  if (url) ids.push(`url:${url}`);
  const key = dedupKey(p);
  if (key) ids.push(`key:${key}`);
  return ids;
};

/** Drops postings already seen (by any identity), keeping the first of each. */
export const dedupePostings = (postings: JobPosting[]): { unique: JobPosting[]; duplicates: number } => {
  const seen = new Set<string>();
  const unique: JobPosting[] = [];
  let duplicates = 0;
  for (const p of postings) {
    const ids = postingIdentities(p);
    if (ids.some((id) => seen.has(id))) {
      duplicates++;
      continue;
    }
    for (const id of ids) seen.add(id);
    unique.push(p);
  }
  return { unique, duplicates };
};
