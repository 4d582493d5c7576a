import { appEnv, finishedRuns, submit } from "./scenarios.js";
import { startApp, stopApp, waitFor, type App, type Env } from "./stack.js";
import { quantile } from "./stats.js";

/**
 * Scenario 5: `clients` concurrent SSE streams over `runs` runs (several
 * clients per run) while null-adapter workers run them. Latency is from the
 * event's commit time (its `at`, stamped in Postgres) to the client reading it.
 */
export const sse = async (env: Env, port: number, api: App, opts: { clients: number; runs: number }) => {
  const ids = await submit(env, port, opts.runs, 20);
  const latencies: number[] = [];
  const controllers: AbortController[] = [];
  let peakRss = api.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, api.rss())), 100);
  const streams = Array.from({ length: opts.clients }, async (_, i) => {
    const ac = new AbortController();
    controllers.push(ac);
    const res = await fetch(`http://127.0.0.1:${port}/v1/runs/${ids[i % ids.length]}/events`, {
      headers: { authorization: `Bearer ${env.key}`, accept: "text/event-stream" },
      signal: ac.signal,
    });
    if (!res.ok || !res.body) throw new Error(`events answered ${res.status}`);
    const decoder = new TextDecoder();
    let buf = "";
    try {
      for await (const chunk of res.body) {
        buf += decoder.decode(chunk as Uint8Array, { stream: true });
        let cut;
        while ((cut = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const data = block.split("\n").find((l) => l.startsWith("data:"));
          if (!data) continue;
          try {
            const ev = JSON.parse(data.slice(5)) as { at?: string; type?: string };
            if (ev.at && ev.type?.startsWith("node.")) latencies.push(Date.now() - Date.parse(ev.at));
          } catch {
            /* not an event */
          }
        }
      }
    } catch {
      /* aborted at the end */
    }
  });
  // Let every client connect (and replay the nothing that happened yet) before the runs start.
  await new Promise((r) => setTimeout(r, 2_000));
  const workers = [1, 2].map(() => startApp("worker", appEnv(env, { WORKFLOW_ADAPTERS: "null", WORKER_CONCURRENCY: "16", USER_MAX_CONCURRENT_RUNS: "100000" })));
  try {
    await waitFor(async () => (await finishedRuns(env, ["completed"])) >= ids.length, "the runs", 300_000, 250);
    await new Promise((r) => setTimeout(r, 1_000));
  } finally {
    clearInterval(sampler);
    controllers.forEach((c) => c.abort());
    await Promise.allSettled(streams);
    await Promise.all(workers.map(stopApp));
  }
  const sorted = latencies.sort((a, b) => a - b);
  return { events: sorted.length, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), apiPeakRssMb: peakRss / 2 ** 20 };
};
