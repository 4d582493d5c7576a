import type { CompanyResearch, JobPosting } from "../schemas.js";
import { fieldOf, findSkills } from "./vocabulary.js";

const INDUSTRIES: [RegExp, string][] = [
  [/\b(hospital|clinic|patients?|healthcare|health care|medical|care homes?|nursing)\b/i, "healthcare"],
  [/\b(pharmac(y|ies)|prescriptions?|dispensary)\b/i, "pharmacy"],
  [/\b(bank|banking|insurance|payments?|fintech|asset manager|investment)\b/i, "financial services"],
  [/\b(accounting firm|audit|bookkeeping|tax practice|chartered accountants)\b/i, "accounting"],
  [/\b(saas|software|platform|developer tools|app|cloud)\b/i, "software / technology"],
  [/\b(logistics|freight|trucking|distribution cent(er|re)s?|delivery|warehouse)\b/i, "logistics"],
  [/\b(school|district|tutoring|students|classroom|college|university)\b/i, "education"],
  [/\b(law firm|litigation|legal team|attorneys?|solicitors?)\b/i, "legal"],
  [/\b(contractor|construction|hvac|electrical)\b/i, "construction and building services"],
  [/\b(manufactur\w+|fabricat\w+|industrial equipment)\b/i, "manufacturing"],
  [/\b(hotels?|restaurant|coffee|kitchen|hospitality|guests)\b/i, "hospitality"],
  [/\b(retailer|stores?|shop floor|grocery)\b/i, "retail"],
  [/\b(marketing agency|creative studio|campaigns|brands?)\b/i, "marketing and media"],
];

const SIZE_PATTERNS: [RegExp, (m: RegExpExecArray) => string][] = [
  [/\b(?:about|around|over|more than|nearly)?\s*(\d[\d,]*\+?)\s+(?:people|employees|staff|team members)\b/i, (m) => `about ${m[1]} people`],
  [/\bearly[- ]stage startup\b/i, () => "an early-stage startup"],
  [/\bseries [a-e]\b/i, (m) => `a venture-backed (${m[0]}) company`],
  [/\bstartup\b/i, () => "a startup"],
  [/\bfamily[- ]owned\b/i, () => "a family-owned business"],
  [/\bfortune 500\b/i, () => "a Fortune 500 company"],
];

const BENEFITS: [RegExp, string][] = [
  [/\bhealth(,| and)? (dental|insurance)|medical insurance|health insurance\b/i, "health insurance"],
  [/\bdental\b/i, "dental cover"],
  [/\b401\(?k\)?|retirement plan|pension\b/i, "retirement plan"],
  [/\b(\d+ days of )?paid time off|\bpto\b|\bvacation days\b/i, "paid time off"],
  [/\bparental leave\b/i, "parental leave"],
  [/\bflexible (working )?hours|flexible schedule\b/i, "flexible hours"],
  [/\b(learning|training|development) budget|tuition reimbursement\b/i, "learning budget"],
  [/\bstock options|equity\b/i, "equity / stock options"],
  [/\bwellness\b/i, "wellness allowance"],
  [/\bfree meals|meals on shift\b/i, "meals on shift"],
  [/\bemployee discount\b/i, "employee discount"],
  [/\bpaid overtime\b/i, "paid overtime"],
  [/\brelocation\b/i, "relocation support"],
];

const sentenceWith = (text: string, re: RegExp): string | null => {
  for (const s of text.split(/(?<=[.!?])\s+|\n+/)) if (re.test(s)) return s.trim();
  return null;
};

/** What can be learned about the employer from the posting alone. */
export const researchCompany = (posting: JobPosting): CompanyResearch => {
  const text = `${posting.title}\n${posting.description}`;
  const facts: string[] = [];

  const industryScores = INDUSTRIES.map(([re, name]) => ({ name, n: (text.match(new RegExp(re.source, "gi")) ?? []).length })).filter((x) => x.n > 0);
  industryScores.sort((a, b) => b.n - a.n);
  const industry = industryScores[0]?.name ?? null;
  if (industry) facts.push(`Industry (from the wording of the posting): ${industry}.`);

  let size: string | null = null;
  for (const [re, f] of SIZE_PATTERNS) {
    const m = re.exec(posting.description);
    if (m) {
      size = f(m);
      break;
    }
  }
  if (size) facts.push(`Size: ${size}.`);

  const remoteSentence = sentenceWith(posting.description, /\b(remote|hybrid|on-site|onsite|in the office|in our .* office)\b/i);
  const policy = posting.remote
    ? "remote"
    : remoteSentence && /hybrid/i.test(remoteSentence)
      ? "hybrid"
      : remoteSentence && /remote/i.test(remoteSentence)
        ? "remote-friendly"
        : "on-site";
  facts.push(`Work arrangement: ${policy}${remoteSentence ? ` ("${remoteSentence}")` : ""}.`);
  if (posting.location) facts.push(`Location: ${posting.location}.`);

  const benefits = BENEFITS.filter(([re]) => re.test(posting.description)).map(([, name]) => name);
  if (benefits.length > 0) facts.push(`Benefits mentioned: ${benefits.join(", ")}.`);

  const skills = findSkills(text);
  const stack = skills.filter((s) => ["software", "data", "design"].includes(fieldOf(s) ?? ""));
  if (stack.length > 0) facts.push(`Tools and technology named: ${stack.slice(0, 10).join(", ")}.`);
  else {
    const tools = skills.filter((s) => fieldOf(s) !== "general").slice(0, 8);
    if (tools.length > 0) facts.push(`Skills and tools named: ${tools.join(", ")}.`);
  }

  if (posting.salary && (posting.salary.min !== null || posting.salary.max !== null)) {
    const s = posting.salary;
    const range = [s.min, s.max].filter((n): n is number => n !== null).map((n) => n.toLocaleString("en-US")).join("-");
    facts.push(`Pay stated: ${s.currency ?? ""} ${range}${s.period ? ` per ${s.period}` : ""}.`.replace(/\s+/g, " "));
  }

  const parts: string[] = [];
  if (industry || size) parts.push(`${posting.company} appears to be ${size ?? "a company"}${industry ? ` in ${industry}` : ""}`);
  parts.push(`the role is ${policy}${posting.location ? ` (${posting.location})` : ""}`);
  if (benefits.length > 0) parts.push(`it mentions ${benefits.slice(0, 4).join(", ")}`);
  const summary =
    parts.length > 0
      ? `From the posting: ${parts.join("; ")}. Nothing beyond the posting was checked.`
      : `From the posting: little is said about ${posting.company} beyond the role itself.`;

  return { company: posting.company, summary, facts, basis: "posting" };
};
