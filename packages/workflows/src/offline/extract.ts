import type { Education, ExtractedProfile, Seniority, WorkExperience } from "../schemas.js";
import { isJsonResume, jsonResumeToText, normaliseText } from "./cv-text.js";
import { fieldsOf, findSkills } from "./vocabulary.js";

/* ------------------------------------------------------------------ lines */

type SectionKind =
  | "header"
  | "contact"
  | "summary"
  | "experience"
  | "volunteer"
  | "education"
  | "skills"
  | "certifications"
  | "projects"
  | "languages"
  | "awards"
  | "other";

interface Line {
  text: string;
  bullet: boolean;
  /** Indented continuation of the previous line (wrapped bullet). */
  indented: boolean;
}

const SECTION_WORDS: [RegExp, SectionKind][] = [
  [/^(contact|contact information|contact details|personal details|personal information)$/, "contact"],
  [/^(summary|professional summary|profile|professional profile|about|about me|objective|career objective|career summary|personal statement|overview)$/, "summary"],
  [
    /^(experience|work experience|professional experience|employment|employment history|work history|career history|relevant experience|professional background|positions|clinical experience)$/,
    "experience",
  ],
  [/^(volunteer|volunteer experience|volunteering|volunteer work|community involvement|on campus involvement|campus involvement|activities|extracurricular activities|leadership experience|involvement)$/, "volunteer"],
  [/^(education|education and training|academic background|academic history|qualifications|education & training)$/, "education"],
  [/^(skills|core competencies|competencies|technical skills|key skills|skills and abilities|skills & abilities|areas of expertise|expertise|technologies|tools|skills summary|core skills)$/, "skills"],
  [/^(certifications|certificates|licenses|licences|licenses & certifications|licenses and certifications|licences and certifications|certifications & licenses|credentials|training)$/, "certifications"],
  [/^(projects|project|personal projects|selected projects|publications)$/, "projects"],
  [/^(languages|language skills|spoken languages)$/, "languages"],
  [/^(awards|honors|honours|honors\/awards|honours\/awards|awards and honors|achievements|interests|hobbies|references|memberships|affiliations)$/, "awards"],
];

