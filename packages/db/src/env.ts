import { z } from "zod";

/** The database settings every process that touches Postgres needs. */
export const dbEnv = {
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL")
    .default("postgresql://postgres@127.0.0.1:5432/job_agent"),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
};
export const dbEnvSchema = z.object(dbEnv);
export type DbEnv = z.infer<typeof dbEnvSchema>;

/** For the CLIs and prisma.config.ts, which have no app env of their own. */
export const readDbEnv = (source: Record<string, string | undefined> = process.env): DbEnv => {
  const parsed = dbEnvSchema.safeParse(source);
  if (!parsed.success) {
    throw new Error(`invalid environment:\n${parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n")}`);
  }
  return parsed.data;
};

/** The environment for a child process (the prisma CLI) with this DATABASE_URL. */
export const childEnv = (databaseUrl: string): NodeJS.ProcessEnv => ({ ...process.env, DATABASE_URL: databaseUrl });
