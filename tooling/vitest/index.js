import { defineConfig } from "vitest/config";

/**
 * Shared vitest preset. Workspace packages are resolved to their TypeScript
 * sources through the "@job-agent/source" export condition, so tests never
 * need a build of their dependencies.
 */
export const preset = (overrides = {}) =>
  defineConfig({
    resolve: { conditions: ["@job-agent/source"] },
    ssr: { resolve: { conditions: ["@job-agent/source"] } },
    test: {
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      pool: "forks",
      ...overrides,
    },
  });