const stripDecor = (s: string): string =>
  s
    .replace(/\p{Extended_Pictographic}|\uFE0F|\u200D/gu, "")
    .replace(/[\u2500-\u257F\u2580-\u259F]+/g, " ")
    .replace(/\*\*|__|`/g, "")
    .replace(/^#{1,6}\s+/, "")
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, "$1 $2")
    .replace(/\s+/g, " ")
    .trim();

const sectionOf = (text: string): SectionKind | null => {
  if (text.length > 45) return null;
  const key = text
    .toLowerCase()
    .replace(/[:|]+$/, "")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
  for (const [re, kind] of SECTION_WORDS) if (re.test(key)) return kind;
  return null;
};

const PREAMBLE_END = /\b(below|following|here)\b.{0,60}\b(cv|résumé|resume|curriculum vitae)\b/i;

/** Drops a wrapper around the CV ("SIMULATION INITIALIZED … Below is the candidate's CV"). */
const dropPreamble = (lines: string[]): string[] => {
  const limit = Math.min(lines.length, 60);
  for (let i = 0; i < limit; i++) {
    const l = lines[i] ?? "";
    if (PREAMBLE_END.test(l) && l.length < 200 && i < lines.length - 5) return lines.slice(i + 1);
  }
  return lines;
};

const toLines = (text: string): Line[] => {
  const raw = dropPreamble(text.split("\n"));
  const out: Line[] = [];
  for (const r of raw) {
    const indented = /^\s{2,}\S/.test(r) && !/^\s*[-*•●▪◦·–]\s/.test(r);
    let t = stripDecor(r);
    let bullet = false;
    const b = /^([-*•●▪◦·–]|\d+[.)])\s+/.exec(t);
    if (b && !/^\d{4}/.test(t)) {
      bullet = true;
      t = t.slice(b[0].length);
    }
    out.push({ text: t, bullet, indented });
  }
  return out;
};

interface Sections {
  header: Line[];
  byKind: Map<SectionKind, Line[]>;
}

const splitSections = (lines: Line[]): Sections => {
  const header: Line[] = [];
  const byKind = new Map<SectionKind, Line[]>();
  let current: Line[] = header;
  for (const l of lines) {
    const kind = l.bullet ? null : sectionOf(l.text);
    if (kind) {
      current = byKind.get(kind) ?? [];
      byKind.set(kind, current);
      continue;
    }
    current.push(l);
  }
  return { header, byKind };
};

/* ------------------------------------------------------------------ dates */

const MONTHS: Record<string, number> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5, jun: 6, june: 6,
  jul: 7, july: 7, aug: 8, august: 8, sep: 9, sept: 9, september: 9, oct: 10, october: 10, nov: 11,
  november: 11, dec: 12, december: 12,
};
const SEASONS: Record<string, [number, number]> = { spring: [3, 5], summer: [6, 8], fall: [9, 11], autumn: [9, 11], winter: [12, 2] };

const MONTH_RE = "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?";
const SEASON_RE = "(?:spring|summer|fall|autumn|winter)";
const POINT = `(?:(?:${MONTH_RE}|${SEASON_RE})\\s+(?:19|20)\\d{2}|(?:0?[1-9]|1[0-2])[/.-](?:19|20)\\d{2}|(?:19|20)\\d{2}[/.-](?:0?[1-9]|1[0-2])(?![\\d])|(?:19|20)\\d{2})`;
const NOW = "(?:present|current|currently|now|today|ongoing|date)";
const RANGE_RE = new RegExp(`(${POINT})\\s*(?:-|–|—|to|until|till|through|thru)\\s*(${POINT}|${NOW})`, "i");
const SINGLE_RE = new RegExp(`(${POINT})`, "i");

interface YearMonth {
  y: number;
  m: number | null;
}

const parsePoint = (s: string, isEnd: boolean): YearMonth | null => {
  const t = s.toLowerCase().replace(/\./g, " ").trim();
  let m = /^([a-z]+)\s+(\d{4})$/.exec(t);
  if (m) {
    const word = m[1] ?? "";
    const y = Number(m[2]);
    const month = MONTHS[word];
    if (month) return { y, m: month };
    const season = SEASONS[word];
    if (season) return { y, m: isEnd ? season[1] : season[0] };
  }
  m = /^(\d{1,2})[/ -](\d{4})$/.exec(t);
  if (m) return { y: Number(m[2]), m: Number(m[1]) };
  m = /^(\d{4})[/ -](\d{1,2})$/.exec(t);
  if (m) return { y: Number(m[1]), m: Number(m[2]) };
  m = /^(\d{4})$/.exec(t);
  if (m) return { y: Number(m[1]), m: null };
  return null;
};

const fmt = (p: YearMonth): string => (p.m ? `${p.y}-${String(p.m).padStart(2, "0")}` : String(p.y));

interface DateSpan {
  start: YearMonth | null;
  end: YearMonth | null;
  current: boolean;
  match: string;
}

const findDates = (text: string): DateSpan | null => {
  const r = RANGE_RE.exec(text);
  if (r) {
    const start = parsePoint(r[1] ?? "", false);
    const endRaw = r[2] ?? "";
    const current = new RegExp(`^${NOW}$`, "i").test(endRaw.trim());
    const end = current ? null : parsePoint(endRaw, true);
    return { start, end, current, match: r[0] };
  }
  const s = SINGLE_RE.exec(text);
  if (s) {
    const raw = s[1] ?? "";
    const season = new RegExp(`^${SEASON_RE}`, "i").test(raw);
    const start = parsePoint(raw, false);
    const end = season ? parsePoint(raw, true) : start;
    return { start, end, current: false, match: s[0] };
  }
  return null;
};

/* ------------------------------------------------------------------ contact */

const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|org|net|edu|gov|io|co|dev|me|ai|app|info|biz|[a-z]{2})(?![a-z])/i;
const PHONE_RE = /(?<![\d/])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?|\d{2,5}[\s.-])\d{3,4}[\s.-]?\d{3,4}\b/;
const URL_RE = /\b(?:https?:\/\/[^\s)|,]+|(?:www\.)[^\s)|,]+|(?:[a-z]{2,3}\.)?(?:linkedin\.com|github\.com|gitlab\.com|behance\.net|dribbble\.com)\/[^\s)|,]+)/gi;

const normaliseLink = (u: string): string => {
  const t = u.replace(/[.;:]+$/, "");
  return /^https?:\/\//i.test(t) ? t : `https://${t}`;
};

