/**
 * `pnpm --silent keys:revoke (--prefix <prefix> | --id <key id> | --email <email>)`
 * revokes a key (or every key of a user) and prints one line per revoked key:
 * `<key id> <prefix> <email>`. Exits 1 when nothing was revoked.
 */
import { parseArgs } from "node:util";
import { loadDotEnv } from "@job-agent/shared";
import { z } from "zod";
import { createDb } from "../client.js";
import { readDbEnv } from "../env.js";
import { revokeApiKeys } from "../repositories/keys.js";

const usage = "usage: keys:revoke (--prefix <ja_xxxxxxx> | --id <key id> | --email <email>)";

let args;
try {
  args = parseArgs({ options: { prefix: { type: "string" }, id: { type: "string" }, email: { type: "string" } }, strict: true }).values;
} catch (err) {
  console.error(`${(err as Error).message}\n${usage}`);
  process.exit(2);
}
const parsed = z
  .union([
    z.strictObject({ prefix: z.string().regex(/^ja_[A-Za-z0-9_-]{7}$/, "--prefix must be the 10-character prefix shown for the key") }),
    z.strictObject({ id: z.uuid({ error: "--id must be a key id" }) }),
    z.strictObject({ email: z.email({ error: "--email must be an email address" }) }),
  ])
  .safeParse(args);
if (!parsed.success) {
  console.error(`give exactly one of --prefix, --id or --email\n${usage}`);
  process.exit(2);
}

loadDotEnv();
const env = readDbEnv();
const db = createDb({ url: env.DATABASE_URL, poolMax: 1, applicationName: "keys-revoke" });
try {
  const by = parsed.data;
  const revoked = await revokeApiKeys(db, "prefix" in by ? { prefix: by.prefix } : "id" in by ? { keyId: by.id } : { email: by.email });
  for (const k of revoked) process.stdout.write(`${k.keyId} ${k.prefix} ${k.email}\n`);
  if (revoked.length === 0) {
    console.error("no active key matched");
    process.exitCode = 1;
  }
} finally {
  await db.close();
}
