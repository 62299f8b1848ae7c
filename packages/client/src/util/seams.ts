/**
 * The side effects every manager of the client core needs (clock, timers, randomness, logging), injected
 * so tests run them on fake timers and fake clocks. One seam of each for the whole core.
 */

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export type TimerId = ReturnType<typeof setTimeout>;

export interface Timers {
  setTimeout(callback: () => void, ms: number): TimerId;
  clearTimeout(id: TimerId): void;
}

/** Uniform in [0, 1), like `Math.random`. */
export type Random = () => number;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

/** Leveled, structured logger: info for lifecycle transitions, debug for SDP and candidates. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export const systemClock: Clock = { now: () => Date.now() };

// Looked up at call time, not captured, so fake timers installed after import still apply.
export const systemTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id),
};

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Console logger named after its subsystem, dropping messages below `minLevel`. */
export function consoleLogger(name: string, minLevel: LogLevel = 'info'): Logger {
  const at =
    (level: LogLevel) =>
    (message: string, fields?: LogFields): void => {
      if (LEVEL_ORDER[level] < LEVEL_ORDER[minLevel]) return;
      console[level](`[${name}] ${message}`, ...(fields ? [fields] : []));
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A logger that adds `fields` (e.g. the peer id) to every line. */
export function withFields(logger: Logger, fields: LogFields): Logger {
  const at =
    (level: LogLevel) =>
    (message: string, more?: LogFields): void =>
      logger[level](message, more ? { ...fields, ...more } : fields);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
