import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { repoRoot } from "../src/processes.js";
import { APPS, buildSteps, dockerPaths, fill } from "../src/simulate-image.js";

const dockerfile = (app: string) => readFileSync(join(repoRoot, "docker", `${app}.Dockerfile`), "utf8");
/** The instructions of one stage, from its FROM to the next. */
const stage = (text: string, name: string): string => {
  const start = text.search(new RegExp(`^FROM \\S+ AS ${name}$`, "m"));
  expect(start, `stage ${name}`).toBeGreaterThanOrEqual(0);
  const next = text.slice(start + 1).search(/^FROM /m);
  return next < 0 ? text.slice(start) : text.slice(start, start + 1 + next);
};

describe.each(APPS)("docker/%s.Dockerfile", (app) => {
  const text = dockerfile(app);

  test("runs the build steps that the simulation runs in CI", () => {
    const steps = buildSteps(app);
    expect(stage(text, "prune")).toContain(`RUN ${fill(steps.prune, dockerPaths)}`);
    expect(stage(text, "build").replaceAll("\\\n    ", "")).toContain(fill(steps.install, dockerPaths));
    expect(stage(text, "build")).toContain(fill(steps.build, dockerPaths));
    expect(stage(text, "deploy").replaceAll("\\\n    ", "")).toContain(fill(steps.deploy, dockerPaths));
  });

  test("ends in a slim runtime stage: the deploy directory only, non-root, tini, a health check", () => {
    const runtime = stage(text, "runtime");
    expect(text.trimEnd().endsWith('CMD ["node", "dist/main.js"]')).toBe(true);
    expect(runtime).toMatch(/^FROM \$\{NODE_IMAGE\} AS runtime$/m);
    expect(text).toContain("ARG NODE_IMAGE=node:20-bookworm-slim");
    expect(runtime).toContain("COPY --from=deploy /deploy/ ./");
    expect(runtime).not.toMatch(/COPY --from=(build|prune)/);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toContain('ENTRYPOINT ["/usr/bin/tini", "--"]');
    expect(runtime).toMatch(/^HEALTHCHECK .*\n\s+CMD \["node", "\/usr\/local\/lib\/job-agent\/healthcheck.mjs", "(http|redis)"\]/m);
    expect(runtime).toContain("ENV NODE_ENV=production");
  });
});

test("the api image has the one-shot migrate stage and listens on PORT", () => {
  const text = dockerfile("api");
  expect(stage(text, "migrate")).toContain('CMD ["pnpm", "--filter", "@job-agent/db", "migrate"]');
  expect(stage(text, "runtime")).toContain("EXPOSE 3000");
});
