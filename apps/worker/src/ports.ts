import { createConfiguredAdapters, type AdaptersEnv } from "@job-agent/adapters";
import { createCheckpointStore, createDocumentPort, createProfileStore, createResultStore, type Db } from "@job-agent/db";
import { QUEUES, type Producer } from "@job-agent/queue";
import type { Logger } from "@job-agent/shared";
import type { AdapterSet, Ports } from "@job-agent/workflows";

export interface PortDeps {
  db: Db;
  producer: Producer;
  log: Logger;
  adapters: AdapterSet;
  /** LLM, job-source and CV-parser settings (the worker's env); absent: offline LLM and corpus. */
  env?: Partial<AdaptersEnv> & { OUTBOUND_ALLOW_PRIVATE_HOSTS?: string[] };
  /** Base-URL overrides of job sources, by source name (tests point them at local fakes). */
  sourceBaseUrls?: Partial<Record<string, string>>;
}

/** Every port the workflows need, over this process's database and queues. */
export const buildPorts = (deps: PortDeps) => {
  const clock = { now: () => new Date() };
  const env = deps.env ?? {};
  const ports: Ports = {
    ...createConfiguredAdapters(deps.adapters, env, { clock, baseUrls: deps.sourceBaseUrls }),
    documents: createDocumentPort(deps.db, { allowPrivateHosts: env.OUTBOUND_ALLOW_PRIVATE_HOSTS ?? [] }),
    profiles: createProfileStore(deps.db),
    results: createResultStore(deps.db),
    delivery: {
      enqueue: ({ runId }) => deps.producer.enqueue(QUEUES.delivery, { runId }, { jobId: `delivery-${runId}` }),
    },
    clock,
    log: deps.log,
  };
  return { ports, store: createCheckpointStore(deps.db) };
};
