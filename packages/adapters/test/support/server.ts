import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Recorded {
  method: string;
  url: URL;
  body: string;
  headers: IncomingMessage["headers"];
}

/** A small HTTP server on 127.0.0.1 for fakes of outside services; every request is recorded. */
export const startServer = async (handler: (req: Recorded, res: ServerResponse) => void | Promise<void>) => {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r = { method: req.method ?? "GET", url: new URL(req.url ?? "/", "http://127.0.0.1"), body: Buffer.concat(chunks).toString("utf8"), headers: req.headers };
      requests.push(r);
      void Promise.resolve(handler(r, res)).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

export const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
};
