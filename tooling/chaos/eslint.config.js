import config from "@job-agent/eslint-config";

export default config;
