import { PermanentError } from "@job-agent/shared/errors";
import type { CvParserPort, JobSource, LlmPort } from "../ports.js";
import type { ExtractedProfile, JobPosting } from "../schemas.js";

/**
 * Adapters that answer at once with small valid values, so a benchmark
 * measures the orchestration (queueing, checkpoints, status writes, events)
 * and nothing else. Selected by WORKFLOW_ADAPTERS=null.
 */
const emptyProfile: ExtractedProfile = {
  name: null,
  email: null,
  phone: null,
  links: [],
  location: null,
  headline: null,
  summary: null,
  skills: [],
  fields: [],
  experience: [],
  totalYearsExperience: 0,
  education: [],
  languages: [],
  seniority: "mid",
};

export const createNullLlm = (): LlmPort => ({
  name: "null",
  extractProfile: () => Promise.resolve(emptyProfile),
  suggestTitles: () => Promise.resolve(["Title A", "Title B", "Title C"]),
  scorePostings: ({ postings }) =>
    Promise.resolve(
      postings.map((posting) => ({
        posting,
        score: 50,
        reasons: { matchedSkills: [], missingSkills: [], titleSimilarity: 0, seniorityFit: "", locationFit: "", summary: [] },
      })),
    ),
  researchCompany: ({ posting }) => Promise.resolve({ company: posting.company, summary: "", facts: [], basis: "posting" }),
  writeMaterials: () => Promise.resolve({ coverLetter: "", highlights: [] }),
});

export const createNullSource = (): JobSource => {
  const posting: JobPosting = {
    source: "null",
    sourceId: "1",
    title: "Posting",
    company: "Company",
    location: null,
    remote: true,
    description: "",
    url: "https://jobs.example.com/null/1",
    postedAt: null,
    salary: null,
  };
  return { name: "null", search: () => Promise.resolve([posting]) };
};

/** A parser for set-ups that read no PDF or DOCX: every file is refused with a permanent error. */
export const createUnavailableCvParser = (): CvParserPort => ({
  parse: ({ kind }) => Promise.reject(new PermanentError(`this worker has no ${kind.toUpperCase()} parser configured`, "unsupported_format")),
});
