import type { TestProject } from "vitest/node";
import { createMigratedDatabase, dropDatabase } from "./index.js";

/** Builds one migrated template database per test run; each file copies it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const name = `ja_tpl_${process.pid}_${Date.now().toString(36)}`;
  await createMigratedDatabase(name);
  project.provide("templateDatabase", name);
  return async () => {
    await dropDatabase(name);
  };
}
