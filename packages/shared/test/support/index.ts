import { createServer, type IncomingMessage, type Server } from "node:http";
import { createServer as createTcpServer, type AddressInfo } from "node:net";
import { deflateRawSync, gunzipSync } from "node:zlib";

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });

const listen = (server: Server): Promise<number> =>
  new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));

export interface SentryEvent {
  event_id?: string;
  level?: string;
  message?: string | { formatted?: string };
  tags?: Record<string, string>;
  contexts?: Record<string, Record<string, unknown>>;
  exception?: { values?: { type?: string; value?: string }[] };
  user?: { id?: string };
  [key: string]: unknown;
}

/**
 * A local Sentry ingestion endpoint: accepts the SDK's real envelopes at
 * `/api/<project>/envelope/` and keeps the events they carry.
 */
export const startFakeSentry = async () => {
  const events: SentryEvent[] = [];
  const server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const body = req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw;
      if (req.method === "POST" && /^\/api\/\d+\/envelope\/?/.test(req.url ?? "")) {
        const lines = body.toString("utf8").split("\n");
        for (let i = 1; i < lines.length; i += 2) {
          const header = lines[i] ? (JSON.parse(lines[i]!) as { type?: string }) : null;
          const payload = lines[i + 1];
          if (header?.type === "event" && payload) events.push(JSON.parse(payload) as SentryEvent);
        }
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  const port = await listen(server);
  return {
    dsn: `http://publickey@127.0.0.1:${port}/1`,
    events,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
};

/** A webhook receiver that records every request and answers with `status()`. */
export const startReceiver = async (status: () => number = () => 200) => {
  const received: { headers: IncomingMessage["headers"]; body: string; at: number }[] = [];
  const server = createServer((req, res) => {
    void readBody(req).then((b) => {
      received.push({ headers: req.headers, body: b.toString("utf8"), at: Date.now() });
      res.writeHead(status()).end();
    });
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}/hook`, received, close: () => new Promise<void>((r) => server.close(() => r())) };
};

/** Polls until `cond` holds or the time is up (then throws with `what`). */
export const eventually = async (cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<number> => {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - start;
};

/** A minimal ZIP writer (deflated entries), for building DOCX files, hostile ones included. */
export const zip = (entries: { name: string; data: Buffer }[]): Buffer => {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const packed = deflateRawSync(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, packed);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
};

/** A TCP port that was free a moment ago on 127.0.0.1. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = createTcpServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
