import type { CompanyResearch, ExtractedProfile, Materials, ScoredPosting, WorkExperience } from "../schemas.js";
import { fieldOf } from "./vocabulary.js";

/**
 * Cover letter and CV highlights from facts only: the profile (employers,
 * titles, years, skills, education) and the posting. Nothing is invented;
 * with no profile the letter is an honest template with placeholders.
 */

const CERTIFICATIONS = new Set([
  "Basic Life Support (BLS)",
  "Advanced Cardiovascular Life Support (ACLS)",
  "Pediatric Advanced Life Support (PALS)",
  "CPR",
  "CPA",
  "ACCA",
  "Journeyman License",
  "Teaching Certification",
  "Bar Admission",
  "Commercial Driving",
  "Registered Nurse",
  "Licensed Practical Nurse",
]);

const joinList = (items: string[]): string =>
  items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;

const year = (d: string | null): string | null => (d ? d.slice(0, 4) : null);

const span = (w: WorkExperience): string => {
  const a = year(w.startDate);
  const b = w.current ? "present" : year(w.endDate);
  if (a && b && a !== b) return `${a}–${b}`;
  return a ?? b ?? "";
};

const role = (w: WorkExperience): string => (w.company ? `${w.title} at ${w.company}` : w.title);

const stripEnd = (s: string): string => s.replace(/[.;,\s]+$/, "");

