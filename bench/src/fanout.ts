import pg from "pg";
import { appEnv } from "./scenarios.js";
import { startApp, stopApp, waitFor, type Env } from "./stack.js";

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
         insert into profiles (id, user_id, status, suggested_titles, location, updated_at)
         select gen_random_uuid(), id, 'ready', array['Software Engineer'], 'London', now() from u
         returning id, user_id
       )
       insert into schedules (id, user_id, profile_id, cron, timezone, enabled, updated_at)
       select gen_random_uuid(), user_id, id, $2, 'UTC', true, now() from p`,
      [n, cron],
    );
  } finally {
    await c.end();
  }
  const scheduler = startApp("scheduler", appEnv(env, { SCHEDULE_SYNC_INTERVAL_MS: "600000", RECONCILE_INTERVAL_MS: "600000", MONITOR_INTERVAL_MS: "600000" }));
  try {
    await waitFor(() => Date.now() > fireAt.getTime(), "the firing second", 60_000, 100);
    await waitFor(async () => (await env.db.prisma.run.count()) >= n, "every run in Postgres", 300_000, 100);
    const inPostgresMs = Date.now() - fireAt.getTime();
    const { createProducer, QUEUES } = await import("@job-agent/queue");
    const producer = createProducer({ config: { url: env.redisUrl, prefix: env.prefix }, timeoutMs: 10_000 });
    try {
      await waitFor(
        async () => {
          const counts = await producer.counts(QUEUES.jobSearch);
          return Object.values(counts).reduce((a, b) => a + b, 0) >= n;
        },
        "every run on the queue",
        300_000,
        100,
      );
    } finally {
      await producer.close();
    }
    const enqueuedMs = Date.now() - fireAt.getTime();
    const workers = [1, 2].map(() => startApp("worker", appEnv(env, { WORKFLOW_ADAPTERS: "null", WORKER_CONCURRENCY: "16", DATABASE_POOL_MAX: "20" })));
    try {
      await waitFor(async () => (await env.db.prisma.run.count({ where: { status: { in: ["completed", "failed"] } } })) >= n, "every run finished", 900_000, 500);
    } finally {
      await Promise.all(workers.map(stopApp));
    }
    return { inPostgresMs, enqueuedMs, completedMs: Date.now() - fireAt.getTime() };
  } finally {
    await stopApp(scheduler);
  }
};
