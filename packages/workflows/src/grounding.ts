/**
 * Checks that written material states only facts it was given: every number,
 * every organisation and every degree or certificate it names must appear in
 * the facts (the CV or profile, and the posting). Used to test the offline
 * letters and to refuse a model's letter that invents something.
 */

const normNumber = (n: string): string => n.replace(/(\d),(?=\d{3}\b)/g, "$1").replace(/\.0+$/, "");

/** Numbers in a text, thousands separators ignored ("1,200" → "1200"). */
export const numbersIn = (text: string): string[] => (text.match(/\d[\d,]*(?:\.\d+)?/g) ?? []).map(normNumber).map((n) => n.replace(/,/g, ""));

const ORG_SUFFIX =
  /\b(?:Inc|LLC|Ltd|Limited|Corp|Corporation|Company|GmbH|PLC|Group|Hospital|Clinic|University|College|School|Bank|Agency|Labs?|Studio|Foundation|Institute|Partners|Solutions|Technologies|Systems|Services|Health|Medical|Centre|Center)\b/;
/** Capitalised words in a row ("Vancouver General Hospital", "St. Paul's Hospital"). */
const CAPS_RUN = /\b[A-Z](?:[\w'&-]|\.(?=\w))*(?:[ \t]+(?:(?:of|and|&|de|la|the)[ \t]+)?[A-Z](?:[\w'&-]|\.(?=\w))*)*/g;
const CONTEXT = /\b(?:at|with|for|from|joined|by)\s+$/;

/** Names a text gives to organisations: capitalised runs after "at/with/for/from" or ending in an organisation word. */
export const organisationsIn = (text: string): string[] => {
  const out = new Set<string>();
  for (const m of text.matchAll(CAPS_RUN)) {
    const name = m[0].replace(/[.,;:]+$/, "").trim();
    if (name.length < 2) continue;
    const before = text.slice(Math.max(0, (m.index ?? 0) - 12), m.index ?? 0);
    if (CONTEXT.test(before) || ORG_SUFFIX.test(name)) out.add(name);
  }
  return [...out];
};

const CREDENTIALS: [RegExp, RegExp][] = [
  [/\bph\.?\s?d\b|\bdoctorate\b/i, /\bph\.?\s?d\b|\bdoctor(?:ate)?\b/i],
  [/\bmaster'?s\b|\bm\.?sc\b|\bmba\b/i, /\bmaster|\bm\.?sc\b|\bmba\b|\bmsn\b/i],
  [/\bbachelor'?s\b|\bb\.?sc\b|\bbsn\b/i, /\bbachelor|\bb\.?sc\b|\bbsn\b|\bb\.?a\.?\b|\bb\.?s\.?\b/i],
  [/\bcertified\b|\bcertificate\b|\bcertification\b/i, /\bcertif/i],
  [/\blicensed\b|\blicen[cs]e\b/i, /\blicen[cs]|\blicensed\b/i],
];

export interface GroundingReport {
  numbers: string[];
  organisations: string[];
  credentials: string[];
}

/** What the text states that the facts do not: numbers, organisations, credentials (empty lists when grounded). */
export const ungrounded = (text: string, facts: string): GroundingReport => {
  const factNumbers = new Set(numbersIn(facts));
  const lowerFacts = facts.toLowerCase().replace(/\s+/g, " ");
  const numbers = [...new Set(numbersIn(text))].filter((n) => !factNumbers.has(n));
  const organisations = organisationsIn(text).filter((o) => {
    const lower = o.toLowerCase().replace(/\s+/g, " ");
    if (lowerFacts.includes(lower)) return false;
    // every word of it from the facts (e.g. "the Toronto District School Board team") counts as grounded
    return !lower.split(" ").every((w) => w.length < 3 || lowerFacts.includes(w));
  });
  const credentials = CREDENTIALS.filter(([said, known]) => said.test(text) && !known.test(facts)).map(([said]) => said.source);
  return { numbers, organisations, credentials };
};

export const isGrounded = (text: string, facts: string): boolean => {
  const r = ungrounded(text, facts);
  return r.numbers.length === 0 && r.organisations.length === 0 && r.credentials.length === 0;
};
