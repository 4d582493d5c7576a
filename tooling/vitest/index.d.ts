import type { UserConfig } from "vitest/config";
import type { InlineConfig } from "vitest/node";

export declare const preset: (overrides?: InlineConfig) => UserConfig;
