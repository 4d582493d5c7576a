// `pnpm start`: runs the built api, worker and scheduler side by side until Ctrl-C / SIGTERM.
import { APPS, startApp, stopAll } from "./lib.mjs";

const children = APPS.map((app) => startApp(app, {}));
let stopping = false;
const stop = async (code) => {
  if (stopping) return;
  stopping = true;
  await stopAll(children);
  process.exit(code);
};
for (const c of children) c.on("exit", (code) => void stop(code ?? 1));
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
