import { describe, expect, it } from "vitest";
import { PermanentError, RetryableError, isPermanentError, toErrorInfo } from "./errors.js";

describe("domain errors", () => {
  it("say whether a retry can help, also across copies of the module", () => {
    expect(isPermanentError(new PermanentError("bad CV", "cv_unreadable"))).toBe(true);
    expect(isPermanentError(new RetryableError("timeout"))).toBe(false);
    expect(isPermanentError(new Error("boom"))).toBe(false);
    expect(isPermanentError({ retryable: false })).toBe(true);
  });

  it("describe themselves without a stack", () => {
    const info = toErrorInfo(new PermanentError("bad CV", "cv_unreadable"));
    expect(info).toEqual({ name: "PermanentError", message: "bad CV", code: "cv_unreadable", permanent: true });
    expect(toErrorInfo("x".repeat(5_000)).message.length).toBe(2_000);
  });
});
