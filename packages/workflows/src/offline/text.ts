/** Small lexical helpers shared by the offline search and scoring. */

const STOP = new Set([
  "a", "an", "the", "of", "and", "or", "for", "in", "to", "with", "at", "on", "by", "from", "as", "is", "are", "be", "we", "you",
  "our", "your", "job", "jobs", "role", "roles", "position", "positions", "opening", "vacancy", "hiring", "work", "this", "that",
  "will", "who", "it", "its", "all", "any",
]);

/** Words that say how senior a role is; title similarity ignores them (seniority is scored separately). */
export const LEVEL_WORDS = new Set([
  "senior", "sr", "junior", "jr", "lead", "principal", "staff", "entry", "level", "graduate", "associate", "trainee", "new",
  "head", "chief", "intern", "internship", "apprentice", "i", "ii", "iii",
]);

const SYNONYMS: Record<string, string> = {
  developer: "engineer",
  dev: "engineer",
  programmer: "engineer",
  swe: "engineer",
  coder: "engineer",
  rn: "nurse",
  nursing: "nurse",
  frontend: "front",
  backend: "back",
  fullstack: "full",
  ux: "design",
  ui: "design",
  designer: "design",
  accounting: "accountant",
  bookkeeping: "bookkeeper",
  teaching: "teacher",
  marketer: "marketing",
  recruitment: "recruiter",
  recruiting: "recruiter",
  pharmacist: "pharmacy",
  pharmacists: "pharmacy",
  electrical: "electrician",
  welding: "welder",
  lawyer: "attorney",
  solicitor: "attorney",
  waiter: "server",
  waitress: "server",
  cook: "chef",
  analytics: "analyst",
  analysis: "analyst",
  sales: "sale",
  customer: "customer",
  support: "service",
  logistic: "logistics",
  warehousing: "warehouse",
  administrative: "admin",
  administration: "admin",
  administrator: "admin",
  hr: "human",
  people: "human",
};

const stem = (w: string): string => {
  if (w.length > 4 && w.endsWith("ies")) return `${w.slice(0, -3)}y`;
  if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")) return w.slice(0, -1);
  return w;
};

const NORMAL = new Map<string, string>();

/** One lower-cased word, stemmed and synonym-folded ("" for stop words). */
export const normalWord = (w: string): string => {
  const hit = NORMAL.get(w);
  if (hit !== undefined) return hit;
  let out = "";
  if (!STOP.has(w)) {
    const s = SYNONYMS[w] ?? stem(w);
    out = SYNONYMS[s] ?? s;
  }
  if (NORMAL.size > 50_000) NORMAL.clear();
  NORMAL.set(w, out);
  return out;
};

const WORD_RE = /[a-z0-9\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF][a-z0-9\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF+#]*/g;

/** Lower-cased, stemmed, synonym-folded words (no stop words). */
export const words = (text: string): string[] => {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(WORD_RE)) {
    const w = normalWord(m[0]);
    if (w) out.push(w);
  }
  return out;
};

/** Title words without level words ("Senior Software Engineer" → software, engineer). */
export const titleWords = (title: string): string[] => words(title).filter((w) => !LEVEL_WORDS.has(w));

/**
 * How close two titles are (0–1): mostly how much of `a` appears in `b`,
 * plus overlap in both directions.
 */
export const titleSimilarity = (a: string[], b: string[]): number => {
  if (a.length === 0 || b.length === 0) return 0;
  const setB = new Set(b);
  const setA = new Set(a);
  let common = 0;
  for (const w of setA) if (setB.has(w)) common++;
  const coverage = common / setA.size;
  const dice = (2 * common) / (setA.size + setB.size);
  return Math.min(1, coverage * 0.7 + dice * 0.3);
};

/* --------------------------------------------------------------- places */

const PLACE_ALIASES: Record<string, string> = {
  nyc: "new york",
  "new york city": "new york",
  manhattan: "new york",
  brooklyn: "new york",
  sf: "san francisco",
  "bay area": "san francisco",
  la: "los angeles",
  uk: "united kingdom",
  "great britain": "united kingdom",
  britain: "united kingdom",
  england: "united kingdom",
  scotland: "united kingdom",
  us: "united states",
  usa: "united states",
  "u.s.": "united states",
  "united states of america": "united states",
  america: "united states",
  deutschland: "germany",
  "the netherlands": "netherlands",
  holland: "netherlands",
  montréal: "montreal",
  münchen: "munich",
};

