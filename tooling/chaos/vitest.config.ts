import { preset } from "@job-agent/vitest-config";

// One file, scenarios in order against one stack of real processes; a scenario may take a minute.
export default preset({
  testTimeout: 150_000,
  hookTimeout: 180_000,
  fileParallelism: false,
});
