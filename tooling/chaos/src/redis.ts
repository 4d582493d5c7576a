import { connect } from "node:net";
import { join } from "node:path";
import { Proc, waitFor } from "./processes.js";

/** Sends PING over a fresh connection; true on PONG. */
export const ping = (port: number, timeoutMs = 500): Promise<boolean> =>
  new Promise((resolve) => {
    const sock = connect({ host: "127.0.0.1", port });
    let buf = "";
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.on("error", () => done(false));
    sock.on("connect", () => sock.write("PING\r\n"));
    sock.on("data", (d) => {
      buf += d.toString("utf8");
      if (buf.includes("\r\n")) done(buf.startsWith("+PONG"));
    });
  });

/**
 * A Redis of the suite's own, on a spare port, with an append-only file that
 * survives restarts (fsync every second, no RDB snapshots).
 */
export class RedisServer {
  proc: Proc | null = null;

  constructor(
    readonly port: number,
    readonly dir: string,
    private readonly logDir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--appendonly", "yes", "--appendfsync", "everysec", "--dir", this.dir, "--save", ""];
    this.proc = new Proc("redis", "redis-server", args, { cwd: this.dir, env: { PATH: process.env.PATH ?? "" }, logFile: join(this.logDir, "redis.log") });
    const proc = this.proc;
    await waitFor(() => {
      if (!proc.alive) throw new Error(`redis-server exited:\n${proc.tail()}`);
      return ping(this.port);
    }, "redis to answer PING", 20_000, 50);
  }

  /** kill -9: no shutdown, no final fsync. */
  async kill9(): Promise<void> {
    await this.proc?.stop("SIGKILL");
    this.proc = null;
  }

  /** A clean shutdown (SIGTERM: Redis flushes its append-only file and exits). */
  async stop(): Promise<void> {
    await this.proc?.stop("SIGTERM");
    this.proc = null;
  }
}
