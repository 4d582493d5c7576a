import { SOURCE_NAMES } from "@job-agent/workflows";
import { z } from "zod";

/** Request bodies and queries. Objects are strict: an unknown field is a 400, not silently ignored. */

const webhookUrl = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
  .max(2_000);

const text = (max: number) => z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);

export const CreateProfileBody = z
  .strictObject({
    cvText: z.string().max(200_000, "must be at most 200000 characters").refine((s) => s.trim().length > 0, "must not be empty").optional(),
    cvUrls: z.array(z.url()).min(1).max(5).optional(),
    name: text(200).optional(),
    email: z.email().max(320).optional(),
    location: text(200).optional(),
    webhookUrl: webhookUrl.optional(),
  })
  .refine((b) => b.cvText !== undefined || b.cvUrls !== undefined, { message: "send cvText (or cvUrls)", path: ["cvText"] });
export type CreateProfileBody = z.infer<typeof CreateProfileBody>;

export const JobSearchBody = z.strictObject({
  query: text(200),
  location: z.string().trim().max(200, "must be at most 200 characters"),
  profileId: z.uuid().optional(),
  numResults: z.int().min(1).max(200).default(25),
  maxScreening: z.int().min(1).max(50).default(10),
  sources: z.array(z.enum(SOURCE_NAMES)).min(1).max(SOURCE_NAMES.length).optional(),
  webhookUrl: webhookUrl.optional(),
});
export type JobSearchBody = z.infer<typeof JobSearchBody>;

export const ProfileJobSearchesBody = z.strictObject({
  numResults: z.int().min(1).max(200).default(25),
  maxScreening: z.int().min(1).max(50).default(10),
  webhookUrl: webhookUrl.optional(),
});

export const ListRunsQuery = z.strictObject({
  status: z.enum(["pending", "running", "completed", "failed", "cancelled"]).optional(),
  kind: z.enum(["profiling", "job_search"]).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
});
