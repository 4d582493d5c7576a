/**
 * Workflow benchmarks (numbers printed, nothing asserted):
 * - offline profiling of a three-page PDF (parse in the sandboxed worker + extraction + titles), target < 300 ms;
 * - matching one profile against 1,000 postings, target < 200 ms;
 * - peak memory of the parser thread while reading a 10 MB PDF.
 * Run: pnpm bench:workflows
 */
import { createCvParser } from "../../packages/adapters/src/index.js";
import { extractProfileOffline, scorePostingsOffline, suggestTitlesOffline } from "../../packages/workflows/src/index.js";
import { buildCorpus } from "../../packages/workflows/src/offline/corpus.js";
import { makePdf, threePageCv } from "../../packages/adapters/test/support/pdf.js";

const NOW = new Date("2025-01-01T00:00:00Z");
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const ms = (n: number): string => `${n.toFixed(1)} ms`;

const parser = createCvParser();
const pdf = threePageCv();

// 1. profiling a 3-page PDF: with the parser's standby thread warm (files arriving apart), and back to back
const profileOnce = async (): Promise<number> => {
  const t0 = performance.now();
  const { text } = await parser.parse({ bytes: pdf, kind: "pdf" });
  profile = extractProfileOffline(text, NOW);
  suggestTitlesOffline(profile);
  return performance.now() - t0;
};
let profile = extractProfileOffline("", NOW);
const cold = await profileOnce();
const warm: number[] = [];
const busy: number[] = [];
for (let i = 0; i < 8; i++) {
  await new Promise((r) => setTimeout(r, 700));
  warm.push(await profileOnce());
}
for (let i = 0; i < 8; i++) busy.push(await profileOnce());
console.log(`profiling a 3-page PDF (offline, parse + extraction + titles): warm median ${ms(median(warm))} (max ${ms(Math.max(...warm))}), cold first ${ms(cold)}, back-to-back median ${ms(median(busy))}  [target < 300 ms]`);

// 2. matching one profile against 1,000 postings (fresh postings each round, so no memoised features)
const match: number[] = [];
for (let i = 0; i < 10; i++) {
  const postings = buildCorpus(1000 + i).slice(0, 1000);
  const t0 = performance.now();
  scorePostingsOffline({ profile, query: "Senior Accountant", location: "Leeds", postings });
  match.push(performance.now() - t0);
}
console.log(`matching 1 profile x 1,000 postings: median ${ms(median(match))}, max ${ms(Math.max(...match))}  [target < 200 ms]`);

// 3. parser memory on a 10 MB PDF: the worker's heap is capped; watch this process's RSS while it runs
const big = makePdf({ pages: Array.from({ length: 3 }, (_, p) => Array.from({ length: 40 }, (_, l) => `Page ${p + 1} line ${l + 1} Experience with Xero and IFRS`)), padTo: 10 * 1024 * 1024 });
const rss0 = process.memoryUsage().rss;
let peak = rss0;
const timer = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 2);
const t0 = performance.now();
const r = await parser.parse({ bytes: big, kind: "pdf" });
const took = performance.now() - t0;
clearInterval(timer);
peak = Math.max(peak, process.memoryUsage().rss);
console.log(
  `parsing a ${(big.byteLength / 1024 / 1024).toFixed(1)} MB PDF: ${ms(took)}, ${r.pages ?? 0} pages; process RSS ${(rss0 / 1048576).toFixed(0)} MB -> peak ${(peak / 1048576).toFixed(0)} MB (+${((peak - rss0) / 1048576).toFixed(0)} MB, parser thread heap capped at 256 MB)`,
);
