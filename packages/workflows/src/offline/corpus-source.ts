import type { CallOptions, JobSearchQuery, JobSource } from "../ports.js";
import type { JobPosting } from "../schemas.js";
import { generateCorpus } from "./corpus.js";
import { parsePlace, placeFit, titleSimilarity, titleWords, words } from "./text.js";

interface Indexed {
  posting: JobPosting;
  title: string[];
  desc: Set<string>;
}

/**
 * The offline job source: searches the shipped sample corpus (or given
 * postings) by lexical relevance of the query to titles and descriptions,
 * filtered and boosted by place. Remote postings are always eligible.
 */
export const createCorpusSource = (postings?: JobPosting[]): JobSource => {
  let index: Indexed[] | null = null;
  let idf = new Map<string, number>();
  const build = (): Indexed[] => {
    const list = postings ?? generateCorpus();
    const docs = list.map((p) => ({ posting: p, title: titleWords(p.title), desc: new Set(words(p.description)) }));
    const df = new Map<string, number>();
    for (const d of docs) for (const w of new Set(d.title)) df.set(w, (df.get(w) ?? 0) + 1);
    idf = new Map([...df].map(([w, n]) => [w, Math.log(1 + docs.length / n)]));
    return docs;
  };

  return {
    name: "offline",
    search: (q: JobSearchQuery, opts?: CallOptions): Promise<JobPosting[]> => {
      opts?.signal?.throwIfAborted();
      index ??= build();
      const place = parsePlace(q.location);
      const queryWords = [...new Set(titleWords(q.query))];
      const maxIdf = Math.log(1 + index.length);
      const weight = (w: string): number => idf.get(w) ?? maxIdf;
      const totalWeight = queryWords.reduce((s, w) => s + weight(w), 0);

      const scored: { p: JobPosting; score: number }[] = [];
      for (const d of index) {
        const fit = placeFit(place, d.posting.location, d.posting.remote);
        // the place is a filter: the city (or country) asked for, and remote postings
        if (!d.posting.remote && fit.score < (place.anywhere ? 0.5 : 1) && !(place.cities.length === 0 && fit.score > 0)) continue;
        let relevance = 1;
        if (queryWords.length > 0) {
          const titleSet = new Set(d.title);
          let titleHit = 0;
          let descHit = 0;
          for (const w of queryWords) {
            if (titleSet.has(w)) titleHit += weight(w);
            else if (d.desc.has(w)) descHit += weight(w);
          }
          if (titleHit === 0 && descHit === 0) continue;
          relevance = (titleHit + 0.35 * descHit) / totalWeight + 0.25 * titleSimilarity(queryWords, d.title);
          // a query that only hits the description is a weak match
          if (titleHit === 0) relevance *= 0.5;
        }
        scored.push({ p: d.posting, score: relevance * (0.55 + 0.45 * fit.score) });
      }
      const best = scored.reduce((m, s) => Math.max(m, s.score), 0);
      const floor = best * 0.5;
      const out = scored
        .filter((s) => s.score >= floor)
        .sort(
          (a, b) =>
            b.score - a.score ||
            (b.p.postedAt ?? "").localeCompare(a.p.postedAt ?? "") ||
            a.p.sourceId.localeCompare(b.p.sourceId),
        )
        .slice(0, Math.max(0, q.limit))
        .map((s) => s.p);
      return Promise.resolve(out);
    },
  };
};
