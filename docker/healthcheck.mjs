// Container health check, no dependencies (runs in the runtime images and in CI).
//   node healthcheck.mjs http    GET http://127.0.0.1:$PORT/health answers 200 (the api)
//   node healthcheck.mjs redis   Redis at $REDIS_URL answers PING with these credentials (worker, scheduler:
//                                they have no HTTP port; tini exits with node, so a running container
//                                means a running process, and this shows it can reach its queues)
// Exits 0 when healthy, 1 otherwise, and prints why.
import net from "node:net";

const TIMEOUT_MS = 4_000;
const mode = process.argv[2];

const fail = (why) => {
  console.error(`unhealthy: ${why}`);
  process.exit(1);
};

const checkHttp = async () => {
  const port = Number(process.env.PORT ?? 3000);
  const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (res.status !== 200) fail(`/health answered ${res.status}`);
};

const command = (...args) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;

const checkRedis = () =>
  new Promise((resolve) => {
    const url = new URL(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    const socket = net.connect({ host: url.hostname.replace(/^\[|\]$/g, ""), port: Number(url.port || 6379) });
    socket.setTimeout(TIMEOUT_MS, () => fail("redis did not answer in time"));
    socket.on("error", (err) => fail(`redis: ${err.message}`));
    socket.on("connect", () => {
      const auth = password ? (user ? command("AUTH", user, password) : command("AUTH", password)) : "";
      socket.write(auth + command("PING"));
    });
    let buffer = "";
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      if (buffer.startsWith("-")) fail(`redis: ${buffer.split("\r\n")[0]?.slice(1)}`);
      if (buffer.includes("+PONG\r\n")) {
        socket.end();
        resolve();
      }
    });
  });

try {
  if (mode === "http") await checkHttp();
  else if (mode === "redis") await checkRedis();
  else fail(`usage: healthcheck.mjs http|redis (got ${mode ?? "nothing"})`);
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
