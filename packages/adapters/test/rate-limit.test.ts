import { readFileSync } from "node:fs";
import { RetryableError } from "@job-agent/shared/errors";
import { afterAll, describe, expect, it } from "vitest";
import { createConfiguredAdapters, type RateLimitPort } from "../src/index.js";
import { json, startServer } from "./support/server.js";

const fixture = (f: string): string => readFileSync(new URL(`../../../../shared/fixtures/job-sources/${f}`, import.meta.url), "utf8");

const server = await startServer((req, res) => {
  if (req.url.pathname === "/api/job-board-api") {
    return json(res, 200, req.url.searchParams.get("page") === "1" ? fixture("arbeitnow-paginated.json") : fixture("arbeitnow.json"));
  }
  if (req.url.pathname === "/api/remote-jobs") return json(res, 200, fixture("remotive.json"));
  if (req.url.pathname === "/chat/completions") return json(res, 500, { error: "not used" });
  json(res, 404, { error: "no such route" });
});
afterAll(() => server.close());

/** A port that records what is asked and refuses the providers it is told to. */
const recordingPort = (refuse: string[] = []) => {
  const asked: string[] = [];
  const port: RateLimitPort = {
    acquire: (provider) => {
      asked.push(provider);
      if (refuse.includes(provider)) return Promise.reject(Object.assign(new RetryableError(`${provider} over its limit`), { retryAfterMs: 1_000 }));
      return Promise.resolve();
    },
  };
  return { port, asked };
};

const adapters = (rateLimit: RateLimitPort, sources: ("remotive" | "arbeitnow")[]) =>
  createConfiguredAdapters("offline", { JOB_SOURCES: sources, SOURCE_TIMEOUT_MS: 5_000 }, { clock: { now: () => new Date() }, baseUrls: { remotive: server.url, arbeitnow: server.url }, rateLimit });

describe("provider rate limits in the adapters", () => {
  it("are asked before every request, under the provider's name (each page of a paginated source)", async () => {
    const { port, asked } = recordingPort();
    const [remotive, arbeitnow] = adapters(port, ["remotive", "arbeitnow"]).sources;
    await remotive!.search({ query: "", location: "", limit: 5 });
    const before = server.requests.length;
    await arbeitnow!.search({ query: "", location: "", limit: 500 });
    const pages = server.requests.length - before;
    expect(pages).toBeGreaterThan(1);
    expect(asked).toEqual(["remotive", ...Array<string>(pages).fill("arbeitnow")]);
  });

  it("send nothing when the limit refuses, and pass the refusal (with its delay) to the caller", async () => {
    const { port } = recordingPort(["remotive"]);
    const [remotive] = adapters(port, ["remotive"]).sources;
    const before = server.requests.length;
    await expect(remotive!.search({ query: "", location: "", limit: 5 })).rejects.toMatchObject({ retryAfterMs: 1_000 });
    expect(server.requests.length).toBe(before);
  });
});
