import { PermanentError, RetryableError, isPermanentError } from "@job-agent/shared/errors";
import { safeFetch } from "@job-agent/shared";
import { ExtractedProfile, canonicalUrl, dedupKey, type CallOptions, type CvSource, type DocumentPort, type JobPosting, type ProfileStore, type ResultStore } from "@job-agent/workflows";
import type { Db, Tx } from "../client.js";
import type { Prisma } from "../../generated/prisma/client.js";

const json = (v: unknown) => v as Prisma.InputJsonValue;

export interface DocumentPortOptions {
  /** Hosts or CIDRs a CV URL may point at although private (OUTBOUND_ALLOW_PRIVATE_HOSTS). */
  allowPrivateHosts?: string[];
  /** https only (production). */
  httpsOnly?: boolean;
  fetchTimeoutMs?: number;
  /** Largest CV download (bytes). */
  maxBytes?: number;
}

/**
 * The stored CV documents of a profile: their text, their uploaded bytes, or
 * the URL each was given as, fetched now through safeFetch.
 */
export const createDocumentPort = (db: Db, opts: DocumentPortOptions = {}): DocumentPort => {
  /** A document with neither text nor bytes but a URL is fetched now, within the outbound rules. */
  const fetchDocument = async (sourceUrl: string, call?: CallOptions): Promise<CvSource> => {
    let res;
    try {
      res = await safeFetch(sourceUrl, {
        allowPrivateHosts: opts.allowPrivateHosts ?? [],
        httpsOnly: opts.httpsOnly ?? false,
        timeoutMs: opts.fetchTimeoutMs ?? 15_000,
        maxBytes: opts.maxBytes ?? 10 * 1024 * 1024,
        maxRedirects: 5,
        headers: { accept: "application/pdf, application/vnd.openxmlformats-officedocument.wordprocessingml.document, text/plain, text/markdown, application/json;q=0.9, */*;q=0.5" },
        signal: call?.signal,
      });
    } catch (err) {
      if (isPermanentError(err)) throw err;
      if (call?.signal?.aborted) throw err;
      throw new RetryableError(`the CV URL could not be fetched: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (res.status === 429 || res.status >= 500) throw new RetryableError(`the CV URL answered HTTP ${res.status}`);
    if (res.status < 200 || res.status >= 300) throw new PermanentError(`the CV URL answered HTTP ${res.status}`, "cv_url_unavailable");
    if (res.body.byteLength === 0) throw new PermanentError("the CV URL returned an empty file", "cv_empty");
    const name = new URL(res.finalUrl).pathname.split("/").pop() || null;
    return { text: null, bytes: res.body, mediaType: res.headers["content-type"] ?? "application/octet-stream", filename: name };
  };

  return {
    loadCvs: async ({ userId, profileId }, call) => {
      const docs = await db.prisma.cvDocument.findMany({
        where: { profileId, userId },
        orderBy: { createdAt: "asc" },
        select: { text: true, content: true, mediaType: true, filename: true, sourceUrl: true },
      });
      if (docs.length === 0) throw new PermanentError(`profile ${profileId} has no CV`, "cv_missing");
      return Promise.all(
        docs.map(async (doc): Promise<CvSource> =>
          doc.text !== null || doc.content || !doc.sourceUrl
            ? { text: doc.text, bytes: doc.content ? new Uint8Array(doc.content) : null, mediaType: doc.mediaType, filename: doc.filename }
            : fetchDocument(doc.sourceUrl, call),
        ),
      );
    },
  };
};

export const createProfileStore = (db: Db): ProfileStore => ({
  getProfile: async ({ userId, profileId }) => {
    const p = await db.prisma.profile.findFirst({ where: { id: profileId, userId, status: "ready" }, select: { data: true } });
    if (!p?.data) return null;
    const parsed = ExtractedProfile.safeParse(p.data);
    return parsed.success ? parsed.data : null;
  },
  deliveredIdentities: async ({ userId, profileId }) => {
    const rows = await db.prisma.jobPosting.findMany({
      where: { matches: { some: { profileId, userId, run: { status: "completed" } } } },
      select: { source: true, sourceId: true, canonicalUrl: true, dedupKey: true },
    });
    return rows.flatMap((r) => [
      `id:${r.source}:${r.sourceId}`,
      ...(r.canonicalUrl ? [`url:${r.canonicalUrl}`] : []),
      ...(r.dedupKey ? [`key:${r.dedupKey}`] : []),
    ]);
  },
});

/**
 * Finds the stored posting a fresh one is the same as: by source id, then
 * canonical URL, then normalised company + title + location; or creates it.
 */
const upsertPosting = async (tx: Tx, p: JobPosting, now: Date): Promise<string> => {
  const url = canonicalUrl(p.url);
  const key = dedupKey(p);
  const existing =
    (await tx.jobPosting.findUnique({ where: { source_sourceId: { source: p.source, sourceId: p.sourceId } }, select: { id: true, canonicalUrl: true, dedupKey: true } })) ??
    (url ? await tx.jobPosting.findFirst({ where: { canonicalUrl: url }, orderBy: { firstSeenAt: "asc" }, select: { id: true, canonicalUrl: true, dedupKey: true } }) : null) ??
    (key ? await tx.jobPosting.findFirst({ where: { dedupKey: key }, orderBy: { firstSeenAt: "asc" }, select: { id: true, canonicalUrl: true, dedupKey: true } }) : null);
  if (existing) {
    await tx.jobPosting.update({
      where: { id: existing.id },
      // the first identities a posting was stored under stay; missing ones are filled in
      data: { lastSeenAt: now, ...(url && !existing.canonicalUrl ? { canonicalUrl: url } : {}), ...(key && !existing.dedupKey ? { dedupKey: key } : {}) },
    });
    return existing.id;
  }
  // A concurrent run may be storing the same posting right now: ON CONFLICT makes
  // the insert wait for it and then take its row instead of failing.
  const rows = await tx.$queryRaw<{ id: string }[]>`
    insert into job_postings (id, source, source_id, url, canonical_url, dedup_key, title, company, location, remote, description, posted_at, salary)
    values (gen_random_uuid(), ${p.source}, ${p.sourceId}, ${p.url}, ${url}, ${key}, ${p.title}, ${p.company}, ${p.location}, ${p.remote},
            ${p.description}, ${p.postedAt ? new Date(p.postedAt) : null}, ${p.salary ? JSON.stringify(p.salary) : null}::jsonb)
    on conflict (source, source_id) do update set last_seen_at = ${now}
    returning id::text as id`;
  return rows[0]!.id;
};

/**
 * Postings are deduplicated across sources and runs (source id, canonical
 * URL, company + title + location); a match is unique per (run, posting), so
 * a replay writes nothing twice and a posting seen twice in one run keeps its
 * best rank.
 */
export const createResultStore = (db: Db): ResultStore => ({
  saveMatches: async ({ runId, userId, profileId, matches }) => {
    await db.prisma.$transaction(async (tx) => {
      const now = new Date();
      const saved = new Set<string>();
      for (const m of [...matches].sort((a, b) => a.rank - b.rank)) {
        const postingId = await upsertPosting(tx, m.match.posting, now);
        if (saved.has(postingId)) continue;
        saved.add(postingId);
        const data = {
          rank: m.rank,
          score: m.match.score,
          reasons: json(m.match.reasons),
          research: m.research ? json(m.research) : undefined,
          coverLetter: m.materials?.coverLetter ?? null,
          highlights: m.materials?.highlights ?? [],
        };
        await tx.jobMatch.upsert({
          where: { runId_postingId: { runId, postingId } },
          create: { runId, userId, profileId, postingId, ...data },
          update: data,
        });
      }
    });
  },
});