const US_STATES = new Set(
  "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC".split(" "),
);
const CA_PROVINCES = new Set("AB BC MB NB NL NS NT NU ON PE QC SK YT".split(" "));
const COUNTRIES = [
  "United States", "USA", "US", "Canada", "United Kingdom", "UK", "England", "Scotland", "Wales", "Ireland", "Germany", "France",
  "Spain", "Portugal", "Italy", "Netherlands", "Belgium", "Switzerland", "Austria", "Sweden", "Norway", "Denmark", "Finland",
  "Poland", "Australia", "New Zealand", "India", "Singapore", "Japan", "Brazil", "Mexico", "South Africa", "Nigeria", "Kenya",
  "United Arab Emirates", "UAE", "Philippines", "Argentina", "Chile", "Colombia", "China", "Israel",
];
const COUNTRY_SET = new Set(COUNTRIES);
const COUNTRY_ALT = COUNTRIES.map((c) => c.replace(/ /g, "\\s+")).join("|");
const CITY = "[A-Z][A-Za-z.'\\-]*(?:\\s[A-Z][A-Za-z.'\\-]*){0,3}";
const CITY_ST_RE = new RegExp(`\\b(${CITY}),\\s*([A-Z]{2})\\b(?:,?\\s*(${COUNTRY_ALT})\\b)?`);
const CITY_COUNTRY_RE = new RegExp(`\\b(${CITY}),\\s*(${COUNTRY_ALT})\\b`);
const CITY_REGION_COUNTRY_RE = new RegExp(`\\b(${CITY}),\\s*(${CITY}),\\s*(${COUNTRY_ALT})\\b`);
const LOCATION_LABEL_RE = /^(?:location|address|based in|city|lives in)\s*[:\-–]\s*(.+)$/i;
const ORG_WORDS = /\b(university|college|school|hospital|inc|llc|ltd|corp|company|gpa)\b/i;

const findLocationIn = (text: string): string | null => {
  const st = CITY_ST_RE.exec(text);
  if (st) {
    const code = st[2] ?? "";
    if (US_STATES.has(code) || CA_PROVINCES.has(code)) {
      const city = (st[1] ?? "").replace(/^(?:\d+\s)?.*\b(?:Way|St|Street|Ave|Avenue|Road|Rd|Blvd|Lane|Drive|Dr)\b,?\s*/, "");
      return [city, code, st[3]].filter(Boolean).join(", ");
    }
  }
  const crc = CITY_REGION_COUNTRY_RE.exec(text);
  if (crc && !ORG_WORDS.test(crc[1] ?? "") && !COUNTRY_SET.has(crc[2] ?? "")) return `${crc[1]}, ${crc[2]}, ${crc[3]}`;
  const cc = CITY_COUNTRY_RE.exec(text);
  if (cc && !ORG_WORDS.test(cc[1] ?? "")) return `${cc[1]}, ${cc[2]}`;
  return null;
};

const findLocation = (header: Line[], contact: Line[], all: Line[]): string | null => {
  for (const l of [...header, ...contact, ...all]) {
    const m = LOCATION_LABEL_RE.exec(l.text);
    if (m?.[1]) {
      const v = m[1].replace(/\s*\|.*$/, "").trim();
      if (v && v.length <= 80) return v;
    }
  }
  for (const l of [...header, ...contact]) {
    if (ORG_WORDS.test(l.text)) continue;
    const loc = findLocationIn(l.text);
    if (loc) return loc;
  }
  return null;
};

