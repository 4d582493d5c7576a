export { adaptersEnv, JOB_SOURCE_NAMES, type AdaptersEnv } from "./env.js";
export { requestJson } from "./http.js";
export { createOpenAiLlm, type OpenAiLlmOptions } from "./llm/openai.js";
export { createCvParser, DEFAULT_CV_PARSER_LIMITS, type CvParserLimits } from "./documents/sandbox.js";
export { docxXmlToText, pdfPagesToText } from "./documents/layout.js";
export { createAshbySource, createGreenhouseSource, createLeverSource, type BoardSourceOptions, type SourceOptions } from "./sources/boards.js";
export { createAdzunaSource, createArbeitnowSource, createRemotiveSource, createSerpApiSource, createTheMuseSource } from "./sources/search-apis.js";
export { decodeEntities, htmlToText, parseSalaryText } from "./sources/text.js";
export { createConfiguredAdapters } from "./configure.js";
