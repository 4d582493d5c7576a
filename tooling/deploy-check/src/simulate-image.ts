/**
 * The Dockerfiles' build steps (docker/<app>.Dockerfile), run outside Docker: turbo prune → install
 * from the pruned lockfile → build → `pnpm deploy --prod` into a directory that is exactly what the
 * runtime stage copies to /app. The tests then start the app from that directory with plain node.
 *
 *   pnpm --filter @job-agent/deploy-check simulate [api|worker|scheduler ...] [--keep]
 *
 * prints each deploy directory's size (the final image stage's installed application).
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, runOk } from "./processes.js";

export const APPS = ["api", "worker", "scheduler"] as const;
export type App = (typeof APPS)[number];

interface Paths {
  out: string;
  store: string;
  deploy: string;
}

/**
 * The commands of the Dockerfile's prune, build and deploy stages, with the paths as placeholders.
 * test/dockerfiles.test.ts checks that every Dockerfile runs these very commands.
 */
export const buildSteps = (app: App) => ({
  prune: `turbo prune @job-agent/${app} --docker --out-dir {out}`,
  install: `pnpm install --frozen-lockfile --store-dir {store}`,
  build: `pnpm exec turbo run build --filter=@job-agent/${app}`,
  deploy: `pnpm --filter @job-agent/${app} deploy --prod --legacy --store-dir {store} {deploy}`,
});

/** The paths inside the Docker build. */
export const dockerPaths: Paths = { out: "/out", store: "/pnpm/store", deploy: "/deploy" };

export const fill = (command: string, paths: Paths): string =>
  command.replaceAll("{out}", paths.out).replaceAll("{store}", paths.store).replaceAll("{deploy}", paths.deploy);

/** The environment of a clean build: nothing inherited from an outer pnpm or turbo run. */
const cleanEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|TURBO_|PNPM_|INIT_CWD|VITEST|NODE_OPTIONS)/i.test(k)) continue;
    env[k] = v;
  }
  return { ...env, CI: "true", TURBO_TELEMETRY_DISABLED: "1", CHECKPOINT_DISABLE: "1", DATABASE_URL: "postgresql://build@localhost:5432/build" };
};

const exec = (command: string, cwd: string, extra: string[] = []): void => {
  const [cmd, ...args] = command.split(" ");
  runOk(cmd!, [...args, ...extra], { cwd, env: cleanEnv() });
};

export interface SimulatedImage {
  app: App;
  /** Holds out/ (the prune), app/ (the build stage's /app) and deploy/ (the runtime stage's /app). */
  workDir: string;
  buildDir: string;
  deployDir: string;
  sizeBytes: number;
  seconds: { prune: number; install: number; build: number; deploy: number };
  cleanup(): void;
}

export const directorySize = (dir: string): number => Number(runOk("du", ["-sb", dir]).stdout.split(/\s/)[0]);

/** Runs the image build of one app in a temporary directory. */
export const simulateImage = (app: App): SimulatedImage => {
  const workDir = mkdtempSync(join(tmpdir(), `ja-image-${app}-`));
  // The workspace's own store: the pruned lockfile resolves to packages already in it.
  const store = runOk("pnpm", ["store", "path"], { cwd: repoRoot, env: cleanEnv() }).stdout.trim();
  const paths: Paths = { out: join(workDir, "out"), store, deploy: join(workDir, "deploy") };
  const buildDir = join(workDir, "app");
  const steps = buildSteps(app);
  const seconds = { prune: 0, install: 0, build: 0, deploy: 0 };
  const timed = (name: keyof typeof seconds, fn: () => void) => {
    const t0 = performance.now();
    fn();
    seconds[name] = Math.round((performance.now() - t0) / 100) / 10;
  };
  try {
    // The image installs turbo globally; here the workspace's turbo runs the same command.
    timed("prune", () => exec(`pnpm exec ${fill(steps.prune, paths)}`, repoRoot));
    // COPY --from=prune /out/json/ ./ ; RUN pnpm install ...
    cpSync(join(paths.out, "json"), buildDir, { recursive: true });
    timed("install", () => exec(fill(steps.install, paths), buildDir, ["--prefer-offline"]));
    // COPY --from=prune /out/full/ ./ ; RUN ... turbo run build
    cpSync(join(paths.out, "full"), buildDir, { recursive: true });
    timed("build", () => exec(fill(steps.build, paths), buildDir));
    timed("deploy", () => exec(fill(steps.deploy, paths), buildDir));
  } catch (err) {
    rmSync(workDir, { recursive: true, force: true });
    throw err;
  }
  return {
    app,
    workDir,
    buildDir,
    deployDir: paths.deploy,
    sizeBytes: directorySize(paths.deploy),
    seconds,
    cleanup: () => rmSync(workDir, { recursive: true, force: true }),
  };
};

export const formatSize = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB (${bytes} bytes)`;

const isMain = process.argv[1]?.endsWith("simulate-image.ts") ?? false;
if (isMain) {
  const keep = process.argv.includes("--keep");
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const apps = wanted.length ? wanted : [...APPS];
  for (const app of apps) {
    if (!(APPS as readonly string[]).includes(app)) throw new Error(`unknown app ${app}; one of ${APPS.join(", ")}`);
    const image = simulateImage(app as App);
    const s = image.seconds;
    console.log(`${app}: deploy directory ${formatSize(image.sizeBytes)}; prune ${s.prune}s, install ${s.install}s, build ${s.build}s, deploy ${s.deploy}s`);
    if (keep) console.log(`  kept in ${image.deployDir}`);
    else image.cleanup();
  }
}
