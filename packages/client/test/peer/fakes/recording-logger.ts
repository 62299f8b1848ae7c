import type { LogFields, Logger, LogLevel } from '../../../src/util/seams.js';

export interface LogEntry {
  level: LogLevel;
  message: string;
  fields: LogFields | undefined;
}

/** A logger that keeps every line, so a test can assert that nothing went wrong on the way. */
export function recordingLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogLevel) => (message: string, fields?: LogFields) => {
    entries.push({ level, message, fields });
  };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
