import { preset } from "@job-agent/vitest-config";

export default preset();
