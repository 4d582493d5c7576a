import type { JobPosting, Salary } from "@job-agent/workflows";

const NAMED: Record<string, string> = {
  amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", ndash: "–", mdash: "—", hellip: "…", rsquo: "’", lsquo: "‘",
  rdquo: "”", ldquo: "“", bull: "•", middot: "·", eacute: "é", egrave: "è", agrave: "à", uuml: "ü", ouml: "ö", auml: "ä", szlig: "ß",
  ccedil: "ç", euro: "€", pound: "£", copy: "©", reg: "®", trade: "™",
};

/** Decodes HTML entities once ("&amp;lt;" → "&lt;"). */
export const decodeEntities = (s: string): string =>
  s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === "#") {
      const code = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : "";
    }
    return NAMED[e.toLowerCase()] ?? m;
  });

/** HTML (possibly entity-escaped, possibly malformed) → plain text with paragraphs and "- " bullets. */
export const htmlToText = (html: string): string => {
  let h = html;
  // entity-escaped HTML (Greenhouse): unescape once, then strip tags
  if (/&lt;\/?[a-z][^&]{0,200}&gt;/i.test(h)) h = decodeEntities(h);
  h = h
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, " ")
    .replace(/<li\b[^>]*>/gi, "\n- ")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|div|h[1-6]|li|ul|ol|tr|section|article)>/gi, "\n")
    .replace(/<(p|div|h[1-6]|ul|ol|tr|section|article)\b[^>]*>/gi, "\n")
    .replace(/<[^>]*>/g, "");
  return decodeEntities(h)
    .replace(/\u00a0/g, " ")
    .replace(/[ \t]+/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .join("\n")
    .replace(/\n(- )?\n+/g, (m, b: string | undefined) => (b ? "\n" : "\n\n"))
    .replace(/\n{3,}/g, "\n\n")
    .trim();
};

export const cleanTitle = (s: string): string => decodeEntities(s).replace(/<[^>]*>/g, "").replace(/\s+/g, " ").trim();

export const isoOrNull = (v: unknown): string | null => {
  if (typeof v === "number" && Number.isFinite(v)) {
    // epoch seconds or milliseconds
    const ms = v < 1e12 ? v * 1000 : v;
    return new Date(ms).toISOString();
  }
  if (typeof v !== "string" || !v.trim()) return null;
  const s = /[zZ]|[+-]\d{2}:?\d{2}$/.test(v) || !/T/.test(v) ? v : `${v}Z`;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
};

const PERIODS: [RegExp, Salary["period"]][] = [
  [/\b(hour|hr|hourly|ph)\b/i, "hour"],
  [/\b(day|daily)\b/i, "day"],
  [/\b(week|weekly|wk)\b/i, "week"],
  [/\b(month|monthly|mo)\b/i, "month"],
  [/\b(year|yearly|annual|annually|yr|pa|p\.a\.)\b/i, "year"],
];
const CURRENCIES: [RegExp, string][] = [
  [/\$|usd/i, "USD"], [/£|gbp/i, "GBP"], [/€|eur/i, "EUR"], [/cad/i, "CAD"], [/aud/i, "AUD"], [/sek/i, "SEK"], [/inr|₹/i, "INR"],
];

/** "$18 - $22/hr", "82K–111K a year", "£45,000 - £55,000" → a Salary, or null. */
export const parseSalaryText = (text: string | null | undefined, fallbackCurrency: string | null = null): Salary | null => {
  if (!text) return null;
  const nums = [...text.matchAll(/(\d[\d,]*(?:\.\d+)?)\s*([kK])?/g)]
    .map((m) => Number((m[1] ?? "").replace(/,/g, "")) * (m[2] ? 1000 : 1))
    .filter((n) => Number.isFinite(n) && n > 0);
  if (nums.length === 0) return null;
  const currency = CURRENCIES.find(([re]) => re.test(text))?.[1] ?? fallbackCurrency;
  const period = PERIODS.find(([re]) => re.test(text))?.[1] ?? (Math.max(...nums) >= 10_000 ? "year" : null);
  return { min: Math.min(...nums.slice(0, 2)), max: Math.max(...nums.slice(0, 2)), currency, period };
};

const STOP = new Set(["and", "the", "for", "with", "job", "jobs", "role", "of", "in", "at", "to", "a", "an"]);
const words = (s: string): string[] => s.toLowerCase().split(/[^\p{L}\p{N}+#]+/u).filter((w) => w.length > 1 && !STOP.has(w));

/**
 * For sources without server-side search (company boards, Arbeitnow, The
 * Muse): keeps postings whose title (or, weaker, text) shares words with the
 * query, and that are in the asked place or remote; best first.
 */
export const filterPostings = (postings: JobPosting[], query: string, location: string, limit: number): JobPosting[] => {
  const q = words(query);
  const place = location.toLowerCase().replace(/\b(remote|anywhere)\b/g, "").split(/[,/]/)[0]?.trim() ?? "";
  const remoteOnly = /\b(remote|anywhere)\b/i.test(location);
  const scored = postings.flatMap((p) => {
    const loc = (p.location ?? "").toLowerCase();
    if (remoteOnly && !p.remote) return [];
    if (place && !p.remote && !loc.includes(place)) return [];
    if (q.length === 0) return [{ p, s: 1 }];
    const title = new Set(words(p.title));
    const hitsTitle = q.filter((w) => title.has(w)).length;
    const text = p.description.toLowerCase();
    const hitsText = q.filter((w) => text.includes(w)).length;
    if (hitsTitle === 0 && hitsText < q.length) return [];
    return [{ p, s: hitsTitle * 2 + hitsText * 0.5 }];
  });
  return scored
    .sort((a, b) => b.s - a.s)
    .slice(0, limit)
    .map((x) => x.p);
};

export const titleCaseToken = (token: string): string => token.replace(/[-_]+/g, " ").replace(/\b\p{L}/gu, (c) => c.toUpperCase());
