import winston from "winston";

export type Logger = winston.Logger;

export interface LoggerOptions {
  app: string;
  level?: string;
  /** "json" in production, "pretty" for a person at a terminal. */
  format?: "json" | "pretty";
}

/** Keys whose values never reach a log line. */
const REDACT = /authorization|api[-_]?key|secret|password|token|cvtext|cv_text/i;

const redact = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (REDACT.test(key)) info[key] = "[redacted]";
  }
  return info;
});

const LEVELS: Record<string, number> = winston.config.npm.levels;

/** The one logger factory: every line carries `app`, level and time. */
export const createLogger = ({ app, level = "info", format = "json" }: LoggerOptions): Logger => {
  // Winston filters by level only in its transports, after every format has run (timestamp,
  // JSON); lines below the level are dropped here instead, before any of that work.
  const enabled = winston.format((info) => ((LEVELS[info.level] ?? 0) <= (LEVELS[logger.level] ?? LEVELS.info!) ? info : false));
  const logger: Logger = winston.createLogger({
    level,
    defaultMeta: { app },
    format: winston.format.combine(
      enabled(),
      redact(),
      winston.format.timestamp(),
      winston.format.errors({ stack: false }),
      format === "json"
        ? winston.format.json()
        : winston.format.printf(({ timestamp, level: lvl, message, app: name, ...rest }) => {
            const meta = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : "";
            return `${String(timestamp)} ${String(name)} ${lvl}: ${String(message)}${meta}`;
          }),
    ),
    transports: [new winston.transports.Console({ stderrLevels: ["error", "warn", "info", "debug"] })],
  });
  return logger;
};
