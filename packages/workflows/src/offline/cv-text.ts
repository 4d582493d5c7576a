import { PermanentError } from "@job-agent/shared/errors";
import type { CvSource } from "../ports.js";
import { sniffDocument } from "./cv-sniff.js";
import type { CvText } from "../schemas.js";

/** Longest CV text we accept (characters, after normalisation). */
export const MAX_CV_CHARS = 200_000;

const DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const BINARY_TYPES: Record<string, string> = {
  "application/pdf": "PDF",
  [DOCX_MEDIA_TYPE]: "DOCX",
  "application/msword": "DOC",
};

/**
 * Normalises extracted CV text: line endings, control characters, odd hyphen
 * and space glyphs, runs of spaces and tabs. Keeps the line structure.
 */
export const normaliseText = (raw: string): string => {
  let t = raw.replace(/^\uFEFF/, "");
  t = t.replace(/\r\n/g, "\n");
  // PDF exports (Word) put "\t\r\u00A0" between words: a lone CR next to blanks is a word gap, not a line break.
  t = t.replace(/[ \t\u00A0]*\r[ \t\u00A0]*/g, (m) => (/[ \t\u00A0]/.test(m) ? " " : "\n"));
  t = t.replace(/[\u2028\u2029\u0085\f\v]/g, "\n");
  t = t.replace(/\u00AD/g, ""); // soft hyphen
  t = t.replace(/[\u2010\u2011\u2012\u2043\u2212]/g, "-");
  t = t.replace(/(\w)-{2,}(\w)/g, "$1-$2"); // "555-\u00AD\u2010" → "555--" → "555-"
  t = t.replace(/[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g, " ");
  t = t.replace(/[\u200B-\u200D\u2060]/g, "");
  t = t.replace(/[\u2018\u2019\u201B]/g, "'").replace(/[\u201C\u201D]/g, '"');
  t = t.replace(/\uFB01/g, "fi").replace(/\uFB02/g, "fl").replace(/\uFB00/g, "ff");
  // eslint-disable-next-line no-control-regex
  t = t.replace(/[\u0000-\u0008\u000E-\u001F\u007F-\u009F]/g, "");
  t = t.replace(/[ \t]+/g, " ");
  t = t
    .split("\n")
    .map((l) => l.trim())
    .join("\n");
  t = t.replace(/\n{3,}/g, "\n\n");
  return t.trim();
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === "string" ? v.trim() : "");
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** "2013-12-01" → "December 2013"; "2014" → "2014". */
const jsonDate = (v: unknown): string => {
  const s = str(v);
  const m = /^(\d{4})(?:-(\d{1,2}))?/.exec(s);
  if (!m) return s;
  const month = m[2] ? MONTHS[Number(m[2]) - 1] : undefined;
  return month ? `${month} ${m[1]}` : (m[1] ?? s);
};

const dateRange = (start: unknown, end: unknown): string => {
  const a = jsonDate(start);
  const b = str(end) ? jsonDate(end) : a ? "Present" : "";
  return a && b ? `${a} - ${b}` : a || b;
};

/** Looks like a JSON Resume document (https://jsonresume.org/schema). */
export const isJsonResume = (v: unknown): v is Record<string, unknown> =>
  isRecord(v) && (isRecord(v.basics) || Array.isArray(v.work) || Array.isArray(v.education) || Array.isArray(v.skills));

/** Renders a JSON Resume document as plain CV text that the extractor reads like any other CV. */
export const jsonResumeToText = (doc: Record<string, unknown>): string => {
  const out: string[] = [];
  const basics = isRecord(doc.basics) ? doc.basics : {};
  if (str(basics.name)) out.push(str(basics.name));
  if (str(basics.label)) out.push(str(basics.label));
  if (str(basics.email)) out.push(`Email: ${str(basics.email)}`);
  if (str(basics.phone)) out.push(`Phone: ${str(basics.phone)}`);
  if (str(basics.url)) out.push(`Website: ${str(basics.url)}`);
  for (const p of arr(basics.profiles)) {
    if (!isRecord(p)) continue;
    const url = str(p.url);
    const label = str(p.network) || "Profile";
    if (url) out.push(`${label}: ${url}`);
    else if (str(p.username)) out.push(`${label}: ${str(p.username)}`);
  }
  if (isRecord(basics.location)) {
    const loc = basics.location;
    const parts = [str(loc.city), str(loc.region), str(loc.countryCode)].filter(Boolean);
    if (parts.length > 0) out.push(`Location: ${parts.join(", ")}`);
  }
  if (str(basics.summary)) out.push("", "SUMMARY", str(basics.summary));

  const jobs = (key: string, heading: string, orgKey: string, titleKey: string): void => {
    const items = arr(doc[key]).filter(isRecord);
    if (items.length === 0) return;
    out.push("", heading);
    for (const w of items) {
      const org = str(w[orgKey]) || str(w.company) || str(w.organization);
      const title = str(w[titleKey]) || str(w.position);
      out.push("", [title, org].filter(Boolean).join(" at ") || org);
      const meta = [str(w.location), dateRange(w.startDate, w.endDate)].filter(Boolean).join(" | ");
      if (meta) out.push(meta);
      if (str(w.summary)) out.push(`- ${str(w.summary)}`);
      for (const h of arr(w.highlights)) if (str(h)) out.push(`- ${str(h)}`);
    }
  };
  jobs("work", "WORK EXPERIENCE", "name", "position");
  jobs("volunteer", "VOLUNTEER EXPERIENCE", "organization", "position");

  const education = arr(doc.education).filter(isRecord);
  if (education.length > 0) {
    out.push("", "EDUCATION");
    for (const e of education) {
      const degree = [str(e.studyType), str(e.area)].filter(Boolean).join(" in ");
      out.push("");
      if (degree) out.push(degree);
      if (str(e.institution)) out.push(str(e.institution));
      const when = dateRange(e.startDate, e.endDate);
      if (when) out.push(when);
      if (str(e.score)) out.push(`GPA: ${str(e.score)}`);
      const courses = arr(e.courses).map(str).filter(Boolean);
      if (courses.length > 0) out.push(`Courses: ${courses.join(", ")}`);
    }
  }

  const certs = arr(doc.certificates).filter(isRecord);
  if (certs.length > 0) {
    out.push("", "CERTIFICATIONS");
    for (const c of certs) out.push(`- ${[str(c.name), str(c.issuer)].filter(Boolean).join(", ")}`);
  }

  const skills = arr(doc.skills).filter(isRecord);
  if (skills.length > 0) {
    out.push("", "SKILLS");
    for (const s of skills) {
      const kws = arr(s.keywords).map(str).filter(Boolean);
      const name = str(s.name);
      out.push(kws.length > 0 ? `${name ? `${name}: ` : ""}${kws.join(", ")}` : name);
    }
  }

  const languages = arr(doc.languages).filter(isRecord);
  if (languages.length > 0) {
    out.push("", "LANGUAGES");
    for (const l of languages) {
      const fluency = str(l.fluency);
      out.push(`${str(l.language)}${fluency ? ` (${fluency})` : ""}`);
    }
  }

  const projects = arr(doc.projects).filter(isRecord);
  if (projects.length > 0) {
    out.push("", "PROJECTS");
    for (const p of projects) {
      out.push("", [str(p.name), str(p.description)].filter(Boolean).join(" - "));
      for (const h of arr(p.highlights)) if (str(h)) out.push(`- ${str(h)}`);
      const kws = arr(p.keywords).map(str).filter(Boolean);
      if (kws.length > 0) out.push(`- Technologies: ${kws.join(", ")}`);
    }
  }

  const awards = arr(doc.awards).filter(isRecord);
  if (awards.length > 0) {
    out.push("", "AWARDS");
    for (const a of awards) out.push(`- ${[str(a.title), str(a.awarder), jsonDate(a.date)].filter(Boolean).join(", ")}`);
  }
  return out.join("\n");
};

const tryJson = (text: string): unknown => {
  const t = text.trim();
  if (!t.startsWith("{")) return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
};

const looksLikeMarkdown = (text: string): boolean =>
  /^#{1,6}\s+\S/m.test(text) || /\*\*[^*\n]+\*\*/.test(text) || /^\s*[-*]\s+\S/m.test(text) && /\[[^\]]+\]\([^)]+\)/.test(text);

const decodeUtf8 = (bytes: Uint8Array): string => new TextDecoder("utf-8", { fatal: false }).decode(bytes);

/**
 * Reads the text of a stored CV: plain text, Markdown or JSON Resume (from
 * text or UTF-8 bytes). PDF and DOCX bytes are handled elsewhere.
 */
export const readCvText = (source: CvSource): CvText => {
  const mediaType = source.mediaType.toLowerCase().split(";")[0]?.trim() ?? "";
  const filename = source.filename?.toLowerCase() ?? "";
  let raw: string;
  if (source.text !== null) {
    raw = source.text;
  } else if (source.bytes) {
    const sniffed = sniffDocument(source.bytes);
    const kind = sniffed === "pdf" ? "PDF" : sniffed === "docx" ? "DOCX" : BINARY_TYPES[mediaType];
    if (sniffed === "zip" || sniffed === "binary") throw new PermanentError("the CV is neither PDF, DOCX nor UTF-8 text", "unsupported_format");
    if (kind) {
      throw new PermanentError(
        `${kind} files cannot be read by the plain-text reader; the ${kind} text must be extracted first`,
        "unsupported_format",
      );
    }
    if (!(mediaType.startsWith("text/") || mediaType === "application/json" || mediaType === "" || mediaType === "application/octet-stream")) {
      throw new PermanentError(`unsupported CV format: ${source.mediaType}`, "unsupported_format");
    }
    raw = decodeUtf8(source.bytes);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000]/.test(raw.slice(0, 4_096))) throw new PermanentError("the CV file is binary, not text", "unsupported_format");
  } else {
    throw new PermanentError("the CV has no readable text", "cv_empty");
  }

  if (raw.length > MAX_CV_CHARS * 4) {
    throw new PermanentError(`the CV text is longer than ${MAX_CV_CHARS} characters`, "cv_too_long");
  }

  let format: CvText["format"] = "text";
  let body = raw;
  const json = mediaType === "application/json" || filename.endsWith(".json") || raw.trimStart().startsWith("{") ? tryJson(raw) : undefined;
  if (json !== undefined && isJsonResume(json)) {
    format = "json";
    body = jsonResumeToText(json);
  } else if (mediaType === "text/markdown" || filename.endsWith(".md") || looksLikeMarkdown(raw)) {
    format = "markdown";
  }

  const text = normaliseText(body);
  if (text.replace(/[^\p{L}\p{N}]/gu, "").length === 0) throw new PermanentError("the CV has no readable text", "cv_empty");
  if (text.length > MAX_CV_CHARS) {
    throw new PermanentError(`the CV text is longer than ${MAX_CV_CHARS} characters`, "cv_too_long");
  }
  return { text, format, chars: text.length };
};
