import { PermanentError, RetryableError } from "@job-agent/shared/errors";
import { z } from "zod";
import { defineNode, defineWorkflow } from "../pipeline.js";
import type { MatchRecord } from "../ports.js";
import {
  CompanyResearch,
  ExtractedProfile,
  JobPosting,
  JobSearchParams,
  Materials,
  ScoredPosting,
  SourceReport,
  postingKey,
} from "../schemas.js";

const SearchState = JobSearchParams.extend({ runId: z.string(), userId: z.string() });

export const profileRetrieval = defineNode({
  name: "ProfileRetrieval",
  input: SearchState.pick({ userId: true, profileId: true }),
  output: z.object({ profile: ExtractedProfile.nullable() }),
  run: async ({ userId, profileId }, { ports }) => {
    if (!profileId) return { profile: null };
    const profile = await ports.profiles.getProfile({ userId, profileId });
    if (!profile) throw new PermanentError(`profile ${profileId} has no extracted data yet`, "profile_not_ready");
    return { profile };
  },
});

export const discovery = defineNode({
  name: "Discovery",
  input: SearchState.pick({ query: true, location: true, numResults: true, sources: true }),
  output: z.object({ postings: z.array(JobPosting), sourceReports: z.array(SourceReport) }),
  run: async ({ query, location, numResults, sources }, { ports, signal }) => {
    const chosen = sources ? ports.sources.filter((s) => sources.includes(s.name)) : ports.sources;
    if (chosen.length === 0) throw new PermanentError(`no configured job source among: ${(sources ?? []).join(", ")}`, "no_sources");
    const settled = await Promise.allSettled(chosen.map((s) => s.search({ query, location, limit: numResults }, { signal })));
    const reports: SourceReport[] = [];
    const seen = new Set<string>();
    const postings: JobPosting[] = [];
    settled.forEach((r, i) => {
      const source = chosen[i]!.name;
      if (r.status === "rejected") {
        reports.push({ source, ok: false, count: 0, error: r.reason instanceof Error ? r.reason.message : String(r.reason) });
        return;
      }
      reports.push({ source, ok: true, count: r.value.length });
      for (const p of r.value) {
        const key = postingKey(p);
        if (seen.has(key)) continue;
        seen.add(key);
        postings.push(p);
      }
    });
    if (reports.every((r) => !r.ok)) {
      throw new RetryableError(`every job source failed: ${reports.map((r) => `${r.source}: ${r.error}`).join("; ")}`);
    }
    return { postings: postings.slice(0, numResults), sourceReports: reports };
  },
});

export const matching = defineNode({
  name: "Matching",
  input: z.object({
    profile: ExtractedProfile.nullable(),
    postings: z.array(JobPosting),
    query: z.string(),
    location: z.string(),
    maxScreening: z.number().int(),
  }),
  output: z.object({ matches: z.array(ScoredPosting) }),
  run: async ({ profile, postings, query, location, maxScreening }, { ports, signal }) => {
    const scored = await ports.llm.scorePostings({ profile, query, location, postings }, { signal });
    scored.sort((a, b) => b.score - a.score || a.posting.title.localeCompare(b.posting.title));
    return { matches: scored.slice(0, maxScreening) };
  },
});

const ResearchEntry = z.object({ key: z.string(), research: CompanyResearch });

export const research = defineNode({
  name: "Research",
  input: z.object({ matches: z.array(ScoredPosting) }),
  output: z.object({ research: z.array(ResearchEntry) }),
  run: async ({ matches }, { ports, signal }) => ({
    research: await Promise.all(
      matches.map(async (m) => ({
        key: postingKey(m.posting),
        research: await ports.llm.researchCompany({ posting: m.posting }, { signal }),
      })),
    ),
  }),
});

const MaterialsEntry = z.object({ key: z.string(), materials: Materials });

export const fabrication = defineNode({
  name: "Fabrication",
  input: z.object({
    profile: ExtractedProfile.nullable(),
    matches: z.array(ScoredPosting),
    research: z.array(ResearchEntry),
  }),
  output: z.object({ materials: z.array(MaterialsEntry) }),
  run: async ({ profile, matches, research: researched }, { ports, signal }) => {
    const byKey = new Map(researched.map((r) => [r.key, r.research]));
    const materials = await Promise.all(
      matches.map(async (match) => {
        const key = postingKey(match.posting);
        const research = byKey.get(key);
        if (!research) throw new PermanentError(`no research for posting ${key}`, "invalid_node_data");
        return { key, materials: await ports.llm.writeMaterials({ profile, match, research }, { signal }) };
      }),
    );
    return { materials };
  },
});

export const completion = defineNode({
  name: "Completion",
  input: z.object({
    runId: z.string(),
    userId: z.string(),
    profileId: z.string().nullable(),
    postings: z.array(JobPosting),
    matches: z.array(ScoredPosting),
    research: z.array(ResearchEntry),
    materials: z.array(MaterialsEntry),
    sourceReports: z.array(SourceReport),
  }),
  output: z.object({
    summary: z.object({
      discovered: z.number().int(),
      shortlisted: z.number().int(),
      topScore: z.number().nullable(),
      partial: z.boolean(),
      top: z.array(z.object({ title: z.string(), company: z.string(), location: z.string().nullable(), score: z.number() })),
    }),
  }),
  run: async ({ runId, userId, profileId, postings, matches, research: researched, materials, sourceReports }, { ports }) => {
    const researchByKey = new Map(researched.map((r) => [r.key, r.research]));
    const materialsByKey = new Map(materials.map((m) => [m.key, m.materials]));
    const records: MatchRecord[] = matches.map((match, i) => ({
      match,
      rank: i + 1,
      research: researchByKey.get(postingKey(match.posting)) ?? null,
      materials: materialsByKey.get(postingKey(match.posting)) ?? null,
    }));
    await ports.results.saveMatches({ runId, userId, profileId, matches: records });
    return {
      summary: {
        discovered: postings.length,
        shortlisted: matches.length,
        topScore: matches[0]?.score ?? null,
        partial: sourceReports.some((r) => !r.ok),
        top: matches.slice(0, 5).map((m) => ({
          title: m.posting.title,
          company: m.posting.company,
          location: m.posting.location,
          score: m.score,
        })),
      },
    };
  },
});

export const delivery = defineNode({
  name: "Delivery",
  input: z.object({ runId: z.string() }),
  output: z.object({ delivery: z.object({ queued: z.boolean() }) }),
  run: async ({ runId }, { ports }) => {
    await ports.delivery.enqueue({ runId });
    return { delivery: { queued: true } };
  },
});

export const jobSearchWorkflow = defineWorkflow({
  kind: "job_search",
  nodes: [profileRetrieval, discovery, matching, research, fabrication, completion, delivery],
  initialState: ({ runId, userId, runInput }) => ({ ...(runInput as Record<string, unknown>), runId, userId }),
  result: (state) => ({ summary: state.summary, sourceReports: state.sourceReports }),
});