const COUNTRY_NAMES = new Set([
  "united states", "canada", "united kingdom", "ireland", "germany", "france", "spain", "netherlands", "australia", "new zealand",
  "india", "italy", "portugal", "switzerland", "austria", "sweden", "norway", "denmark", "finland", "poland", "belgium", "mexico",
  "brazil", "singapore", "japan", "europe",
]);

const REGION_COUNTRY: Record<string, string> = {
  ny: "united states", ca: "united states", tx: "united states", il: "united states", wa: "united states", ma: "united states",
  co: "united states", ga: "united states", fl: "united states", on: "canada", bc: "canada", qc: "canada", ab: "canada",
  nsw: "australia", vic: "australia",
};

export interface PlaceQuery {
  /** Nothing asked, "remote" or "anywhere". */
  anywhere: boolean;
  remoteOnly: boolean;
  cities: string[];
  countries: string[];
  raw: string;
}

const canon = (s: string): string => {
  const t = s.toLowerCase().replace(/\s+/g, " ").trim();
  return PLACE_ALIASES[t] ?? t;
};

export const parsePlace = (location: string): PlaceQuery => {
  const raw = location.trim().toLowerCase();
  const remoteOnly = /\b(remote|anywhere|worldwide|work from home|wfh)\b/.test(raw);
  const stripped = raw.replace(/\b(remote|anywhere|worldwide|work from home|wfh)\b/g, " ").replace(/[()]/g, " ");
  const parts = stripped
    .split(/[,/|;]|\s+-\s+/)
    .map(canon)
    .filter((p) => p.length > 0);
  const cities: string[] = [];
  const countries: string[] = [];
  parts.forEach((p, i) => {
    if (COUNTRY_NAMES.has(p)) countries.push(p);
    else if (REGION_COUNTRY[p] && i > 0) countries.push(REGION_COUNTRY[p]);
    else cities.push(p);
  });
  return { anywhere: parts.length === 0, remoteOnly, cities, countries, raw };
};

export interface PlaceFit {
  /** 0–1. */
  score: number;
  label: string;
}

/** How well a posting's place fits the requested place. */
export const placeFit = (q: PlaceQuery, location: string | null, remote: boolean): PlaceFit => {
  const loc = (location ?? "").toLowerCase();
  if (q.anywhere) {
    if (q.remoteOnly) return remote ? { score: 1, label: "Remote, as requested" } : { score: 0.3, label: "Not remote" };
    return { score: 1, label: remote ? "Remote" : "Any location" };
  }
  const cityHit = q.cities.some((c) => c.length > 1 && (loc.startsWith(c) || loc.includes(` ${c}`) || loc.includes(`${c},`)));
  if (cityHit && !remote) return { score: 1, label: `In ${location ?? "the requested city"}, as requested` };
  const countries = q.countries.length > 0 ? q.countries : q.cities.map((c) => CITY_COUNTRY[c]).filter((c): c is string => !!c);
  const countryHit = countries.some((c) => loc.includes(c));
  if (remote) {
    const regionOk = countries.length === 0 || countryHit || !/\(/.test(loc);
    return { score: regionOk ? 0.8 : 0.5, label: `Remote (${location ?? "anywhere"})` };
  }
  if (countryHit && q.cities.length === 0) return { score: 1, label: `In ${location ?? "the requested country"}, as requested` };
  if (countryHit) return { score: 0.45, label: `In ${location ?? "the same country"}, same country as requested` };
  return { score: 0, label: `In ${location ?? "an unknown place"}, outside the requested area` };
};

/** Cities the offline corpus knows, mapped to their country (for "same country" fit). */
const CITY_COUNTRY: Record<string, string> = {
  "new york": "united states", "san francisco": "united states", austin: "united states", chicago: "united states",
  seattle: "united states", boston: "united states", "los angeles": "united states", denver: "united states",
  atlanta: "united states", toronto: "canada", vancouver: "canada", montreal: "canada", calgary: "canada", ottawa: "canada",
  london: "united kingdom", manchester: "united kingdom", edinburgh: "united kingdom", dublin: "ireland", berlin: "germany",
  munich: "germany", hamburg: "germany", amsterdam: "netherlands", paris: "france", madrid: "spain", sydney: "australia",
  melbourne: "australia", auckland: "new zealand", "palo alto": "united states", "la verne": "united states", nyc: "united states",
};
