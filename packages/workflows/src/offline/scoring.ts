import type { ExtractedProfile, JobPosting, ScoredPosting, Seniority } from "../schemas.js";
import { postingKey } from "../schemas.js";
import { normalWord, parsePlace, placeFit, titleSimilarity, titleWords } from "./text.js";
import { suggestTitles } from "./titles.js";
import { fieldOf, fieldsOf, findSkillsInTokens, skillEntry, tokenize } from "./vocabulary.js";

/* ---------------------------------------------------------------- posting features */

interface PostingFeatures {
  skills: string[];
  /** Skills without soft skills: what the posting really asks for. */
  hardSkills: string[];
  title: string[];
  desc: Set<string>;
  level: Seniority;
  levelStated: boolean;
  fields: string[];
}

const LEVELS: Seniority[] = ["student", "junior", "mid", "senior", "lead", "executive"];

const levelOfTitle = (title: string): Seniority | null => {
  if (/\b(chief|vp|vice president|director|head of|cto|cfo|ceo|coo|partner)\b/i.test(title)) return "executive";
  if (/\b(lead|manager|principal|staff|supervisor|foreman|head)\b/i.test(title)) return "lead";
  if (/\b(senior|sr\.?|charge nurse)\b/i.test(title)) return "senior";
  if (/\b(intern|internship|student|apprentice|trainee)\b/i.test(title)) return "student";
  if (/\b(junior|jr\.?|entry[- ]level|graduate|new graduate|associate|assistant|helper)\b/i.test(title)) return "junior";
  return null;
};

/** The posting's level, and whether the posting states it (title, "entry-level", years asked) or it is assumed. */
const levelOfPosting = (p: JobPosting): { level: Seniority; stated: boolean } => {
  const byTitle = levelOfTitle(p.title);
  if (byTitle) return { level: byTitle, stated: true };
  const d = p.description;
  if (/\b(entry[- ]level|new graduates?|no experience (is )?(required|needed))\b/i.test(d)) return { level: "junior", stated: true };
  if (/\b(senior role|senior level)\b/i.test(d)) return { level: "senior", stated: true };
  if (/\b(executive role|director[- ]level)\b/i.test(d)) return { level: "executive", stated: true };
  const years = /\b(\d{1,2})\s*\+?\s*(?:-\s*\d{1,2}\s*)?years?\b/i.exec(d);
  if (years) {
    const n = Number(years[1]);
    if (n >= 12) return { level: "executive", stated: true };
    if (n >= 8) return { level: "lead", stated: true };
    if (n >= 5) return { level: "senior", stated: true };
    if (n <= 1) return { level: "junior", stated: true };
    return { level: "mid", stated: true };
  }
  return { level: "mid", stated: false };
};

const FEATURES = new Map<string, PostingFeatures>();
const MAX_MEMO = 20_000;

