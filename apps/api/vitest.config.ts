import { preset } from "@job-agent/vitest-config";

export default preset({ globalSetup: ["../../packages/db/test/support/global-setup.ts"] });
