import path from "node:path";
import { defineConfig } from "prisma/config";
import { readDbEnv } from "./src/env.js";
import { createMigrationAdapter } from "./src/migration-adapter.js";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  adapter: () => createMigrationAdapter(readDbEnv().DATABASE_URL),
});