/* ------------------------------------------------------------------ titles */

const TITLE_WORDS =
  /\b(engineer|developer|programmer|nurse|manager|assistant|analyst|designer|director|intern|internship|consultant|specialist|coordinator|officer|teacher|accountant|associate|lead|head|president|ceo|cto|cfo|coo|founder|co-founder|technician|representative|administrator|architect|scientist|clerk|cashier|server|chef|cook|driver|electrician|welder|attorney|lawyer|paralegal|pharmacist|supervisor|volunteer|member|tutor|coach|researcher|agent|executive|advisor|adviser|owner|partner|bookkeeper|therapist|physician|receptionist|secretary|instructor|professor|lecturer|auditor|controller|recruiter|operator|mechanic|plumber|carpenter|bartender|barista|waiter|waitress|host|housekeeper|caregiver|aide|practitioner|writer|editor|marketer|strategist|buyer|planner|dispatcher|handler|picker|packer|worker|staff|fellow|trainee|apprentice|principal|vp|chief|partner)s?\b/i;
const COMPANY_WORDS =
  /\b(inc|llc|ltd|limited|corp|corporation|company|co|gmbh|plc|group|hospital|clinic|university|college|school|bank|agency|labs?|studio|foundation|organization|organisation|institute|partners|solutions|technologies|systems|services|health|medical|centre|center|ymca)\b\.?/i;

const cleanPart = (s: string): string =>
  s
    .replace(/^[\s,|–—:-]+|[\s,|–—:-]+$/g, "")
    .replace(/\s{2,}/g, " ")
    .trim();

interface Entry {
  header: string[];
  dates: DateSpan | null;
  bullets: string[];
}