/** The first duty the posting lists, to say why the role appeals (in the posting's own words). */
const firstDuty = (description: string): string | null => {
  const m = /(?:what you will do|what you'll do|responsibilities|your role|the role)[^\n]*\n((?:\s*[-*•].*\n?)+)/i.exec(description);
  const line = m?.[1]?.split("\n").find((l) => /^\s*[-*•]\s+\S/.test(l));
  if (!line) return null;
  const t = stripEnd(line.replace(/^\s*[-*•]\s+/, ""));
  return t.length > 0 && t.length < 160 ? t.charAt(0).toLowerCase() + t.slice(1) : null;
};

const words = (s: string): Set<string> => new Set(s.toLowerCase().match(/[a-z][a-z+#.]+/g) ?? []);

/** The CV bullet that overlaps most with the posting's wording and matched skills. */
const bestHighlights = (profile: ExtractedProfile, postingText: string, matched: string[]): { job: WorkExperience; text: string }[] => {
  const postingWords = words(postingText);
  const skillWords = matched.map((s) => s.toLowerCase());
  const scored: { job: WorkExperience; text: string; score: number }[] = [];
  profile.experience.forEach((job, ji) => {
    for (const h of job.highlights) {
      if (h.length < 15 || h.length > 240) continue;
      const lower = h.toLowerCase();
      let score = skillWords.filter((s) => lower.includes(s)).length * 3;
      for (const w of words(h)) if (w.length > 3 && postingWords.has(w)) score += 1;
      score -= ji * 0.5;
      scored.push({ job, text: stripEnd(h), score });
    }
  });
  return scored.sort((a, b) => b.score - a.score);
};

const templateLetter = (match: ScoredPosting, duty: string | null): Materials => {
  const p = match.posting;
  const asks = match.reasons.missingSkills.concat(match.reasons.matchedSkills).filter((s) => fieldOf(s) !== "general").slice(0, 5);
  const letter = [
    `Dear Hiring Team at ${p.company},`,
    `I am writing to apply for the ${p.title} position${p.location ? ` (${p.location})` : ""}. [Introduce yourself: your current or most recent role and the experience most relevant to this position.]`,
    asks.length > 0
      ? `Your posting asks for ${joinList(asks)}. [Give one concrete example of your work with the ones you have used, and say honestly which ones you are still learning.]`
      : "[Describe one concrete result from your work that shows you can do this job well.]",
    `${duty ? `The chance to ${duty} is the kind of work I want to do next. ` : ""}I would welcome the chance to discuss how I can contribute to your team. Thank you for your time and consideration.`,
    "Kind regards,\n[Your name]",
  ].join("\n\n");
  const highlights = [
    asks.length > 0 ? `Show your experience with ${joinList(asks.slice(0, 3))}.` : `Show the experience most relevant to ${p.title}.`,
    "Lead with your most recent role: title, employer and dates.",
    "Add one measurable result you can back up (only numbers you can prove).",
  ];
  return { coverLetter: letter, highlights };
};

/** A cover letter a person could send and 3–5 CV highlights, built only from the profile and the posting. */
export const writeMaterials = (input: { profile: ExtractedProfile | null; match: ScoredPosting; research: CompanyResearch }): Materials => {
  const { profile, match } = input;
  const p = match.posting;
  const duty = firstDuty(p.description);
  if (!profile) return templateLetter(match, duty);

  const matched = match.reasons.matchedSkills.filter((s) => profile.skills.includes(s));
  const hardMatched = matched.filter((s) => fieldOf(s) !== "general");
  const softMatched = matched.filter((s) => fieldOf(s) === "general");
  const missing = match.reasons.missingSkills.filter((s) => !profile.skills.includes(s));
  const jobs = profile.experience;
  const current = jobs.find((j) => j.current) ?? null;
  const latest = current ?? jobs[0] ?? null;
  const starts = jobs.map((j) => year(j.startDate)).filter((y): y is string => y !== null).sort();
  const edu = profile.education[0] ?? null;

  // Paragraph 1: who I am, from the CV.
  const p1: string[] = [`I am writing to apply for the ${p.title} position${p.location ? ` (${p.location})` : ""}.`];
  if (current) p1.push(`I currently work as ${role(current)}${year(current.startDate) ? `, a role I have held since ${year(current.startDate)}` : ""}.`);
  else if (latest) p1.push(`Most recently I worked as ${role(latest)}${span(latest) ? ` (${span(latest)})` : ""}.`);
  else if (edu) {
    const degree = [edu.degree, edu.field ? `in ${edu.field}` : null].filter(Boolean).join(" ");
    p1.push(`My background is ${degree ? `a ${degree}` : "my studies"}${edu.institution ? ` at ${edu.institution}` : ""}${edu.endYear ? ` (${edu.endYear})` : ""}.`);
  }
  const earlier = jobs.filter((j) => j !== latest).slice(0, 2);
  if (earlier.length > 0) p1.push(`Before that I worked as ${joinList(earlier.map(role))}${starts[0] ? `, with experience going back to ${starts[0]}` : ""}.`);

  // Paragraph 2: the skills the posting asks for that the CV shows, and one example in the CV's own words.
  const p2: string[] = [];
  if (hardMatched.length > 0) {
    p2.push(`Your posting asks for ${joinList(hardMatched.slice(0, 5))}, all of which are part of my background.`);
  } else if (profile.skills.length > 0) {
    p2.push(`My background is in ${joinList(profile.skills.filter((s) => fieldOf(s) !== "general").slice(0, 4)) || joinList(profile.skills.slice(0, 3))}, and I would bring that experience to this role.`);
  }
  const best = bestHighlights(profile, `${p.title} ${p.description}`, matched)[0];
  if (best) p2.push(`One example from my time ${best.job.company ? `at ${best.job.company}` : `as ${best.job.title}`}: ${best.text.charAt(0).toLowerCase()}${best.text.slice(1)}.`);
  if (softMatched.length > 0) p2.push(`I also bring ${joinList(softMatched.slice(0, 3).map((s) => s.toLowerCase()))}.`);
  if (missing.length > 0 && hardMatched.length > 0) p2.push(`I would be glad to grow further in ${joinList(missing.slice(0, 2))}.`);
  if (p2.length === 0) p2.push("I would bring care, reliability and a willingness to learn to this role.");

  // Paragraph 3: why this role, in the posting's words, and a close.
  const p3 = `${duty ? `The chance to ${duty} at ${p.company} is exactly the kind of work I want to do next. ` : ""}I would welcome the chance to discuss how I can contribute to your team. Thank you for your time and consideration.`;

  const signature = [profile.name ?? "[Your name]", [profile.email, profile.phone].filter(Boolean).join(" · ")].filter(Boolean).join("\n");
  const coverLetter = [`Dear Hiring Team at ${p.company},`, p1.join(" "), p2.join(" "), p3, `Kind regards,\n${signature}`].join("\n\n");

  // Highlights: facts from the CV that this posting cares about.
  const highlights: string[] = [];
  if (latest) highlights.push(`${role(latest)}${span(latest) ? ` (${span(latest)})` : ""}`);
  if (hardMatched.length > 0) highlights.push(`Skills this posting asks for: ${hardMatched.slice(0, 6).join(", ")}`);
  const certs = profile.skills.filter((s) => CERTIFICATIONS.has(s));
  if (certs.length > 0) highlights.push(`Licences and certifications: ${certs.join(", ")}`);
  for (const h of bestHighlights(profile, `${p.title} ${p.description}`, matched).slice(0, 2)) {
    if (highlights.length >= 4) break;
    highlights.push(h.text);
  }
  if (edu && highlights.length < 5) {
    const degree = [edu.degree, edu.field ? `in ${edu.field}` : null].filter(Boolean).join(" ");
    const eduLine = [degree, edu.institution, edu.endYear ? String(edu.endYear) : null].filter(Boolean).join(", ");
    if (eduLine) highlights.push(eduLine);
  }
  for (const j of earlier) if (highlights.length < 3) highlights.push(`${role(j)}${span(j) ? ` (${span(j)})` : ""}`);
  if (highlights.length < 3 && profile.languages.length > 0) highlights.push(`Languages: ${profile.languages.join(", ")}`);
  if (highlights.length < 3 && profile.location) highlights.push(`Based in ${profile.location}`);
  for (const t of templateLetter(match, duty).highlights) if (highlights.length < 3) highlights.push(t);

  return { coverLetter, highlights: highlights.slice(0, 5) };
};
