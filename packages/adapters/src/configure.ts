import { PermanentError } from "@job-agent/shared/errors";
import { createAdapters, type AdapterSet, type Clock, type CvParserPort, type JobSource, type LlmPort } from "@job-agent/workflows";
import { createCvParser } from "./documents/sandbox.js";
import type { AdaptersEnv } from "./env.js";
import type { RateLimitPort } from "./rate-limit.js";
import { createOpenAiLlm } from "./llm/openai.js";
import { createAshbySource, createGreenhouseSource, createLeverSource } from "./sources/boards.js";
import { createAdzunaSource, createArbeitnowSource, createRemotiveSource, createSerpApiSource, createTheMuseSource } from "./sources/search-apis.js";

/**
 * The language model, job sources and CV parser for a worker's settings: the
 * offline adapters unless an LLM and sources are configured; `null` adapters
 * for benchmarks. A source that needs a key it does not have is a start-up error.
 * With `rateLimit`, every request to the LLM and to each job source first asks
 * the provider's shared limit (providers: llm, greenhouse, lever, ashby,
 * remotive, arbeitnow, themuse, serpapi, adzuna).
 */
export const createConfiguredAdapters = (
  set: AdapterSet,
  env: Partial<AdaptersEnv>,
  deps: { clock: Clock; baseUrls?: Partial<Record<string, string>>; rateLimit?: RateLimitPort },
): { llm: LlmPort; sources: JobSource[]; cvParser: CvParserPort } => {
  const base = createAdapters(set, deps);
  const cvParser = createCvParser({ timeoutMs: env.CV_PARSE_TIMEOUT_MS, memoryMb: env.CV_PARSE_MEMORY_MB });
  if (set === "null") return { ...base, cvParser };
  const llm =
    env.LLM_BASE_URL && env.LLM_MODEL
      ? createOpenAiLlm({ baseUrl: env.LLM_BASE_URL, apiKey: env.LLM_API_KEY ?? "", model: env.LLM_MODEL, timeoutMs: env.LLM_TIMEOUT_MS ?? 60_000, now: () => deps.clock.now(), rateLimit: deps.rateLimit })
      : base.llm;
  const timeoutMs = env.SOURCE_TIMEOUT_MS ?? 15_000;
  const rateLimit = deps.rateLimit;
  const url = (name: string): string | undefined => deps.baseUrls?.[name];
  const need = (name: string, value: string | undefined, variable: string): string => {
    if (!value) throw new PermanentError(`JOB_SOURCES includes ${name} but ${variable} is not set`, "source_not_configured");
    return value;
  };
  const sources = (env.JOB_SOURCES ?? ["offline"]).map((name): JobSource => {
    switch (name) {
      case "offline":
        return base.sources[0]!;
      case "greenhouse":
        return createGreenhouseSource({ boards: env.GREENHOUSE_BOARDS ?? [], timeoutMs, baseUrl: url(name), rateLimit });
      case "lever":
        return createLeverSource({ boards: env.LEVER_SITES ?? [], timeoutMs, baseUrl: url(name), rateLimit });
      case "ashby":
        return createAshbySource({ boards: env.ASHBY_BOARDS ?? [], timeoutMs, baseUrl: url(name), rateLimit });
      case "remotive":
        return createRemotiveSource({ timeoutMs, baseUrl: url(name), rateLimit });
      case "arbeitnow":
        return createArbeitnowSource({ timeoutMs, baseUrl: url(name), rateLimit });
      case "themuse":
        return createTheMuseSource({ timeoutMs, baseUrl: url(name), rateLimit, apiKey: env.THEMUSE_API_KEY });
      case "serpapi":
        return createSerpApiSource({ timeoutMs, baseUrl: url(name), rateLimit, apiKey: need(name, env.SERPAPI_API_KEY, "SERPAPI_API_KEY"), now: () => deps.clock.now() });
      case "adzuna":
        return createAdzunaSource({
          timeoutMs,
          baseUrl: url(name),
          rateLimit,
          appId: need(name, env.ADZUNA_APP_ID, "ADZUNA_APP_ID"),
          appKey: need(name, env.ADZUNA_APP_KEY, "ADZUNA_APP_KEY"),
          country: env.ADZUNA_COUNTRY ?? "gb",
        });
    }
  });
  return { llm, sources, cvParser };
};
