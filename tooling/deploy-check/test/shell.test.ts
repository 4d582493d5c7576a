import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, test } from "vitest";
import { repoRoot, run } from "../src/processes.js";

/** Every shell script in the repository's deployment and CI folders: *.sh or a sh/bash shebang. */
const shellScripts = (): string[] => {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === "node_modules") continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".sh") || /^#!.*\b(ba)?sh\b/.test(readFileSync(p, "utf8").split("\n", 1)[0] ?? "")) found.push(relative(repoRoot, p));
    }
  };
  for (const dir of ["docker", "infra", ".ci", "scripts"]) walk(join(repoRoot, dir));
  return found.sort();
};

describe("shell scripts", () => {
  const scripts = shellScripts();

  test("are all found", () => {
    expect(scripts).toEqual(expect.arrayContaining([".ci/run", "infra/backup/backup.sh", "infra/backup/nightly.sh", "infra/backup/restore.sh", "infra/hetzner/deploy.sh"]));
  });

  test("pass shellcheck (every severity; .ci/run, which predates these checks, at warning and above)", () => {
    const own = scripts.filter((s) => s !== ".ci/run");
    const res = run("shellcheck", ["--external-sources", ...own], { cwd: repoRoot });
    expect(res.stdout + res.stderr).toBe("");
    expect(res.code).toBe(0);
    const ci = run("shellcheck", ["--severity=warning", ".ci/run"], { cwd: repoRoot });
    expect(ci.stdout + ci.stderr).toBe("");
    expect(ci.code).toBe(0);
  });

  test("are executable", () => {
    for (const s of scripts) expect(statSync(join(repoRoot, s)).mode & 0o111, s).not.toBe(0);
  });
});
