import { createServer, type Server } from "node:http";

export interface HealthChecks {
  /** Liveness: every queue worker running with its connections ready. */
  live: () => Promise<{ ok: boolean; detail: unknown }>;
  /** Readiness: Redis and Postgres answer. */
  ready: () => Promise<{ ok: boolean; detail: unknown }>;
}

/**
 * The worker's own health endpoints: `GET /health` (200 only when every
 * queue worker runs and both its Redis connections are ready, so a worker
 * stuck reconnecting is seen as unhealthy) and `GET /ready` (Redis and
 * Postgres answer a ping). 503 otherwise, with the details as JSON.
 */
export const startHealthServer = async (port: number, checks: HealthChecks, host = "0.0.0.0"): Promise<{ server: Server; port: number; close(): Promise<void> }> => {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const check = req.method === "GET" && path === "/health" ? checks.live : req.method === "GET" && path === "/ready" ? checks.ready : null;
    if (!check) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found" }));
      return;
    }
    void check()
      .catch((err: unknown) => ({ ok: false, detail: { error: err instanceof Error ? err.message : String(err) } }))
      .then(({ ok, detail }) => {
        res.writeHead(ok ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify({ status: ok ? "ok" : "unavailable", detail }));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    server,
    port: typeof address === "object" && address ? address.port : port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