const featuresOf = (p: JobPosting): PostingFeatures => {
  const key = `${postingKey(p)}\u0000${p.title}\u0000${p.description.length}`;
  const hit = FEATURES.get(key);
  if (hit) return hit;
  const text = `${p.title}\n${p.description}`;
  const tokens = tokenize(text);
  const skills = findSkillsInTokens(text, tokens);
  const desc = new Set<string>();
  for (const t of tokens) {
    const simple = !t.lower.includes(".") && !t.lower.includes("&") && !t.lower.includes("'");
    for (const part of simple ? [t.lower] : t.lower.split(/[.&']+/)) {
      const w = part ? normalWord(part) : "";
      if (w) desc.add(w);
    }
  }
  const hardSkills = skills.filter((s) => fieldOf(s) !== "general");
  const level = levelOfPosting(p);
  const f: PostingFeatures = {
    skills,
    hardSkills,
    title: titleWords(p.title),
    desc,
    level: level.level,
    levelStated: level.stated,
    fields: fieldsOf(hardSkills),
  };
  if (FEATURES.size >= MAX_MEMO) FEATURES.clear();
  FEATURES.set(key, f);
  return f;
};

/* ---------------------------------------------------------------- profile features */

interface ProfileFeatures {
  skills: Set<string>;
  titles: string[][];
  level: Seniority;
  fields: string[];
}

const profileFeatures = (profile: ExtractedProfile): ProfileFeatures => {
  const skills = new Set(profile.skills);
  for (const s of profile.skills) for (const i of skillEntry(s)?.implies ?? []) skills.add(i);
  const titleTexts = [
    ...profile.experience.slice(0, 3).map((w) => w.title),
    ...(profile.headline && profile.headline.length < 80 ? [profile.headline] : []),
    ...suggestTitles(profile),
  ];
  const titles = titleTexts.flatMap((t) => t.split(/\s*[/|]\s*/)).map(titleWords).filter((t) => t.length > 0);
  return { skills, titles, level: profile.seniority, fields: profile.fields };
};

/* ---------------------------------------------------------------- scoring */

/**
 * How well a posting's level fits the level wanted (asked in the query, or the
 * person's own). A role far below the person's level is as poor a fit as one
 * far above it: a senior engineer does not want a junior posting.
 */
const seniorityFit = (want: Seniority | null, have: Seniority, stated = true): { score: number; label: string } => {
  if (!want) return { score: 0.7, label: `${have} role` };
  if (!stated) {
    const fits = want === "mid" || want === "senior" || want === "lead";
    return { score: fits ? 0.8 : 0.5, label: `the posting does not state a level; it reads as a ${have} role` };
  }
  const gap = LEVELS.indexOf(have) - LEVELS.indexOf(want);
  // student ≈ junior for entry-level roles
  const d = want === "student" && (have === "junior" || have === "student") ? 0 : gap;
  if (d === 0) return { score: 1, label: `${have} role, matching your ${want} level` };
  if (d === 1) return { score: 0.65, label: `${have} role, one step above your ${want} level` };
  if (d === -1) return { score: 0.55, label: `${have} role, one step below your ${want} level` };
  if (d > 1) return { score: 0.15, label: `${have} role, well above your ${want} level` };
  return { score: 0, label: `${have} role, well below your ${want} level` };
};

const queryLevel = (query: string): Seniority | null => levelOfTitle(query);

const list = (items: string[], max = 5): string =>
  items.length <= max ? items.join(", ") : `${items.slice(0, max).join(", ")} and ${items.length - max} more`;

const round1 = (n: number): number => Math.round(n * 10) / 10;

/**
 * Scores postings 0–100 against the profile (skills with synonyms, title
 * similarity, seniority, place, text relevance), or against the query and
 * place alone when there is no profile.
 */
export const scorePostings = (input: {
  profile: ExtractedProfile | null;
  query: string;
  location: string;
  postings: JobPosting[];
}): ScoredPosting[] => {
  const { profile, query, location, postings } = input;
  const place = parsePlace(location);
  const qWords = [...new Set(titleWords(query))];
  const prof = profile ? profileFeatures(profile) : null;
  const wantLevel = queryLevel(query) ?? prof?.level ?? null;

  return postings.map((posting) => {
    const f = featuresOf(posting);
    const qSim = titleSimilarity(qWords, f.title);
    const pSim = prof ? prof.titles.reduce((m, t) => Math.max(m, titleSimilarity(t, f.title)), 0) : 0;
    const titleSim = Math.max(qSim, 0.9 * pSim);
    let textRel = 0;
    if (qWords.length > 0) textRel = qWords.filter((w) => f.desc.has(w)).length / qWords.length;
    const fit = placeFit(place, posting.location, posting.remote);
    const sen = seniorityFit(wantLevel, f.level, f.levelStated);

    const matched: string[] = [];
    const missing: string[] = [];
    if (prof) {
      for (const s of f.hardSkills) (prof.skills.has(s) ? matched : missing).push(s);
      for (const s of f.skills) if (!f.hardSkills.includes(s) && prof.skills.has(s)) matched.push(s);
    }

    let score: number;
    const summary: string[] = [];
    if (prof) {
      const hardMatched = f.hardSkills.filter((s) => prof.skills.has(s)).length;
      const coverage = f.hardSkills.length > 0 ? hardMatched / f.hardSkills.length : 0;
      // the field of the posting vs the person's fields
      const fieldFit =
        prof.fields.length === 0 || f.fields.length === 0
          ? 0.5
          : prof.fields.slice(0, 3).includes(f.fields[0] ?? "")
            ? 1
            : f.fields.some((x) => prof.fields.includes(x))
              ? 0.5
              : 0;
      if (qWords.length === 0) textRel = fieldFit;
      score = 36 * Math.min(1, coverage * 1.25) + 32 * titleSim + 12 * sen.score + 8 * textRel + 12 * fieldFit;
      if (f.hardSkills.length > 0) {
        summary.push(
          hardMatched > 0
            ? `You have ${hardMatched} of the ${f.hardSkills.length} skills the posting mentions: ${list(matched.filter((s) => f.hardSkills.includes(s)))}.`
            : `None of the ${f.hardSkills.length} skills the posting mentions appear in your profile.`,
        );
      }
      if (missing.length > 0 && hardMatched > 0) summary.push(`Missing from your profile: ${list(missing, 4)}.`);
      if (fieldFit === 0) summary.push(`The role is in ${f.fields[0] ?? "another field"}, outside your usual field${prof.fields.length > 1 ? "s" : ""}.`);
    } else {
      score = 60 * titleSim + 22 * textRel + 18 * sen.score;
    }
    // place and level are gates more than features: an on-site job outside the asked area, or a role
    // two levels away from the person's, is rarely wanted however well the skills match
    score *= (0.5 + 0.5 * fit.score) * (0.72 + 0.28 * sen.score);

    if (titleSim >= 0.85) summary.push(`The title "${posting.title}" closely matches ${qSim >= pSim * 0.9 && qWords.length > 0 ? `your search "${query}"` : "your experience"}.`);
    else if (titleSim >= 0.4) summary.push(`The title "${posting.title}" is related to ${qSim >= pSim * 0.9 && qWords.length > 0 ? `your search "${query}"` : "your experience"}.`);
    else summary.push(`The title "${posting.title}" is not close to ${qWords.length > 0 ? `your search "${query}"` : "your experience"}.`);
    summary.push(`${sen.label.charAt(0).toUpperCase()}${sen.label.slice(1)}.`);
    summary.push(`${fit.label}.`);

    return {
      posting,
      score: Math.max(0, Math.min(100, round1(score))),
      reasons: {
        matchedSkills: matched,
        missingSkills: missing,
        titleSimilarity: Math.round(titleSim * 100) / 100,
        seniorityFit: sen.label,
        locationFit: fit.label,
        summary,
      },
    };
  });
};
