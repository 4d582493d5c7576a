import { PermanentError } from "@job-agent/shared/errors";
import { ExtractedProfile, type DocumentPort, type ProfileStore, type ResultStore } from "@job-agent/workflows";
import type { Db } from "../client.js";
import type { Prisma } from "../../generated/prisma/client.js";

const json = (v: unknown) => v as Prisma.InputJsonValue;

/** The stored CV of a profile (the latest one uploaded). */
export const createDocumentPort = (db: Db): DocumentPort => ({
  loadCv: async ({ userId, profileId }) => {
    const doc = await db.prisma.cvDocument.findFirst({
      where: { profileId, userId },
      orderBy: { createdAt: "desc" },
      select: { text: true, content: true, mediaType: true, filename: true },
    });
    if (!doc) throw new PermanentError(`profile ${profileId} has no CV`, "cv_missing");
    return {
      text: doc.text,
      bytes: doc.content ? new Uint8Array(doc.content) : null,
      mediaType: doc.mediaType,
      filename: doc.filename,
    };
  },
});

export const createProfileStore = (db: Db): ProfileStore => ({
  getProfile: async ({ userId, profileId }) => {
    const p = await db.prisma.profile.findFirst({ where: { id: profileId, userId, status: "ready" }, select: { data: true } });
    if (!p?.data) return null;
    const parsed = ExtractedProfile.safeParse(p.data);
    return parsed.success ? parsed.data : null;
  },
});

/** Postings are upserted by (source, sourceId); a match by (run, posting), so a replay writes nothing twice. */
export const createResultStore = (db: Db): ResultStore => ({
  saveMatches: async ({ runId, userId, profileId, matches }) => {
    await db.prisma.$transaction(async (tx) => {
      const now = new Date();
      for (const m of matches) {
        const p = m.match.posting;
        const posting = await tx.jobPosting.upsert({
          where: { source_sourceId: { source: p.source, sourceId: p.sourceId } },
          create: {
            source: p.source,
            sourceId: p.sourceId,
            url: p.url,
            title: p.title,
            company: p.company,
            location: p.location,
            remote: p.remote,
            description: p.description,
            postedAt: p.postedAt ? new Date(p.postedAt) : null,
            salary: p.salary ? json(p.salary) : undefined,
          },
          update: { lastSeenAt: now, title: p.title, company: p.company, location: p.location, url: p.url },
          select: { id: true },
        });
        const data = {
          rank: m.rank,
          score: m.match.score,
          reasons: json(m.match.reasons),
          research: m.research ? json(m.research) : undefined,
          coverLetter: m.materials?.coverLetter ?? null,
          highlights: m.materials?.highlights ?? [],
        };
        await tx.jobMatch.upsert({
          where: { runId_postingId: { runId, postingId: posting.id } },
          create: { runId, userId, profileId, postingId: posting.id, ...data },
          update: data,
        });
      }
    });
  },
});
