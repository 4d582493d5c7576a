import { z } from "zod";

/** Shapes shared by the nodes, the ports and the stored checkpoints. */

export const Seniority = z.enum(["student", "junior", "mid", "senior", "lead", "executive"]);
export type Seniority = z.infer<typeof Seniority>;

/** Dates are `YYYY-MM` (or `YYYY`) strings; `endDate: null` with `current: true` means "present". */
export const WorkExperience = z.object({
  title: z.string(),
  company: z.string().nullable(),
  location: z.string().nullable(),
  startDate: z.string().nullable(),
  endDate: z.string().nullable(),
  current: z.boolean(),
  highlights: z.array(z.string()),
});
export type WorkExperience = z.infer<typeof WorkExperience>;

export const Education = z.object({
  institution: z.string().nullable(),
  degree: z.string().nullable(),
  field: z.string().nullable(),
  endYear: z.number().int().nullable(),
});
export type Education = z.infer<typeof Education>;

export const ExtractedProfile = z.object({
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  links: z.array(z.string()),
  location: z.string().nullable(),
  headline: z.string().nullable(),
  summary: z.string().nullable(),
  /** Canonical skill names from the vocabulary (e.g. "JavaScript", "Registered Nurse"). */
  skills: z.array(z.string()),
  /** Broad fields the person works in, e.g. "software", "healthcare". */
  fields: z.array(z.string()),
  experience: z.array(WorkExperience),
  totalYearsExperience: z.number().min(0),
  education: z.array(Education),
  languages: z.array(z.string()),
  seniority: Seniority,
});
export type ExtractedProfile = z.infer<typeof ExtractedProfile>;

export const Salary = z.object({
  min: z.number().nullable(),
  max: z.number().nullable(),
  currency: z.string().nullable(),
  period: z.enum(["hour", "day", "week", "month", "year"]).nullable(),
});
export type Salary = z.infer<typeof Salary>;

export const JobPosting = z.object({
  source: z.string(),
  sourceId: z.string(),
  title: z.string(),
  company: z.string(),
  location: z.string().nullable(),
  remote: z.boolean(),
  /** Plain text, never HTML. */
  description: z.string(),
  url: z.string(),
  /** ISO 8601 timestamp. */
  postedAt: z.string().nullable(),
  salary: Salary.nullable(),
});
export type JobPosting = z.infer<typeof JobPosting>;

export const MatchReasons = z.object({
  matchedSkills: z.array(z.string()),
  missingSkills: z.array(z.string()),
  titleSimilarity: z.number().min(0).max(1),
  seniorityFit: z.string(),
  locationFit: z.string(),
  summary: z.array(z.string()),
});
export type MatchReasons = z.infer<typeof MatchReasons>;

export const ScoredPosting = z.object({
  posting: JobPosting,
  /** 0–100. */
  score: z.number().min(0).max(100),
  reasons: MatchReasons,
});
export type ScoredPosting = z.infer<typeof ScoredPosting>;

export const CompanyResearch = z.object({
  company: z.string(),
  summary: z.string(),
  facts: z.array(z.string()),
  /** Where the facts come from: the posting alone, or a language model. */
  basis: z.enum(["posting", "llm"]),
});
export type CompanyResearch = z.infer<typeof CompanyResearch>;

export const Materials = z.object({
  coverLetter: z.string(),
  highlights: z.array(z.string()),
});
export type Materials = z.infer<typeof Materials>;

/** A key that identifies a posting across nodes of one run. */
export const postingKey = (p: Pick<JobPosting, "source" | "sourceId">): string => `${p.source}:${p.sourceId}`;

export const SourceReport = z.object({
  source: z.string(),
  ok: z.boolean(),
  count: z.number().int().min(0),
  error: z.string().optional(),
});
export type SourceReport = z.infer<typeof SourceReport>;

/** What a job search is asked to do (stored as the run's input). */
export const JobSearchParams = z.object({
  query: z.string(),
  location: z.string(),
  profileId: z.string().nullable(),
  numResults: z.number().int().min(1).max(200),
  maxScreening: z.number().int().min(1).max(100),
  sources: z.array(z.string()).nullable(),
  /**
   * Company boards to read, by source (`{ greenhouse: ["stripe"], lever: ["matchgroup"] }`),
   * added to the boards configured for the worker.
   */
  boards: z.record(z.string(), z.array(z.string().min(1).max(100)).max(50)).nullable().optional(),
  /** Scheduled searches: leave out postings already delivered to this profile by earlier runs. */
  onlyNewForProfile: z.boolean().optional(),
});
export type JobSearchParams = z.infer<typeof JobSearchParams>;

/** A CV as CvIngestion reads it. */
export const CvText = z.object({
  text: z.string(),
  format: z.enum(["text", "markdown", "pdf", "docx", "json"]),
  chars: z.number().int().min(0),
  /** When the profile has several documents: what each gave, or why it was left out. */
  parts: z
    .array(z.object({ filename: z.string().nullable(), format: z.string().nullable(), chars: z.number().int().min(0), error: z.string().optional() }))
    .optional(),
});
export type CvText = z.infer<typeof CvText>;

/** Job sources a request may name (a worker queries those of them it has configured). */
export const SOURCE_NAMES = ["offline", "greenhouse", "lever", "ashby", "remotive", "arbeitnow", "themuse", "serpapi", "adzuna"] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];
