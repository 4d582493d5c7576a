import { PermanentError, RetryableError, isPermanentError } from "@job-agent/shared/errors";
import { z } from "zod";
import { defineNode, defineWorkflow, isDeferral } from "../pipeline.js";
import { dedupePostings, postingIdentities } from "../dedup.js";
import type { CallOptions, JobSearchQuery, JobSource, MatchRecord } from "../ports.js";
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

const SearchState = JobSearchParams.extend({ runId: z.string(), userId: z.string(), boards: JobSearchParams.shape.boards.default(null) });

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

/** How long a source may take when it does not say (ms). */
export const DEFAULT_SOURCE_TIMEOUT_MS = 15_000;

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err)).slice(0, 500);

/** Runs one source's search within its own time limit; a source that ignores the signal is abandoned all the same. */
const searchWithin = async (
  source: JobSource,
  query: JobSearchQuery,
  parent: AbortSignal,
  onUsage: CallOptions["onUsage"],
): Promise<JobPosting[]> => {
  const timeoutMs = source.timeoutMs ?? DEFAULT_SOURCE_TIMEOUT_MS;
  const ctrl = new AbortController();
  const onAbort = (): void => ctrl.abort(parent.reason);
  parent.addEventListener("abort", onAbort, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new RetryableError(`timed out after ${timeoutMs} ms`);
      ctrl.abort(err);
      reject(err);
    }, timeoutMs);
  });
  try {
    return await Promise.race([source.search(query, { signal: ctrl.signal, onUsage }), timeout]);
  } finally {
    clearTimeout(timer);
    parent.removeEventListener("abort", onAbort);
  }
};

export const discovery = defineNode({
  name: "Discovery",
  input: SearchState.pick({ query: true, location: true, numResults: true, sources: true, boards: true }),
  output: z.object({ postings: z.array(JobPosting), sourceReports: z.array(SourceReport) }),
  run: async ({ query, location, numResults, sources, boards }, { ports, signal, call }) => {
    const chosen = sources ? ports.sources.filter((s) => sources.includes(s.name)) : ports.sources;
    if (chosen.length === 0) {
      throw new PermanentError(
        `none of the requested job sources is configured: ${(sources ?? []).join(", ")} (configured: ${ports.sources.map((s) => s.name).join(", ") || "none"})`,
        "no_sources",
      );
    }
    const settled = await Promise.allSettled(
      chosen.map((s) =>
        searchWithin(s, { query, location, limit: numResults, ...(boards?.[s.name]?.length ? { boards: boards[s.name] } : {}) }, signal, call.onUsage),
      ),
    );
    signal.throwIfAborted();
    // a source over its rate limit asks for the node to be rescheduled rather than run without it
    const deferral = settled.find((r): r is PromiseRejectedResult => r.status === "rejected" && isDeferral(r.reason));
    if (deferral) throw deferral.reason;
    const reports: SourceReport[] = [];
    const bySource: JobPosting[][] = [];
    settled.forEach((r, i) => {
      const source = chosen[i]!.name;
      if (r.status === "rejected") {
        reports.push({ source, ok: false, count: 0, error: errorText(r.reason) });
        ports.log.warn("job source failed", { source, error: errorText(r.reason) });
        return;
      }
      // a source's own output is checked here, so one malformed posting cannot fail the node
      const valid = r.value.filter((p) => JobPosting.safeParse(p).success);
      reports.push({ source, ok: true, count: valid.length });
      bySource.push(valid);
    });
    if (reports.every((r) => !r.ok)) {
      const detail = reports.map((r) => `${r.source}: ${r.error}`).join("; ");
      const permanent = settled.every((r) => r.status === "rejected" && isPermanentError(r.reason));
      if (permanent) throw new PermanentError(`every job source failed: ${detail}`, "sources_failed");
      throw new RetryableError(`every job source failed: ${detail}`);
    }
    // interleave sources so a cut at numResults keeps some of each, then drop duplicates
    const interleaved: JobPosting[] = [];
    for (let i = 0; bySource.some((l) => i < l.length); i++) for (const l of bySource) {
        const p = l[i];
        if (p) interleaved.push(p);
      }
    const { unique } = dedupePostings(interleaved);
    return { postings: unique.slice(0, numResults), sourceReports: reports };
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
    userId: z.string(),
    profileId: z.string().nullable(),
    onlyNewForProfile: z.boolean().optional(),
  }),
  output: z.object({ matches: z.array(ScoredPosting), alreadyDelivered: z.number().int().optional() }),
  run: async ({ profile, postings: found, query, location, maxScreening, userId, profileId, onlyNewForProfile }, { ports, call }) => {
    let postings = found;
    if (onlyNewForProfile && profileId) {
      const delivered = new Set(await ports.profiles.deliveredIdentities({ userId, profileId }));
      postings = found.filter((p) => !postingIdentities(p).some((id) => delivered.has(id)));
    }
    const scored = await ports.llm.scorePostings({ profile, query, location, postings }, call);
    scored.sort((a, b) => b.score - a.score || a.posting.title.localeCompare(b.posting.title));
    return { matches: scored.slice(0, maxScreening), alreadyDelivered: found.length - postings.length };
  },
});

const ResearchEntry = z.object({ key: z.string(), research: CompanyResearch });

export const research = defineNode({
  name: "Research",
  input: z.object({ matches: z.array(ScoredPosting) }),
  output: z.object({ research: z.array(ResearchEntry) }),
  run: async ({ matches }, { ports, call }) => ({
    research: await Promise.all(
      matches.map(async (m) => ({
        key: postingKey(m.posting),
        research: await ports.llm.researchCompany({ posting: m.posting }, call),
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
  run: async ({ profile, matches, research: researched }, { ports, call }) => {
    const byKey = new Map(researched.map((r) => [r.key, r.research]));
    const materials = await Promise.all(
      matches.map(async (match) => {
        const key = postingKey(match.posting);
        const research = byKey.get(key);
        if (!research) throw new PermanentError(`no research for posting ${key}`, "invalid_node_data");
        return { key, materials: await ports.llm.writeMaterials({ profile, match, research }, call) };
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
