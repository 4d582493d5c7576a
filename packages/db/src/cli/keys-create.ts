/**
 * `pnpm --silent keys:create --email <email> [--plan free|premium] [--admin]`
 * creates the user if needed and prints the new API key alone on stdout.
 */
import { parseArgs } from "node:util";
import { loadDotEnv } from "@job-agent/shared";
import { z } from "zod";
import { createDb } from "../client.js";
import { readDbEnv } from "../env.js";
import { createApiKey } from "../repositories/keys.js";

const usage = "usage: keys:create --email <email> [--plan free|premium] [--admin] [--name <label>]";

let args;
try {
  args = parseArgs({
    options: { email: { type: "string" }, plan: { type: "string" }, admin: { type: "boolean" }, name: { type: "string" } },
    strict: true,
  }).values;
} catch (err) {
  console.error(`${(err as Error).message}\n${usage}`);
  process.exit(2);
}
const parsed = z
  .object({
    email: z.email({ error: "--email must be an email address" }),
    plan: z.enum(["free", "premium"], { error: "--plan must be free or premium" }).optional(),
    admin: z.boolean().optional(),
    name: z.string().max(100).optional(),
  })
  .safeParse(args);
if (!parsed.success) {
  console.error(`${parsed.error.issues.map((i) => i.message).join("\n")}\n${usage}`);
  process.exit(2);
}

loadDotEnv();
const env = readDbEnv();
const db = createDb({ url: env.DATABASE_URL, poolMax: 1, applicationName: "keys-create" });
try {
  const created = await createApiKey(db, parsed.data);
  process.stdout.write(`${created.key}\n`);
} finally {
  await db.close();
}
