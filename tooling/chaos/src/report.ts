import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export interface ScenarioResult {
  scenario: string;
  submitted: number;
  completed: number;
  failed: number;
  cancelled: number;
  /** Accepted runs that never finished (or are not in Postgres). Must be 0. */
  lost: number;
  /** Side effects that happened twice (node outputs, webhooks). Must be 0. */
  duplicated: number;
  /** From the fault to the last run finished, ms (null: not all finished). */
  recoveryMs: number | null;
  passed: boolean;
  notes: string[];
  violations: string[];
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));

/** A fixed-width table of the results, one line per scenario. */
export const formatTable = (results: ScenarioResult[]): string => {
  const head = ["scenario", "submitted", "completed", "failed", "cancelled", "lost", "dup", "recovery", "result"];
  const rows = results.map((r) => [
    r.scenario,
    String(r.submitted),
    String(r.completed),
    String(r.failed),
    String(r.cancelled),
    String(r.lost),
    String(r.duplicated),
    r.recoveryMs === null ? "-" : `${(r.recoveryMs / 1000).toFixed(1)} s`,
    r.passed ? "pass" : "FAIL",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i] ?? 0)).join("  ");
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
};

export const writeResults = (file: string, results: ScenarioResult[], meta: Record<string, unknown>): void => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ ...meta, finishedAt: new Date().toISOString(), scenarios: results }, null, 2)}\n`);
};
