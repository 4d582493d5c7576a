import { PermanentError } from "@job-agent/shared/errors";
import type { CallOptions, JobPosting, JobSearchQuery, JobSource, Salary } from "@job-agent/workflows";
import { z } from "zod";
import { requestJson } from "../http.js";
import { limitFor, type RateLimitPort } from "../rate-limit.js";
import { cleanTitle, filterPostings, htmlToText, isoOrNull, parseSalaryText, titleCaseToken } from "./text.js";

export interface SourceOptions {
  /** Overrides the service's base URL (tests replay recorded answers from a local server). */
  baseUrl?: string;
  timeoutMs: number;
  /** The shared per-provider rate limit, asked before each request. */
  rateLimit?: RateLimitPort;
}

export interface BoardSourceOptions extends SourceOptions {
  /** Company boards read on every search; a request may add more. */
  boards: string[];
}

const str = z.string().nullish();
const num = z.number().nullish();
const isRemote = (...texts: (string | null | undefined)[]): boolean => texts.some((t) => !!t && /\b(remote|anywhere|work from home)\b/i.test(t));

/** Reads every board of a request (configured + asked), one failure failing the source only if every board fails. */
const searchBoards = async (
  name: string,
  opts: BoardSourceOptions,
  q: JobSearchQuery,
  call: CallOptions | undefined,
  readBoard: (board: string) => Promise<JobPosting[]>,
): Promise<JobPosting[]> => {
  const boards = [...new Set([...opts.boards, ...(q.boards ?? [])].map((b) => b.trim()).filter(Boolean))];
  if (boards.length === 0) throw new PermanentError(`${name}: no company board configured or requested`, "no_boards");
  if (boards.some((b) => !/^[\w.-]{1,100}$/.test(b))) throw new PermanentError(`${name}: a board token may hold letters, digits, '-', '_' and '.' only`, "bad_board");
  call?.signal?.throwIfAborted();
  const settled = await Promise.allSettled(boards.map(readBoard));
  // a board over the provider's rate limit reschedules the search rather than leave the board out
  const limited = settled.find((r): r is PromiseRejectedResult => r.status === "rejected" && typeof (r.reason as { retryAfterMs?: unknown }).retryAfterMs === "number");
  if (limited) throw limited.reason;
  const ok = settled.filter((r): r is PromiseFulfilledResult<JobPosting[]> => r.status === "fulfilled");
  if (ok.length === 0) throw (settled[0] as PromiseRejectedResult).reason;
  return filterPostings(
    ok.flatMap((r) => r.value),
    q.query,
    q.location,
    q.limit,
  );
};

/* ------------------------------------------------------------------ Greenhouse */

const GreenhouseBoard = z.object({
  jobs: z.array(
    z.object({
      id: z.union([z.number(), z.string()]),
      title: z.string(),
      absolute_url: z.string(),
      location: z.object({ name: str }).nullish(),
      updated_at: str,
      first_published: str,
      content: str,
      company_name: str,
    }),
  ),
});

export const createGreenhouseSource = (opts: BoardSourceOptions): JobSource => ({
  name: "greenhouse",
  timeoutMs: opts.timeoutMs,
  search: (q, call) =>
    searchBoards("greenhouse", opts, q, call, async (board) => {
      const base = opts.baseUrl ?? "https://boards-api.greenhouse.io";
      const raw = await requestJson(`greenhouse board ${board}`, `${base}/v1/boards/${encodeURIComponent(board)}/jobs?content=true`, { timeoutMs: opts.timeoutMs, signal: call?.signal, limit: limitFor(opts.rateLimit, "greenhouse") });
      const data = GreenhouseBoard.parse(raw);
      return data.jobs.map((j) => {
        const location = j.location?.name && j.location.name !== "N/A" ? j.location.name : null;
        return {
          source: "greenhouse",
          sourceId: `${board}:${j.id}`,
          title: cleanTitle(j.title),
          company: j.company_name?.trim() || titleCaseToken(board),
          location,
          remote: isRemote(location),
          description: htmlToText(j.content ?? ""),
          url: j.absolute_url,
          postedAt: isoOrNull(j.first_published ?? j.updated_at),
          salary: null,
        };
      });
    }),
});

/* ------------------------------------------------------------------ Lever */

const LeverPosting = z.object({
  id: z.string(),
  text: z.string(),
  hostedUrl: z.string(),
  createdAt: num,
  workplaceType: str,
  categories: z.object({ location: str, commitment: str, team: str, allLocations: z.array(z.string()).nullish() }).nullish(),
  descriptionPlain: str,
  description: str,
  lists: z.array(z.object({ text: z.string(), content: z.string() })).nullish(),
  additionalPlain: str,
  salaryRange: z.object({ min: num, max: num, currency: str, interval: str }).nullish(),
});

