import { once } from "node:events";
import { createServer, type Server } from "node:http";

export interface Delivery {
  webhookId: string;
  runId: string | null;
  type: string | null;
  status: number;
  at: number;
}

/**
 * A webhook receiver on 127.0.0.1: records every request by its `webhook-id`
 * header and answers 204, so no delivery has a reason to be retried.
 */
export class WebhookReceiver {
  readonly deliveries: Delivery[] = [];
  private server: Server | null = null;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        let runId: string | null = null;
        let type: string | null = null;
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { type?: unknown; data?: { runId?: unknown } };
          runId = typeof body.data?.runId === "string" ? body.data.runId : null;
          type = typeof body.type === "string" ? body.type : null;
        } catch {
          /* recorded without a run id */
        }
        const header = req.headers["webhook-id"];
        this.deliveries.push({ webhookId: typeof header === "string" ? header : "", runId, type, status: 204, at: Date.now() });
        res.writeHead(204).end();
      });
    });
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    const addr = this.server.address();
    this.port = typeof addr === "object" && addr ? addr.port : 0;
  }

  /** Deliveries for these runs. */
  forRuns(runIds: Set<string>): Delivery[] {
    return this.deliveries.filter((d) => d.runId !== null && runIds.has(d.runId));
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, "close");
  }
}
