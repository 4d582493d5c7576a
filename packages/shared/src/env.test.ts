import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { csv, intFromEnv, loadDotEnv, parseEnv } from "./env.js";

describe("parseEnv", () => {
  const schema = z.object({ PORT: intFromEnv(3000, 1, 65_535), NAME: z.string(), HOSTS: csv });

  it("applies defaults and coerces", () => {
    expect(parseEnv(schema, { NAME: "x", HOSTS: " a, b ,,c " })).toEqual({ PORT: 3000, NAME: "x", HOSTS: ["a", "b", "c"] });
  });

  it("names every missing or bad variable at once", () => {
    expect(() => parseEnv(schema, { PORT: "70000" })).toThrow(/PORT[\s\S]*NAME/);
  });
});

describe("loadDotEnv", () => {
  it("reads the nearest .env upwards without overriding the real environment", () => {
    const root = mkdtempSync(join(tmpdir(), "ja-env-"));
    const nested = join(root, "a", "b");
    mkdirSync(nested, { recursive: true });
    writeFileSync(join(root, ".env"), "JA_TEST_FROM_FILE=file\nJA_TEST_BOTH=file\n");
    process.env.JA_TEST_BOTH = "real";
    try {
      expect(loadDotEnv(nested)).toBe(join(root, ".env"));
      expect(process.env.JA_TEST_FROM_FILE).toBe("file");
      expect(process.env.JA_TEST_BOTH).toBe("real");
    } finally {
      delete process.env.JA_TEST_FROM_FILE;
      delete process.env.JA_TEST_BOTH;
    }
  });
});