const groupEntries = (lines: Line[]): Entry[] => {
  const entries: Entry[] = [];
  let cur: Entry | null = null;
  let lastWasBullet = false;
  for (const l of lines) {
    if (!l.text) continue;
    if (l.bullet || (lastWasBullet && (l.indented || /^[a-z(]/.test(l.text)))) {
      if (!cur) {
        cur = { header: [], dates: null, bullets: [] };
        entries.push(cur);
      }
      if (l.bullet) cur.bullets.push(l.text);
      else if (cur.bullets.length > 0) cur.bullets[cur.bullets.length - 1] += ` ${l.text}`;
      lastWasBullet = true;
      continue;
    }
    const dates = findDates(l.text);
    const rest = dates ? cleanPart(l.text.replace(dates.match, "")) : l.text;
    const locationOnly = rest !== "" && findLocationIn(rest) !== null && rest.length < 40 && !TITLE_WORDS.test(rest);
    const startNew = !cur || cur.bullets.length > 0 || (cur.dates !== null && dates !== null) || (cur.dates !== null && !locationOnly && cur.header.length >= 1);
    if (startNew) {
      cur = { header: [], dates: null, bullets: [] };
      entries.push(cur);
    }
    if (!cur) continue;
    if (dates && !cur.dates) cur.dates = dates;
    if (rest) cur.header.push(rest);
    lastWasBullet = false;
  }
  return entries.filter((e) => e.header.length > 0 || e.dates);
};

const looksLikeTitle = (s: string): boolean => TITLE_WORDS.test(s);
const looksLikeCompany = (s: string): boolean => COMPANY_WORDS.test(s);

const toWork = (e: Entry): WorkExperience | null => {
  let title: string | null = null;
  let company: string | null = null;
  let location: string | null = null;
  const pieces: string[] = [];
  for (const h of e.header) {
    const at = /^(.+?)\s+(?:at|@)\s+(.+)$/i.exec(h);
    if (at && looksLikeTitle(at[1] ?? "")) {
      pieces.push(at[1] ?? "", `@@${at[2] ?? ""}`);
      continue;
    }
    for (const p of h.split(/\s+[|–—]\s+|\s+-\s+|\s*\|\s*/)) {
      // "Accountant, Cedar Advisory": a title, then the employer
      const comma = /^([^,]+),\s+(.+)$/.exec(p);
      if (comma && looksLikeTitle(comma[1] ?? "") && !findLocationIn(p) && !looksLikeTitle(comma[2] ?? "")) pieces.push(comma[1] ?? "", `@@${comma[2] ?? ""}`);
      else pieces.push(p);
    }
  }
  for (const raw of pieces) {
    const isCompany = raw.startsWith("@@");
    const p = cleanPart(raw.replace(/^@@/, ""));
    if (!p) continue;
    if (isCompany) {
      company ??= p;
      continue;
    }
    const loc = findLocationIn(p);
    if (loc && p.length - loc.length < 6 && !looksLikeTitle(p)) {
      location ??= loc;
      continue;
    }
    if (!title && looksLikeTitle(p) && !(looksLikeCompany(p) && !/\b(engineer|nurse|developer|manager|assistant)\b/i.test(p))) title = p;
    else if (!company) company = p.replace(/,\s*[A-Z][a-z]+,\s*[A-Z]{2}$/, "");
    else if (!title) title = p;
  }
  if (!title && company && looksLikeTitle(company)) {
    title = company;
    company = null;
  }
  if (!title) return null;
  const start = e.dates?.start ?? null;
  const end = e.dates?.end ?? null;
  return {
    title,
    company,
    location,
    startDate: start ? fmt(start) : null,
    endDate: e.dates?.current ? null : end ? fmt(end) : null,
    current: e.dates?.current ?? false,
    highlights: e.bullets.slice(0, 8),
  };
};

/* ------------------------------------------------------------------ education */

const DEGREE_RE =
  /\b(bachelor(?:'?s)?(?: of [a-z]+)?|master(?:'?s)?(?: of [a-z]+)?|doctor(?:ate)?(?: of [a-z]+)?|associate(?:'?s)? (?:degree|of [a-z]+)|ph\.?\s?d\.?|mba|msc|bsc|b\.?sc\.?|m\.?sc\.?|b\.?s\.?n\.?|m\.?s\.?n\.?|b\.a\.|b\.s\.|m\.a\.|m\.s\.|ba|bs|ma|ms|beng|meng|llb|llm|jd|md|pgce|pgde|hnd|btec|nvq|diploma|certificate|high school diploma|ged|a-levels|gcse)\b/i;
const INSTITUTION_RE = /\b(university|college|institute|school|academy|polytechnic|conservatory|universidad|université|universität)\b/i;

const toEducation = (lines: Line[]): Education[] => {
  const out: Education[] = [];
  let cur: Education | null = null;
  const open = (): Education => {
    const e: Education = { institution: null, degree: null, field: null, endYear: null };
    out.push(e);
    return e;
  };
  for (const l of lines) {
    const t = l.text;
    if (!t || /^(gpa|grade|courses|coursework|relevant coursework|honou?rs|thesis)\b/i.test(t)) continue;
    if (l.bullet && !DEGREE_RE.test(t)) continue;
    const expected = /\b(?:expected|anticipated)(?:\s+graduation)?:?\s*(?:[a-z]+\s+)?((?:19|20)\d{2})/i.exec(t);
    const years = [...t.matchAll(/\b(19|20)\d{2}\b/g)].map((m) => Number(m[0]));
    const degree = l.bullet ? null : DEGREE_RE.exec(t);
    const inst = INSTITUTION_RE.test(t) && !degree;
    let c: Education | null = cur;
    if (degree) {
      if (!c || c.degree) c = open();
      const rest = t.slice((degree.index ?? 0) + degree[0].length);
      const fieldMatch = /^(?:\s*(?:of|in|,|:|-|\([Hh]ons\))\s*|\s+)+([A-Za-z&/ ]+?)(?:\s*\(.*?\))?(?:\s+-\s+.*|\s*,.*|\s*\|.*|\s+(?:19|20)\d{2}.*|\s*$)/.exec(rest);
      c.degree = t
        .slice(0, (degree.index ?? 0) + degree[0].length)
        .replace(/[*_,]+$/, "")
        .trim();
      if (c.degree.length < 3 || /^[a-z]/.test(c.degree)) c.degree = degree[0];
      const fieldText = fieldMatch?.[1]?.trim() ?? "";
      c.field = fieldText && !/^(science|arts)$/i.test(fieldText) ? fieldText : null;
      const paren = /\(([A-Z]{2,5})\)/.exec(rest);
      if (paren && c.degree && !c.degree.includes(paren[1] ?? "")) c.degree = `${c.degree} (${paren[1]})`;
      if (INSTITUTION_RE.test(rest)) {
        const instMatch = rest.split(/\s*[|,–—]\s*|\s+-\s+/).find((p) => INSTITUTION_RE.test(p));
        if (instMatch) c.institution = cleanPart(instMatch);
      }
    } else if (inst) {
      if (!c || c.institution) c = open();
      const part = t.split(/\s*\|\s*|\s{2,}/).find((p) => INSTITUTION_RE.test(p)) ?? t;
      c.institution = cleanPart(
        part
          .replace(/(?:expected|anticipated).*$/i, "")
          .replace(RANGE_RE, "")
          .replace(new RegExp(`,\\s*${CITY},\\s*[A-Z]{2}\\b.*$`), "")
          .replace(/\s+(?:19|20)\d{2}.*$/, ""),
      );
    }
    if (c && (expected || years.length > 0)) {
      const y = expected ? Number(expected[1]) : Math.max(...years);
      c.endYear = Math.max(c.endYear ?? 0, y);
    }
    cur = c;
  }
  return out.filter((e) => e.degree || e.institution);
};

/* ------------------------------------------------------------------ languages */

const SPOKEN = [
  "English", "Spanish", "French", "German", "Italian", "Portuguese", "Dutch", "Mandarin", "Cantonese", "Chinese", "Japanese",
  "Korean", "Arabic", "Hindi", "Urdu", "Bengali", "Punjabi", "Tagalog", "Filipino", "Vietnamese", "Thai", "Russian", "Ukrainian",
  "Polish", "Turkish", "Greek", "Hebrew", "Persian", "Farsi", "Swedish", "Norwegian", "Danish", "Finnish", "Czech", "Hungarian",
  "Romanian", "Swahili", "Indonesian", "Malay", "Tamil", "Gujarati", "Sign Language", "ASL",
];
const SPOKEN_RE = new RegExp(`\\b(${SPOKEN.join("|")})\\b`, "g");

const findLanguages = (sections: Sections, all: Line[]): string[] => {
  const found = new Set<string>();
  const scan = (t: string): void => {
    for (const m of t.matchAll(SPOKEN_RE)) if (m[1]) found.add(m[1]);
  };
  for (const l of sections.byKind.get("languages") ?? []) scan(l.text);
  for (const l of all) {
    if (/\b(languages?|fluent|native|bilingual|proficien|conversational|mother tongue|speaks?)\b/i.test(l.text)) scan(l.text);
  }
  return [...found];
};

/* ------------------------------------------------------------------ years and seniority */

const NON_PROFESSIONAL = /\b(intern|internship|volunteer|research assistant|teaching assistant|student|trainee|apprentice|member|fellow)\b/i;

const monthIndex = (p: YearMonth, isEnd: boolean): number => p.y * 12 + ((p.m ?? (isEnd ? 1 : 1)) - 1);

const parseStored = (s: string | null): YearMonth | null => {
  if (!s) return null;
  const m = /^(\d{4})(?:-(\d{2}))?$/.exec(s);
  return m ? { y: Number(m[1]), m: m[2] ? Number(m[2]) : null } : null;
};

/** Years covered by the (professional) jobs, overlapping ranges merged; "present" is `now`. */
export const yearsOfExperience = (experience: WorkExperience[], now: Date): number => {
  const nowIdx = now.getUTCFullYear() * 12 + now.getUTCMonth();
  const ranges: [number, number][] = [];
  for (const w of experience) {
    const s = parseStored(w.startDate);
    if (!s) continue;
    const e = w.current ? null : parseStored(w.endDate);
    const a = monthIndex(s, false);
    let b = w.current || !e ? (w.current ? nowIdx : a + 1) : monthIndex(e, true) + (e.m ? 1 : 0);
    if (b > nowIdx) b = nowIdx;
    if (b > a) ranges.push([a, b]);
  }
  ranges.sort((x, y) => x[0] - y[0]);
  let total = 0;
  let curS = -1;
  let curE = -1;
  for (const [a, b] of ranges) {
    if (a > curE) {
      if (curE > curS) total += curE - curS;
      curS = a;
      curE = b;
    } else curE = Math.max(curE, b);
  }
  if (curE > curS) total += curE - curS;
  return Math.round((total / 12) * 10) / 10;
};

const EXEC_RE = /\b(ceo|cto|cfo|coo|cio|cmo|chief|vice president|vp|president|director|founder|co-founder|managing partner|owner|general manager)\b/i;
const LEAD_RE = /\b(lead|manager|charge|supervisor|head|principal|staff engineer|team leader|foreman|superintendent)\b/i;
const SENIOR_RE = /\b(senior|sr\.?)\b/i;
const JUNIOR_RE = /\b(junior|jr\.?|entry[- ]level|graduate|associate|trainee|intern|apprentice|assistant)\b/i;
const PLAIN_IC_RE = /\b(engineer|developer|analyst|designer|scientist|programmer|consultant|accountant|specialist)\b/i;
const LEVELS: Seniority[] = ["student", "junior", "mid", "senior", "lead", "executive"];
const lvl = (s: Seniority): number => LEVELS.indexOf(s);
const maxLevel = (a: Seniority, b: Seniority): Seniority => (lvl(a) >= lvl(b) ? a : b);

const decideSeniority = (experience: WorkExperience[], professional: WorkExperience[], years: number, education: Education[], now: Date, text: string): Seniority => {
  if (professional.length === 0) {
    const year = now.getUTCFullYear();
    const studying =
      education.some((e) => e.endYear !== null && e.endYear >= year) ||
      /\b(expected graduation|currently (?:studying|enrolled|pursuing)|undergraduate|student)\b/i.test(text) ||
      (experience.length > 0 && education.length > 0);
    return studying ? "student" : "junior";
  }
  const latest = professional.find((w) => w.current) ?? professional[0];
  const title = latest?.title ?? "";
  let byYears: Seniority = years < 2 ? "junior" : years < 5 ? "mid" : years < 10 ? "senior" : "lead";
  if (EXEC_RE.test(title)) return "executive";
  if (LEAD_RE.test(title)) return years >= 3 ? maxLevel(byYears, "lead") : maxLevel(byYears, "mid");
  if (SENIOR_RE.test(title)) return maxLevel(byYears, "senior") === "lead" && years < 12 ? "senior" : maxLevel(byYears, "senior");
  if (JUNIOR_RE.test(title)) return years >= 4 ? "mid" : "junior";
  // A plain "Software Engineer" title after many years still reads as a mid-level role.
  if (PLAIN_IC_RE.test(title) && lvl(byYears) > lvl("mid")) byYears = "mid";
  return byYears;
};

/* ------------------------------------------------------------------ main */

const NAME_RE = /^[\p{Lu}][\p{L}'’.-]+(?:\s+[\p{Lu}][\p{L}'’.-]*){1,3}$/u;
const CREDENTIALS = /(?:,\s*(?:RN|BSN|MSN|LPN|NP|MD|PhD|MBA|CPA|PE|PMP|Esq\.?|MSc|BSc|BA|MA|CNA|APRN|DNP|CFA|ACCA))+\s*$/;

const titleCase = (s: string): string => (s === s.toUpperCase() ? s.toLowerCase().replace(/\b\p{L}/gu, (c) => c.toUpperCase()) : s);

const findName = (header: Line[]): string | null => {
  for (const l of header.slice(0, 8)) {
    const t = l.text.replace(CREDENTIALS, "").replace(/^name\s*:\s*/i, "").trim();
    if (!t || /[@\d]/.test(t) || sectionOf(t)) continue;
    const cand = titleCase(t);
    if (NAME_RE.test(cand) && !TITLE_WORDS.test(cand) && !INSTITUTION_RE.test(cand)) return cand;
  }
  return null;
};

const isContactLine = (t: string): boolean =>
  EMAIL_RE.test(t) || PHONE_RE.test(t) || new RegExp(URL_RE.source, "i").test(t) || /^(email|e-mail|phone|tel|mobile|linkedin|github|website|location|address)\b/i.test(t);

/** Extracts a structured profile from CV text (plain text, Markdown, or a JSON Resume document). */
export const extractProfile = (input: string, now: Date): ExtractedProfile => {
  let source = input;
  const trimmed = input.trim();
  if (trimmed.startsWith("{")) {
    try {
      const json = JSON.parse(trimmed) as unknown;
      if (isJsonResume(json)) source = jsonResumeToText(json);
    } catch {
      /* not JSON: read as text */
    }
  }
  const text = normaliseText(source);
  const lines = toLines(text);
  const cvText = lines.map((l) => (l.bullet ? `- ${l.text}` : l.text)).join("\n");
  const sections = splitSections(lines);
  const contact = sections.byKind.get("contact") ?? [];

  const email = EMAIL_RE.exec(cvText)?.[0] ?? null;
  let phone: string | null = null;
  for (const l of [...sections.header, ...contact, ...lines]) {
    if (/\b(19|20)\d{2}\s*[-–]\s*(19|20)\d{2}\b/.test(l.text)) continue;
    const m = PHONE_RE.exec(l.text.replace(EMAIL_RE, " "));
    if (m && m[0].replace(/\D/g, "").length >= 7) {
      phone = m[0].trim();
      break;
    }
  }
  const links = [...new Set([...cvText.matchAll(URL_RE)].map((m) => normaliseLink(m[0])).filter((u) => !u.includes("@")))];
  const name = findName(sections.header);
  const location = findLocation(sections.header, contact, lines);

  let headline: string | null = null;
  for (const l of sections.header) {
    const t = l.text;
    if (!t || t.replace(CREDENTIALS, "").trim() === name || titleCase(t) === name || isContactLine(t) || /^\d+$/.test(t)) continue;
    if (findLocationIn(t) && t.length < 40) continue;
    if (/[a-z]/i.test(t) && t.length <= 120) {
      headline = t;
      break;
    }
  }

  const summaryLines = (sections.byKind.get("summary") ?? []).map((l) => l.text).filter(Boolean);
  const summary = summaryLines.length > 0 ? summaryLines.join(" ").slice(0, 1_200) : null;

  const experience = groupEntries(sections.byKind.get("experience") ?? [])
    .map(toWork)
    .filter((w): w is WorkExperience => w !== null);
  const professional = experience.filter((w) => !NON_PROFESSIONAL.test(w.title));
  const totalYearsExperience = yearsOfExperience(professional, now);

  const education = toEducation(sections.byKind.get("education") ?? []);
  const skills = findSkills(cvText);
  const fields = fieldsOf(skills);
  const languages = findLanguages(sections, lines);
  const seniority = decideSeniority(experience, professional, totalYearsExperience, education, now, cvText);

  return {
    name,
    email,
    phone,
    links,
    location,
    headline: headline ?? experience[0]?.title ?? null,
    summary,
    skills,
    fields,
    experience,
    totalYearsExperience,
    education,
    languages,
    seniority,
  };
};
