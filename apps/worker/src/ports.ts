import { createConfiguredAdapters, type AdaptersEnv, type RateLimitPort } from "@job-agent/adapters";
import { createCheckpointStore, createDocumentPort, createProfileStore, createResultStore, type Db } from "@job-agent/db";
import type { Producer } from "@job-agent/queue";
import { outboundOptions, sleep, type Logger } from "@job-agent/shared";
import type { AdapterSet, CallOptions, JobSource, LlmPort, Ports } from "@job-agent/workflows";

export interface PortDeps {
  db: Db;
  producer: Producer;
  log: Logger;
  adapters: AdapterSet;
  /** LLM, job-source and CV-parser settings (the worker's env); absent: offline LLM and corpus. */
  env?: Partial<AdaptersEnv> & { OUTBOUND_ALLOW_PRIVATE_HOSTS?: string[]; OUTBOUND_HTTPS_ONLY?: "true" | "false"; NODE_ENV?: string; NULL_ADAPTER_DELAY_MS?: number };
  /** Base-URL overrides of job sources, by source name (tests point them at local fakes). */
  sourceBaseUrls?: Partial<Record<string, string>>;
  /** The providers' shared rate limits (absent: none). */
  rateLimit?: RateLimitPort;
}


/** The null adapters made slow: each call takes `ms`, so a node takes a known time (drain and fault tests). */
const slowed = (ms: number, llm: LlmPort, sources: JobSource[]): { llm: LlmPort; sources: JobSource[] } => {
  const after =
    <A, R>(fn: (input: A, opts?: CallOptions) => Promise<R>) =>
    async (input: A, opts?: CallOptions): Promise<R> => {
      await sleep(ms, opts?.signal);
      return fn(input, opts);
    };
  return {
    llm: {
      name: llm.name,
      extractProfile: after(llm.extractProfile.bind(llm)),
      suggestTitles: after(llm.suggestTitles.bind(llm)),
      scorePostings: after(llm.scorePostings.bind(llm)),
      researchCompany: after(llm.researchCompany.bind(llm)),
      writeMaterials: after(llm.writeMaterials.bind(llm)),
    },
    sources: sources.map((s) => ({ ...s, name: s.name, search: after(s.search.bind(s)) })),
  };
};

/** Every port the workflows need, over this process's database and queues. */
export const buildPorts = (deps: PortDeps) => {
  const clock = { now: () => new Date() };
  const env = deps.env ?? {};
  const configured = createConfiguredAdapters(deps.adapters, env, { clock, baseUrls: deps.sourceBaseUrls, rateLimit: deps.rateLimit });
  const delayMs = deps.adapters === "null" ? (env.NULL_ADAPTER_DELAY_MS ?? 0) : 0;
  const ports: Ports = {
    ...configured,
    ...(delayMs > 0 ? slowed(delayMs, configured.llm, configured.sources) : {}),
    // CV URLs follow the same outbound rules as webhooks: public addresses only, https only in production.
    documents: createDocumentPort(
      deps.db,
      outboundOptions({ NODE_ENV: env.NODE_ENV ?? "development", OUTBOUND_ALLOW_PRIVATE_HOSTS: env.OUTBOUND_ALLOW_PRIVATE_HOSTS ?? [], OUTBOUND_HTTPS_ONLY: env.OUTBOUND_HTTPS_ONLY }),
    ),
    profiles: createProfileStore(deps.db),
    results: createResultStore(deps.db),
    // The worker asks for the webhook itself once the execution has finished (one request per execution,
    // see handlers.ts): the Delivery node runs before that moment, so its request has nothing to add.
    delivery: { enqueue: () => Promise.resolve() },
    clock,
    log: deps.log,
  };
  return { ports, store: createCheckpointStore(deps.db) };
};
