import { describe, expect, it } from "vitest";
import { createBatcher } from "./batch.js";

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("the batcher", () => {
  it("sends the items that arrive while a batch is in flight together, and answers each caller its own result", async () => {
    const batches: number[][] = [];
    const double = createBatcher<number, number>({
      maxInFlight: 1,
      run: async (items) => {
        batches.push(items);
        await tick();
        return items.map((n) => n * 2);
      },
    });
    const first = double(1);
    await new Promise((r) => setImmediate(r));
    const rest = Array.from({ length: 9 }, (_, i) => double(i + 2));
    expect(await Promise.all([first, ...rest])).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
    // The first goes alone at once; the nine that arrived meanwhile share the next batch.
    expect(batches).toEqual([[1], [2, 3, 4, 5, 6, 7, 8, 9, 10]]);
  });

  it("keeps batches within maxBatch and in flight within maxInFlight", async () => {
    let inFlight = 0;
    let most = 0;
    const sizes: number[] = [];
    const echo = createBatcher<number, number>({
      maxBatch: 3,
      maxInFlight: 2,
      run: async (items) => {
        sizes.push(items.length);
        most = Math.max(most, ++inFlight);
        await tick();
        inFlight--;
        return items;
      },
    });
    const out = await Promise.all(Array.from({ length: 20 }, (_, i) => echo(i)));
    expect(out).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(20);
    expect(most).toBe(2);
    expect(echo.pending()).toBe(0);
  });

  it("tries a failed batch again one item at a time, so only the bad item fails", async () => {
    const calls: number[][] = [];
    const check = createBatcher<number, string>({
      run: (items) => {
        calls.push(items);
        return items.includes(13) ? Promise.reject(new Error("13 is refused")) : Promise.resolve(items.map(String));
      },
    });
    const results = await Promise.allSettled([11, 12, 13, 14].map((n) => check(n)));
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual(["11", "12", "13 is refused", "14"]);
    expect(calls[0]).toEqual([11, 12, 13, 14]);
    expect(calls.slice(1).sort((a, b) => a[0]! - b[0]!)).toEqual([[11], [12], [13], [14]]);
  });

  it("fails an item whose batch answers the wrong number of results, even alone", async () => {
    const broken = createBatcher<number, number>({ run: () => Promise.resolve([]) });
    const results = await Promise.allSettled([broken(1), broken(2)]);
    expect(results.map((r) => r.status === "rejected" && (r.reason as Error).message)).toEqual(["a batch of 1 answered 0 results", "a batch of 1 answered 0 results"]);
  });
});
