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
  const logger: Logger = winston.createLogger({
    level,
    defaultMeta: { app },
    format: winston.format.combine(
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
  // Winston filters by level only in its transports, after the line has gone through its stream and
  // every format (timestamp, JSON); a line below the current level is dropped before any of that.
  for (const name of Object.keys(LEVELS)) {
    const write = (logger as unknown as Record<string, (...args: unknown[]) => Logger>)[name]!.bind(logger);
    (logger as unknown as Record<string, (...args: unknown[]) => Logger>)[name] = (...args: unknown[]) => (logger.isLevelEnabled(name) ? write(...args) : logger);
  }
  return logger;
};
