import { createCheckpointStore, createDocumentPort, createProfileStore, createResultStore, type Db } from "@job-agent/db";
import { QUEUES, type Producer } from "@job-agent/queue";
import type { Logger } from "@job-agent/shared";
import { createAdapters, type AdapterSet, type Ports } from "@job-agent/workflows";

/** Every port the workflows need, over this process's database and queues. */
export const buildPorts = (deps: { db: Db; producer: Producer; log: Logger; adapters: AdapterSet }) => {
  const clock = { now: () => new Date() };
  const ports: Ports = {
    ...createAdapters(deps.adapters, { clock }),
    documents: createDocumentPort(deps.db),
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
