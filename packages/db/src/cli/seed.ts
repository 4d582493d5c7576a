/** `pnpm db:seed`: a demo user with a fresh API key, printed for use with curl. */
import { loadDotEnv } from "@job-agent/shared";
import { createDb } from "../client.js";
import { readDbEnv } from "../env.js";
import { createApiKey } from "../repositories/keys.js";

loadDotEnv();
const env = readDbEnv();
const db = createDb({ url: env.DATABASE_URL, poolMax: 1, applicationName: "seed" });
try {
  const { key, user } = await createApiKey(db, { email: "demo@job-agent.local", plan: "premium", name: "seed" });
  console.log(`demo user: ${user.email} (${user.plan})`);
  console.log(`API key:   ${key}`);
  console.log(`try:       curl -H "Authorization: Bearer ${key}" http://127.0.0.1:3000/v1/me`);
} finally {
  await db.close();
}
