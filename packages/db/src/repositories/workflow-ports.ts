import { PermanentError, RetryableError, isPermanentError } from "@job-agent/shared/errors";
import { safeFetch } from "@job-agent/shared";
import { ExtractedProfile, canonicalUrl, dedupKey, type CallOptions, type CvSource, type DocumentPort, type ProfileStore, type ResultStore } from "@job-agent/workflows";
import { sqlBatcher } from "../batch.js";
import type { Db } from "../client.js";

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
    const { rows } = await db.pool.query<{ data: unknown }>({
      name: "ja_ready_profile",
      text: "select data from profiles where id = $1 and user_id = $2 and status = 'ready'",
      values: [profileId, userId],
    });
    if (!rows[0]?.data) return null;
    const parsed = ExtractedProfile.safeParse(rows[0].data);
    return parsed.success ? parsed.data : null;
  },
  deliveredIdentities: async ({ userId, profileId }) => {
    const { rows } = await db.pool.query<{ source: string; source_id: string; canonical_url: string | null; dedup_key: string | null }>({
      name: "ja_delivered_postings",
      text: `select distinct p.source, p.source_id, p.canonical_url, p.dedup_key
               from job_matches m join runs r on r.id = m.run_id join job_postings p on p.id = m.posting_id
              where m.profile_id = $1 and m.user_id = $2 and r.status = 'completed'`,
      values: [profileId, userId],
    });
    return rows.flatMap((r) => [
      `id:${r.source}:${r.source_id}`,
      ...(r.canonical_url ? [`url:${r.canonical_url}`] : []),
      ...(r.dedup_key ? [`key:${r.dedup_key}`] : []),
    ]);
  },
});

/**
 * Postings are deduplicated across sources and runs (source id, canonical
 * URL, company + title + location); a match is unique per (run, posting), so
 * a replay writes nothing twice and a posting seen twice in one run keeps its
 * best rank. One statement (`ja_save_matches`) and one transaction per run.
 */
export const createResultStore = (db: Db): ResultStore => {
  // The matches of runs finishing together share a transaction.
  const save = sqlBatcher<unknown, null>(db, "ja_save_matches");
  return {
    saveMatches: async ({ runId, userId, profileId, matches }) => {
      if (matches.length === 0) return;
      await save({
        runId,
        userId,
        profileId,
        matches: matches.map((m) => ({
          rank: m.rank,
          score: m.match.score,
          reasons: m.match.reasons,
          research: m.research ?? null,
          coverLetter: m.materials?.coverLetter ?? null,
          highlights: m.materials?.highlights ?? [],
          posting: { ...m.match.posting, canonicalUrl: canonicalUrl(m.match.posting.url), dedupKey: dedupKey(m.match.posting) },
        })),
      });
    },
  };
};
