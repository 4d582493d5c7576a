import { PermanentError } from "@job-agent/shared/errors";
import type { JobPosting, JobSource } from "@job-agent/workflows";
import { z } from "zod";
import { requestJson } from "../http.js";
import { limitFor } from "../rate-limit.js";
import type { SourceOptions } from "./boards.js";
import { cleanTitle, filterPostings, htmlToText, isoOrNull, parseSalaryText } from "./text.js";

const str = z.string().nullish();
const num = z.number().nullish();
const q = (params: Record<string, string | number | undefined>): string =>
  new URLSearchParams(Object.entries(params).flatMap(([k, v]): [string, string][] => (v === undefined || v === "" ? [] : [[k, String(v)]]))).toString();

/* ------------------------------------------------------------------ Remotive */

const RemotiveAnswer = z.object({
  jobs: z.array(
    z.object({
      id: z.union([z.number(), z.string()]),
      url: z.string(),
      title: z.string(),
      company_name: z.string(),
      publication_date: str,
      candidate_required_location: str,
      salary: str,
      description: str,
    }),
  ),
});

/** Remotive: remote jobs only; search on the server. Their terms ask for a link back to Remotive (the url is theirs). */
export const createRemotiveSource = (opts: SourceOptions): JobSource => ({
  name: "remotive",
  timeoutMs: opts.timeoutMs,
  search: async (query, call) => {
    const base = opts.baseUrl ?? "https://remotive.com";
    const raw = await requestJson("remotive", `${base}/api/remote-jobs?${q({ search: query.query, limit: Math.min(100, query.limit * 2) })}`, { timeoutMs: opts.timeoutMs, signal: call?.signal, limit: limitFor(opts.rateLimit, "remotive") });
    const postings: JobPosting[] = RemotiveAnswer.parse(raw).jobs.map((j) => ({
      source: "remotive",
      sourceId: String(j.id),
      title: cleanTitle(j.title),
      company: cleanTitle(j.company_name),
      location: j.candidate_required_location?.trim() ? `Remote (${j.candidate_required_location.trim()})` : "Remote",
      remote: true,
      description: htmlToText(j.description ?? ""),
      url: j.url,
      postedAt: isoOrNull(j.publication_date),
      salary: parseSalaryText(j.salary),
    }));
    return filterPostings(postings, query.query, /remote|anywhere/i.test(query.location) ? query.location : "", query.limit);
  },
});

/* ------------------------------------------------------------------ Arbeitnow */

const ArbeitnowPage = z.object({
  data: z.array(
    z.object({
      slug: z.string(),
      company_name: z.string(),
      title: z.string(),
      description: str,
      remote: z.boolean().nullish(),
      url: z.string(),
      location: str,
      created_at: z.union([z.number(), z.string()]).nullish(),
    }),
  ),
  links: z.object({ next: str }).nullish(),
});

/** Arbeitnow: no server search, pages of recent jobs (epoch-second dates) read until enough match. */
export const createArbeitnowSource = (opts: SourceOptions & { maxPages?: number }): JobSource => ({
  name: "arbeitnow",
  timeoutMs: opts.timeoutMs,
  search: async (query, call) => {
    const base = opts.baseUrl ?? "https://www.arbeitnow.com";
    const found: JobPosting[] = [];
    for (let page = 1; page <= (opts.maxPages ?? 3); page++) {
      const raw = await requestJson("arbeitnow", `${base}/api/job-board-api?page=${page}`, { timeoutMs: opts.timeoutMs, signal: call?.signal, limit: limitFor(opts.rateLimit, "arbeitnow") });
      const data = ArbeitnowPage.parse(raw);
      const postings = data.data.map((j) => ({
        source: "arbeitnow",
        sourceId: j.slug,
        title: cleanTitle(j.title),
        company: cleanTitle(j.company_name),
        location: j.location?.trim() || null,
        remote: j.remote === true || /^remote$/i.test(j.location ?? ""),
        description: htmlToText(j.description ?? "").replace(/\n*Find (?:[\s\S]{0,200}) on Arbeitnow\s*$/i, ""),
        url: j.url,
        postedAt: isoOrNull(typeof j.created_at === "string" ? Number(j.created_at) : j.created_at),
        salary: null,
      }));
      found.push(...filterPostings(postings, query.query, query.location, query.limit));
      if (found.length >= query.limit || !data.links?.next) break;
    }
    return found.slice(0, query.limit);
  },
});

