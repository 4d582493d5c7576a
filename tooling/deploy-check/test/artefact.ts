import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { formatSize, type SimulatedImage } from "../src/simulate-image.js";

/** What no production image may carry: dev-only tools of this workspace. */
const DEV_ONLY = ["vitest", "vite", "tsx", "eslint", "esbuild", "@types+node"];

/** The deploy directory holds built code and production dependencies only, and prints its size. */
export const expectProductionArtefact = (image: SimulatedImage, pkg: string): void => {
  console.log(`${image.app}: deploy directory ${formatSize(image.sizeBytes)} (prune ${image.seconds.prune}s, install ${image.seconds.install}s, build ${image.seconds.build}s, deploy ${image.seconds.deploy}s)`);
  const dir = image.deployDir;
  expect(existsSync(join(dir, "dist", "main.js"))).toBe(true);
  expect(existsSync(join(dir, "src"))).toBe(false);
  expect(existsSync(join(dir, "test"))).toBe(false);
  const internal = join(dir, "node_modules", "@job-agent", pkg);
  expect(existsSync(join(internal, "dist"))).toBe(true);
  expect(existsSync(join(internal, "src"))).toBe(false);
  const installed = readdirSync(join(dir, "node_modules", ".pnpm"));
  for (const name of DEV_ONLY) expect(installed.filter((d) => d.startsWith(`${name}@`)), name).toEqual([]);
};

/** The app's environment when started from the deploy directory, as in the runtime image. */
export const runtimeEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  NODE_ENV: "production",
  LOG_FORMAT: "json",
  ...extra,
});
