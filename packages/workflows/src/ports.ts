import type { CompanyResearch, ExtractedProfile, JobPosting, Materials, ScoredPosting } from "./schemas.js";

/** Tokens a language-model call used. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

/**
 * Options every port call accepts: an abort signal for time limits and
 * cancellation, and a callback that receives the tokens a model call used
 * (the engine adds them up per execution).
 */
export interface CallOptions {
  signal?: AbortSignal;
  onUsage?: (usage: TokenUsage) => void;
}

/**
 * The language port: every task a model (or the offline rules) does for the
 * workflows. Adapters: offline (deterministic rules, lexical scoring and
 * templates), OpenAI-compatible chat, and null (instant, for benchmarks).
 */
export interface LlmPort {
  readonly name: string;
  extractProfile(input: { text: string }, opts?: CallOptions): Promise<ExtractedProfile>;
  suggestTitles(input: { profile: ExtractedProfile }, opts?: CallOptions): Promise<string[]>;
  /** Scores every posting (0–100) with reasons; the caller sorts and cuts. */
  scorePostings(
    input: { profile: ExtractedProfile | null; query: string; location: string; postings: JobPosting[] },
    opts?: CallOptions,
  ): Promise<ScoredPosting[]>;
  researchCompany(input: { posting: JobPosting }, opts?: CallOptions): Promise<CompanyResearch>;
  writeMaterials(
    input: { profile: ExtractedProfile | null; match: ScoredPosting; research: CompanyResearch },
    opts?: CallOptions,
  ): Promise<Materials>;
}

export interface JobSearchQuery {
  query: string;
  location: string;
  limit: number;
  /** Company boards to read (Greenhouse, Lever and Ashby board tokens) when the request names some. */
  boards?: string[];
}

/** One place postings come from, normalised to the JobPosting shape. */
export interface JobSource {
  readonly name: string;
  /** How long one search may take before Discovery gives up on this source (default 15 s). */
  readonly timeoutMs?: number;
  search(query: JobSearchQuery, opts?: CallOptions): Promise<JobPosting[]>;
}

/**
 * A stored CV as the API received it: text, or bytes (an upload, or a URL the
 * document port has fetched). The media type is a hint; the bytes decide.
 */
export interface CvSource {
  text: string | null;
  bytes: Uint8Array | null;
  mediaType: string;
  filename: string | null;
}

export type CvDocumentKind = "pdf" | "docx";

/**
 * Turns PDF and DOCX bytes into text. Adapters run the parser where a
 * hostile file cannot take the worker down, with limits on size, pages and
 * extracted text; an unreadable file is a PermanentError with a precise code.
 */
export interface CvParserPort {
  parse(input: { bytes: Uint8Array; kind: CvDocumentKind }, opts?: CallOptions): Promise<{ text: string; pages: number | null }>;
}

export interface DocumentPort {
  /** Every document of the profile (uploaded files, fetched URLs, pasted text), oldest first; never empty. */
  loadCvs(input: { userId: string; profileId: string }, opts?: CallOptions): Promise<CvSource[]>;
}

export interface ProfileStore {
  /** The profile's extracted data, or null when it has none (yet). Throws nothing for unknown ids. */
  getProfile(input: { userId: string; profileId: string }): Promise<ExtractedProfile | null>;
  /** Identities (see `postingIdentities`) of every posting earlier completed runs delivered to the profile. */
  deliveredIdentities(input: { userId: string; profileId: string }): Promise<string[]>;
}

export interface MatchRecord {
  match: ScoredPosting;
  rank: number;
  research: CompanyResearch | null;
  materials: Materials | null;
}

export interface ResultStore {
  /** Idempotent: storing the same run's matches twice leaves one copy. */
  saveMatches(input: { runId: string; userId: string; profileId: string | null; matches: MatchRecord[] }): Promise<void>;
}

export interface DeliveryPort {
  /** Hands the finished run to the delivery queue; idempotent per run. */
  enqueue(input: { runId: string }): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export interface LogPort {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export interface Ports {
  llm: LlmPort;
  sources: JobSource[];
  documents: DocumentPort;
  cvParser: CvParserPort;
  profiles: ProfileStore;
  results: ResultStore;
  delivery: DeliveryPort;
  clock: Clock;
  log: LogPort;
}
