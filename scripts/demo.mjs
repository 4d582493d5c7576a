// `pnpm demo`: the one-command main job. Builds, migrates, starts api + worker + scheduler,
// profiles the sample CV that ships in examples/, runs a job search per suggested title on
// the offline adapters, prints the profile, the top matches and the status URLs, then stops.
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { APPS, freePort, root, run, startApp, stopAll, waitFor } from "./lib.mjs";

const started = Date.now();
const step = (msg) => console.log(`\n▸ ${msg}`);
const cvPath = process.argv[2] ?? join(root, "examples", "sample-cv.md");

step("building (turbo)");
await run("pnpm", ["--silent", "build"], { quiet: true });

step("migrating the database");
await run("pnpm", ["--silent", "db:migrate"], { quiet: true });

const key = (await run("pnpm", ["--silent", "keys:create", "--email", "demo@job-agent.local", "--plan", "premium"], { quiet: true }))
  .trim()
  .split("\n")
  .at(-1);

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const env = { PORT: String(port), HOST: "127.0.0.1", QUEUE_PREFIX: `job-agent-demo-${process.pid}`, LOG_LEVEL: "warn", RECONCILE_INTERVAL_MS: "2000" };
step(`starting ${APPS.join(", ")} (api on ${base})`);
const children = APPS.map((app) => startApp(app, env));
const stop = () => stopAll(children);
process.on("SIGINT", () => void stop().then(() => process.exit(130)));
// However this process ends (a closed pipe, an uncaught error), the apps it started end with it.
process.on("exit", () => children.forEach((c) => c.exitCode === null && c.kill("SIGTERM")));
process.stdout.on("error", () => process.exit(1));

const api = async (method, path, body) => {
  const form = body instanceof FormData;
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body && !form ? { "content-type": "application/json" } : {}) },
    body: body ? (form ? body : JSON.stringify(body)) : undefined,
  });
  const json = await res.json();
  if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
};
const finished = async (runId) => {
  let view;
  await waitFor(async () => {
    view = await api("GET", `/v1/runs/${runId}`);
    return ["completed", "failed", "cancelled"].includes(view.status);
  }, { timeoutMs: 120_000, what: `run ${runId}` });
  return view;
};

try {
  await waitFor(async () => (await fetch(`${base}/ready`)).ok, { what: "the API to be ready" });

  step(`profiling ${cvPath.replace(`${root}/`, "")}`);
  // Uploaded as a file, as a person would: PDF, DOCX, text or Markdown, told apart by its bytes.
  const upload = new FormData();
  upload.append("files", new Blob([readFileSync(cvPath)]), basename(cvPath));
  const created = await api("POST", "/v1/profiles", upload);
  console.log(`  run ${created.runId}  ${created.statusUrl}`);
  const profilingRun = await finished(created.runId);
  if (profilingRun.status !== "completed") throw new Error(`profiling ${profilingRun.status}: ${JSON.stringify(profilingRun.error)}`);
  const { profile, suggestedTitles } = await api("GET", `/v1/profiles/${created.profileId}`);
  console.log(`  ${profile.name ?? "(no name)"} · ${profile.email ?? "-"} · ${profile.location ?? "-"}`);
  console.log(`  seniority ${profile.seniority}, ${profile.totalYearsExperience} years, fields: ${profile.fields.join(", ")}`);
  console.log(`  skills: ${profile.skills.join(", ")}`);
  console.log(`  suggested titles: ${suggestedTitles.join(" · ")}`);

  step("searching jobs, one run per suggested title");
  const fan = await api("POST", `/v1/profiles/${created.profileId}/job-searches`, { maxScreening: 5 });
  let best;
  for (const r of fan.runs) {
    const view = await finished(r.runId);
    console.log(`\n  “${r.query}” → ${view.status}  ${r.statusUrl}`);
    if (view.status !== "completed") throw new Error(`job search ${view.status}: ${JSON.stringify(view.error)}`);
    const { items } = await api("GET", `/v1/runs/${r.runId}/matches`);
    for (const m of items.slice(0, 3)) {
      const where = m.posting.remote ? `${m.posting.location ?? ""} (remote)` : m.posting.location;
      console.log(`   ${String(Math.round(m.score)).padStart(3)}  ${m.posting.title} — ${m.posting.company}, ${where}`);
      console.log(`        ${m.reasons.summary.slice(0, 2).join(" ")}`);
      if (!best || m.score > best.score) best = m;
    }
  }
  if (best) {
    step(`cover letter for the best match: ${best.posting.title} at ${best.posting.company}`);
    console.log(best.coverLetter.split("\n").map((l) => `  ${l}`).join("\n"));
    console.log(`\n  CV highlights:\n${best.highlights.map((h) => `   • ${h}`).join("\n")}`);
  }
  step(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (err) {
  console.error(`\ndemo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  await stop();
}
