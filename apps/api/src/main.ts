import cluster from "node:cluster";
import { loadApiEnv } from "./env.js";

const env = loadApiEnv();
if (cluster.isPrimary && env.API_PROCESSES > 1) {
  const { supervise } = await import("./cluster.js");
  supervise(env);
} else {
  const { serve } = await import("./server.js");
  await serve(env);
}
