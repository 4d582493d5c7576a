import pg from "pg";
import { appEnv, finishedRuns } from "./scenarios.js";
import { cpuMeter, startApp, stopApp, waitFor, type Env } from "./stack.js";

/** What profiling would have extracted (the smallest valid profile). */
const PROFILE = {
  name: null,
  email: null,
  phone: null,
  links: [],
  location: "London",
  headline: "Software Engineer",
  summary: null,
  skills: ["TypeScript"],
  fields: [],
  experience: [],
  totalYearsExperience: 5,
  education: [],
  languages: [],
  seniority: "mid",
};

/**
 * Scenario 4: `n` profiles (each its own user, one suggested title) whose
 * schedules fire in the same second. Measures the time from that second until
 * every run is in Postgres and on the queue, then (with two null-adapter
 * workers started) until every run has completed.
 */
export const fanOut = async (env: Env, n: number) => {
  const c = new pg.Client({ connectionString: env.databaseUrl });
  await c.connect();
  const fireAt = new Date(Math.ceil((Date.now() + 25_000) / 1000) * 1000);
  const cron = `${fireAt.getUTCSeconds()} ${fireAt.getUTCMinutes()} ${fireAt.getUTCHours()} * * *`;
  try {
    await c.query(
      `with u as (
         insert into users (id, email, plan, webhook_secret)
         select gen_random_uuid(), 'fan' || i || '@example.com', 'free', 'whsec_x' from generate_series(1, $1) i
         returning id
       ), p as (
         insert into profiles (id, user_id, status, data, suggested_titles, location, updated_at)
         select gen_random_uuid(), id, 'ready', $3::jsonb, array['Software Engineer'], 'London', now() from u
         returning id, user_id
       )
       insert into schedules (id, user_id, profile_id, cron, timezone, enabled, updated_at)
       select gen_random_uuid(), user_id, id, $2, 'UTC', true, now() from p`,
      [n, cron, JSON.stringify(PROFILE)],
    );
  } finally {
    await c.end();
  }
  const scheduler = startApp("scheduler", appEnv(env, { SCHEDULE_SYNC_INTERVAL_MS: "600000", RECONCILE_INTERVAL_MS: "600000", MONITOR_INTERVAL_MS: "600000" }));
  const { createProducer, QUEUES } = await import("@job-agent/queue");
  const producer = createProducer({ config: { url: env.redisUrl, prefix: env.prefix }, timeoutMs: 10_000 });
  try {
    await waitFor(() => Date.now() > fireAt.getTime() - 1_000, "the second before the firing", 60_000, 100);
    const cpu = cpuMeter([scheduler]);
    // Runs in Postgres and jobs on the queue, every 100 ms from the firing second, until both reach n.
    let inPostgresMs = 0;
    let enqueuedMs = 0;
    const timeline: string[] = [];
    await waitFor(
      async () => {
        const [runs, counts] = await Promise.all([env.db.pool.query<{ n: number }>("select count(*)::int as n from runs"), producer.counts(QUEUES.jobSearch)]);
        const inPg = runs.rows[0]!.n;
        const queued = Object.values(counts).reduce((a, b) => a + b, 0);
        const at = Date.now() - fireAt.getTime();
        if (timeline.length === 0 || at - Number(timeline.at(-1)!.split(" ")[0]) >= 1_000) timeline.push(`${at} ms: ${inPg} runs in Postgres, ${queued} jobs queued`);
        if (!inPostgresMs && inPg >= n) inPostgresMs = at;
        if (!enqueuedMs && queued >= n) enqueuedMs = at;
        return inPostgresMs > 0 && enqueuedMs > 0;
      },
      "every run in Postgres and on the queue",
      300_000,
      100,
    );
    const cpuUsed = cpu();
    console.log(`  ${timeline.join("\n  ")}`);
    console.log(`  CPU during the fan-out (s): ${Object.entries(cpuUsed).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", ")}`);
    const workers = [1, 2].map(() => startApp("worker", appEnv(env, { WORKFLOW_ADAPTERS: "null", WORKER_CONCURRENCY: "64", DATABASE_POOL_MAX: "10" })));
    try {
      await waitFor(async () => (await finishedRuns(env)) >= n, "every run finished", 900_000, 250);
    } finally {
      await Promise.all(workers.map(stopApp));
    }
    return { inPostgresMs, enqueuedMs, completedMs: Date.now() - fireAt.getTime() };
  } finally {
    await producer.close();
    await stopApp(scheduler);
  }
};
