import { preset } from "@job-agent/vitest-config";

// The artefact tests build whole apps outside Docker; each file runs in its own fork.
export default preset({
  globalSetup: ["../../packages/db/test/support/global-setup.ts"],
  testTimeout: 180_000,
  hookTimeout: 180_000,
});