/* ------------------------------------------------------------------ The Muse */

const MusePage = z.object({
  page: num,
  page_count: num,
  results: z.array(
    z.object({
      id: z.union([z.number(), z.string()]),
      name: z.string(),
      contents: str,
      publication_date: str,
      locations: z.array(z.object({ name: z.string() })).nullish(),
      refs: z.object({ landing_page: z.string() }),
      company: z.object({ name: z.string() }),
    }),
  ),
});

/** The Muse: 0-based pages of 20; filtered here by query and place. */
export const createTheMuseSource = (opts: SourceOptions & { apiKey?: string; maxPages?: number }): JobSource => ({
  name: "themuse",
  timeoutMs: opts.timeoutMs,
  search: async (query, call) => {
    const base = opts.baseUrl ?? "https://www.themuse.com";
    const found: JobPosting[] = [];
    for (let page = 0; page < (opts.maxPages ?? 3); page++) {
      const raw = await requestJson("themuse", `${base}/api/public/jobs?${q({ page, api_key: opts.apiKey })}`, { timeoutMs: opts.timeoutMs, signal: call?.signal, limit: limitFor(opts.rateLimit, "themuse") });
      const data = MusePage.parse(raw);
      const postings = data.results.map((j) => {
        const locations = (j.locations ?? []).map((l) => l.name);
        return {
          source: "themuse",
          sourceId: String(j.id),
          title: cleanTitle(j.name),
          company: cleanTitle(j.company.name),
          location: locations.join("; ") || null,
          remote: locations.some((l) => /remote|flexible/i.test(l)),
          description: htmlToText(j.contents ?? ""),
          url: j.refs.landing_page,
          postedAt: isoOrNull(j.publication_date),
          salary: null,
        };
      });
      found.push(...filterPostings(postings, query.query, query.location, query.limit));
      if (found.length >= query.limit || (data.page_count != null && page + 1 >= data.page_count)) break;
    }
    return found.slice(0, query.limit);
  },
});

/* ------------------------------------------------------------------ SerpApi (Google Jobs) */

const SerpAnswer = z.object({
  error: str,
  jobs_results: z
    .array(
      z.object({
        title: z.string(),
        company_name: z.string(),
        location: str,
        via: str,
        description: str,
        job_id: z.string(),
        share_link: str,
        extensions: z.array(z.string()).nullish(),
        detected_extensions: z.object({ posted_at: str, work_from_home: z.boolean().nullish(), salary: str }).nullish(),
        apply_options: z.array(z.object({ title: str, link: z.string() })).nullish(),
      }),
    )
    .nullish(),
  serpapi_pagination: z.object({ next_page_token: str }).nullish(),
});

/** "2 days ago" → ISO date, from `now`. */
const relativeDate = (text: string | null | undefined, now: Date): string | null => {
  const m = /(\d+)\s*\+?\s*(minute|hour|day|week|month)s?\s+ago/i.exec(text ?? "");
  if (!m) return null;
  const ms = { minute: 60e3, hour: 3600e3, day: 86400e3, week: 7 * 86400e3, month: 30 * 86400e3 }[(m[2] ?? "day").toLowerCase() as "day"];
  return new Date(now.getTime() - Number(m[1]) * ms).toISOString();
};

