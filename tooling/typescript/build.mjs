#!/usr/bin/env node
// Transpiles a package's TypeScript to ESM JavaScript in dist/, one file per
// source file (no bundling). Type checking is `tsc --noEmit` (the typecheck
// task); this only emits what `node` runs in production.
// usage: ja-build <dir> [<dir> ...]   (e.g. `ja-build src` or `ja-build src generated`)
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error("usage: ja-build <dir> [<dir> ...]");
  process.exit(2);
}
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== "__fixtures__" && name !== "node_modules") walk(p);
    } else if (p.endsWith(".ts") && !p.endsWith(".d.ts") && !p.endsWith(".test.ts")) files.push(p);
  }
};
dirs.forEach(walk);
rmSync("dist", { recursive: true, force: true });
await build({
  entryPoints: files,
  outdir: "dist",
  outbase: dirs.length === 1 ? dirs[0] : ".",
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
});