const leverPeriod = (interval: string | null | undefined): Salary["period"] => {
  const i = interval ?? "";
  if (/hour/.test(i)) return "hour";
  if (/day/.test(i)) return "day";
  if (/week/.test(i)) return "week";
  if (/month/.test(i)) return "month";
  if (/year|salary/.test(i)) return "year";
  return null;
};

export const createLeverSource = (opts: BoardSourceOptions & { pageSize?: number; maxPages?: number }): JobSource => ({
  name: "lever",
  timeoutMs: opts.timeoutMs,
  search: (q, call) =>
    searchBoards("lever", opts, q, call, async (site) => {
      const base = opts.baseUrl ?? "https://api.lever.co";
      const pageSize = opts.pageSize ?? 100;
      const out: z.infer<typeof LeverPosting>[] = [];
      for (let page = 0; page < (opts.maxPages ?? 5); page++) {
        const raw = await requestJson(`lever site ${site}`, `${base}/v0/postings/${encodeURIComponent(site)}?mode=json&skip=${page * pageSize}&limit=${pageSize}`, {
          timeoutMs: opts.timeoutMs,
          signal: call?.signal,
          limit: limitFor(opts.rateLimit, "lever"),
        });
        if (!Array.isArray(raw)) {
          const err = z.object({ ok: z.literal(false), error: z.string() }).safeParse(raw);
          throw new PermanentError(`lever site ${site}: ${err.success ? err.data.error : "unexpected answer"}`, "source_bad_answer");
        }
        const items = z.array(LeverPosting).parse(raw);
        out.push(...items);
        if (items.length < pageSize) break;
      }
      return out.map((p) => {
        const sections = (p.lists ?? []).map((l) => `${l.text}\n${htmlToText(l.content)}`).join("\n\n");
        const description = [p.descriptionPlain?.trim() || htmlToText(p.description ?? ""), sections, p.additionalPlain?.trim() ?? ""].filter(Boolean).join("\n\n");
        const location = p.categories?.location ?? null;
        const s = p.salaryRange;
        return {
          source: "lever",
          sourceId: `${site}:${p.id}`,
          title: cleanTitle(p.text),
          company: titleCaseToken(site),
          location,
          remote: p.workplaceType === "remote" || isRemote(location),
          description,
          url: p.hostedUrl,
          postedAt: isoOrNull(p.createdAt),
          salary: s && (s.min != null || s.max != null) ? { min: s.min ?? null, max: s.max ?? null, currency: s.currency ?? null, period: leverPeriod(s.interval) } : null,
        };
      });
    }),
});

/* ------------------------------------------------------------------ Ashby */

const AshbyBoard = z.object({
  jobs: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      location: str,
      isRemote: z.boolean().nullish(),
      isListed: z.boolean().nullish(),
      workplaceType: str,
      publishedAt: str,
      jobUrl: z.string(),
      descriptionPlain: str,
      descriptionHtml: str,
      compensation: z
        .object({
          summaryComponents: z
            .array(z.object({ compensationType: str, interval: str, currencyCode: str, minValue: num, maxValue: num }))
            .nullish(),
        })
        .nullish(),
    }),
  ),
});

const ashbyPeriod = (interval: string | null | undefined): Salary["period"] =>
  interval === "1 YEAR" ? "year" : interval === "1 MONTH" ? "month" : interval === "1 HOUR" ? "hour" : interval === "1 WEEK" ? "week" : interval === "1 DAY" ? "day" : null;

export const createAshbySource = (opts: BoardSourceOptions): JobSource => ({
  name: "ashby",
  timeoutMs: opts.timeoutMs,
  search: (q, call) =>
    searchBoards("ashby", opts, q, call, async (board) => {
      const base = opts.baseUrl ?? "https://api.ashbyhq.com";
      const raw = await requestJson(`ashby board ${board}`, `${base}/posting-api/job-board/${encodeURIComponent(board)}?includeCompensation=true`, {
        timeoutMs: opts.timeoutMs,
        signal: call?.signal,
        limit: limitFor(opts.rateLimit, "ashby"),
      });
      return AshbyBoard.parse(raw)
        .jobs.filter((j) => j.isListed !== false)
        .map((j) => {
          const pay = j.compensation?.summaryComponents?.find((c) => c.compensationType === "Salary" && (c.minValue != null || c.maxValue != null));
          const location = j.location?.trim() || null;
          return {
            source: "ashby",
            sourceId: `${board}:${j.id}`,
            title: cleanTitle(j.title),
            company: titleCaseToken(board),
            location,
            remote: j.workplaceType === "Remote" || (j.isRemote === true && j.workplaceType !== "OnSite" && j.workplaceType !== "Hybrid") || isRemote(location),
            description: j.descriptionPlain?.trim() || htmlToText(j.descriptionHtml ?? ""),
            url: j.jobUrl,
            postedAt: isoOrNull(j.publishedAt),
            salary: pay ? { min: pay.minValue ?? null, max: pay.maxValue ?? null, currency: pay.currencyCode ?? null, period: ashbyPeriod(pay.interval) } : null,
          };
        });
    }),
});

export { parseSalaryText };