export const createSerpApiSource = (opts: SourceOptions & { apiKey: string; now?: () => Date; maxPages?: number }): JobSource => ({
  name: "serpapi",
  timeoutMs: opts.timeoutMs,
  search: async (query, call) => {
    const base = opts.baseUrl ?? "https://serpapi.com";
    const now = opts.now?.() ?? new Date();
    const remote = /\b(remote|anywhere)\b/i.test(query.location);
    const found: JobPosting[] = [];
    let token: string | undefined;
    for (let page = 0; page < (opts.maxPages ?? 2); page++) {
      const url = `${base}/search.json?${q({
        engine: "google_jobs",
        q: query.query,
        location: remote ? undefined : query.location || undefined,
        ltype: remote ? 1 : undefined,
        next_page_token: token,
        api_key: opts.apiKey,
      })}`;
      const data = SerpAnswer.parse(await requestJson("serpapi", url, { timeoutMs: opts.timeoutMs, signal: call?.signal, limit: limitFor(opts.rateLimit, "serpapi") }));
      if (data.error && !data.jobs_results) {
        if (/hasn't returned any results/i.test(data.error)) break;
        throw new PermanentError(`serpapi: ${data.error}`, "source_bad_answer");
      }
      for (const j of data.jobs_results ?? []) {
        const ext = j.extensions ?? [];
        const salaryText = j.detected_extensions?.salary ?? ext.find((e) => /\d.*\b(a year|an hour|a month|per|yr|hr)\b/i.test(e));
        found.push({
          source: "serpapi",
          sourceId: j.job_id,
          title: cleanTitle(j.title),
          company: cleanTitle(j.company_name),
          location: j.location?.trim() || null,
          remote: j.detected_extensions?.work_from_home === true || ext.some((e) => /work from home|remote/i.test(e)) || /anywhere/i.test(j.location ?? ""),
          description: (j.description ?? "").trim(),
          url: j.apply_options?.[0]?.link ?? j.share_link ?? "",
          postedAt: relativeDate(j.detected_extensions?.posted_at ?? ext.find((e) => /ago$/.test(e)), now),
          salary: parseSalaryText(salaryText),
        });
      }
      token = data.serpapi_pagination?.next_page_token ?? undefined;
      if (found.length >= query.limit || !token) break;
    }
    return found.filter((p) => p.url).slice(0, query.limit);
  },
});

/* ------------------------------------------------------------------ Adzuna */

const AdzunaAnswer = z.object({
  results: z.array(
    z.object({
      id: z.union([z.string(), z.number()]),
      title: z.string(),
      description: str,
      redirect_url: z.string(),
      created: str,
      company: z.object({ display_name: str }).nullish(),
      location: z.object({ display_name: str }).nullish(),
      salary_min: num,
      salary_max: num,
      salary_is_predicted: z.union([z.string(), z.number()]).nullish(),
    }),
  ),
});

const ADZUNA_CURRENCY: Record<string, string> = { gb: "GBP", us: "USD", ca: "CAD", au: "AUD", de: "EUR", fr: "EUR", nl: "EUR", es: "EUR", it: "EUR", at: "EUR", in: "INR", nz: "NZD", sg: "SGD", za: "ZAR", br: "BRL", pl: "PLN", mx: "MXN", ch: "CHF" };

/** Adzuna: listings must be shown as "Jobs by Adzuna"; predicted salaries are left out. */
export const createAdzunaSource = (opts: SourceOptions & { appId: string; appKey: string; country: string }): JobSource => ({
  name: "adzuna",
  timeoutMs: opts.timeoutMs,
  search: async (query, call) => {
    const base = opts.baseUrl ?? "https://api.adzuna.com";
    const remote = /\b(remote|anywhere)\b/i.test(query.location);
    const url = `${base}/v1/api/jobs/${encodeURIComponent(opts.country)}/search/1?${q({
      app_id: opts.appId,
      app_key: opts.appKey,
      what: remote ? `${query.query} remote` : query.query,
      where: remote ? undefined : query.location || undefined,
      results_per_page: Math.min(50, query.limit),
    })}`;
    const data = AdzunaAnswer.parse(await requestJson("adzuna", url, { timeoutMs: opts.timeoutMs, signal: call?.signal, limit: limitFor(opts.rateLimit, "adzuna") }));
    return data.results.map((j) => {
      const predicted = String(j.salary_is_predicted ?? "0") === "1";
      const location = j.location?.display_name?.trim() || null;
      return {
        source: "adzuna",
        sourceId: String(j.id),
        title: cleanTitle(j.title),
        company: cleanTitle(j.company?.display_name ?? "") || "Unknown employer",
        location,
        remote: /\bremote\b/i.test(`${j.title} ${location ?? ""}`),
        description: htmlToText(j.description ?? ""),
        url: j.redirect_url,
        postedAt: isoOrNull(j.created),
        salary:
          !predicted && (j.salary_min != null || j.salary_max != null)
            ? { min: j.salary_min ?? null, max: j.salary_max ?? null, currency: ADZUNA_CURRENCY[opts.country.toLowerCase()] ?? null, period: "year" as const }
            : null,
      };
    });
  },
});
