import { get, type ClientRequest } from "node:http";
import { appEnv, finishedRuns, submit } from "./scenarios.js";
import { startApp, stopApp, waitFor, type App, type Env } from "./stack.js";
import { quantile } from "./stats.js";

/**
 * Scenario 5: `clients` concurrent SSE streams over `runs` runs (several
 * clients per run) while null-adapter workers run them. Latency is from the
 * moment Postgres stored the event (its `at`, taken inside the transaction, so the commit counts) to the client reading it.
 */
export const sse = async (env: Env, port: number, api: App, opts: { clients: number; runs: number }) => {
  const ids = await submit(env, port, opts.runs, 20);
  const latencies: number[] = [];
  const requests: ClientRequest[] = [];
  let peakRss = api.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, api.rss())), 100);
  const streams = Array.from(
    { length: opts.clients },
    (_, i) =>
      new Promise<void>((resolve, reject) => {
        // node:http, not fetch: the client's own cost should not be what is measured
        const req = get(
          { host: "127.0.0.1", port, path: `/v1/runs/${ids[i % ids.length]}/events`, agent: false, headers: { authorization: `Bearer ${env.key}`, accept: "text/event-stream" } },
          (res) => {
            if (res.statusCode !== 200) return reject(new Error(`events answered ${res.statusCode}`));
            res.setEncoding("utf8");
            let buf = "";
            res.on("data", (chunk: string) => {
              const now = Date.now();
              buf += chunk;
              let cut;
              while ((cut = buf.indexOf("\n\n")) >= 0) {
                const block = buf.slice(0, cut);
                buf = buf.slice(cut + 2);
                // the event's type and time, without parsing the whole event (the client's own cost is not the figure)
                if (!block.includes("event: node.")) continue;
                const at = /"at":"([^"]+)"/.exec(block)?.[1];
                if (at) latencies.push(now - Date.parse(at));
              }
            });
            res.on("end", () => resolve());
            res.on("error", () => resolve());
          },
        );
        req.on("error", () => resolve());
        requests.push(req);
      }),
  );
  // Let every client connect (and replay the nothing that happened yet) before the runs start.
  await new Promise((r) => setTimeout(r, 2_000));
  const workers = [1, 2].map(() => startApp("worker", appEnv(env, { WORKFLOW_ADAPTERS: "null", WORKER_CONCURRENCY: "64", USER_MAX_CONCURRENT_RUNS: "100000" })));
  try {
    await waitFor(async () => (await finishedRuns(env, ["completed"])) >= ids.length, "the runs", 300_000, 250);
    await new Promise((r) => setTimeout(r, 1_000));
  } finally {
    clearInterval(sampler);
    requests.forEach((r) => r.destroy());
    await Promise.allSettled(streams);
    await Promise.all(workers.map(stopApp));
  }
  const sorted = latencies.sort((a, b) => a - b);
  return { events: sorted.length, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), apiPeakRssMb: peakRss / 2 ** 20 };
};
