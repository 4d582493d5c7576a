import type { CallOptions, Clock, LlmPort } from "../ports.js";
import { extractProfile } from "./extract.js";
import { writeMaterials } from "./materials.js";
import { researchCompany } from "./research.js";
import { scorePostings } from "./scoring.js";
import { suggestTitles } from "./titles.js";

const run = <T>(opts: CallOptions | undefined, fn: () => T): Promise<T> => {
  try {
    opts?.signal?.throwIfAborted();
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
};

/** The offline language port: deterministic rules, lexical scoring and templates. Needs no key. */
export const createOfflineLlm = (deps: { clock: Clock }): LlmPort => ({
  name: "offline",
  extractProfile: ({ text }, opts) => run(opts, () => extractProfile(text, deps.clock.now())),
  suggestTitles: ({ profile }, opts) => run(opts, () => suggestTitles(profile)),
  scorePostings: (input, opts) => run(opts, () => scorePostings(input)),
  researchCompany: ({ posting }, opts) => run(opts, () => researchCompany(posting)),
  writeMaterials: (input, opts) => run(opts, () => writeMaterials(input)),
});
