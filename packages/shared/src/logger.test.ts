import { Writable } from "node:stream";
import winston from "winston";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";

/** The JSON lines a logger writes, caught by a stream transport in place of the console. */
const capture = (level: string) => {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ app: "test", level, format: "json" });
  log.clear();
  log.add(new winston.transports.Stream({ stream: new Writable({ write: (chunk: Buffer, _enc, cb) => (lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>), cb()) }) }));
  return { log, lines };
};

describe("the logger", () => {
  it("writes lines at or above its level with app and time, redacts secrets, and drops the rest", () => {
    const { log, lines } = capture("warn");
    log.info("not written", { runId: "r" });
    log.debug("not written either");
    log.warn("written", { runId: "r1", apiKey: "ja_secret", cvText: "private" });
    log.error("also written");
    expect(lines.map((l) => l.message)).toEqual(["written", "also written"]);
    expect(lines[0]).toMatchObject({ app: "test", level: "warn", runId: "r1", apiKey: "[redacted]", cvText: "[redacted]" });
    expect(typeof lines[0]!.timestamp).toBe("string");
  });

  it("follows a change of its level", () => {
    const { log, lines } = capture("warn");
    log.info("dropped");
    log.level = "info";
    log.info("kept");
    expect(lines.map((l) => l.message)).toEqual(["kept"]);
  });
});
