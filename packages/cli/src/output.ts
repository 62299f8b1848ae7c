import type { Logger } from '@kopru/client';

/** How the command talks: human lines on stderr, `--json` event lines on stdout, `--quiet` only errors. */
export interface OutputMode {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
}

/**
 * The terminal side of a command. Human-readable text goes to stderr, so stdout carries only what a
 * script would capture: the room link of `kopru new`, chat lines, and with `--json` one JSON object per
 * line (`{"event": …}`), documented in the README.
 */
export class Output {
  constructor(readonly mode: OutputMode) {}

  /** A status line for people (suppressed by --quiet and --json). */
  info(message: string): void {
    if (!this.mode.quiet && !this.mode.json) process.stderr.write(`${message}\n`);
  }

  /** A problem worth seeing even with --quiet. */
  warn(message: string): void {
    if (this.mode.json) this.event('warning', { message });
    else process.stderr.write(`${message}\n`);
  }

  error(message: string): void {
    if (this.mode.json) this.event('error', { message });
    else process.stderr.write(`kopru: ${message}\n`);
  }

  /** A machine-readable event (only with --json). */
  event(event: string, fields: Record<string, unknown> = {}): void {
    if (this.mode.json) process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
  }

  /** Data for stdout in human mode (the room link, chat lines). */
  print(line: string): void {
    if (!this.mode.json) process.stdout.write(`${line}\n`);
  }

  /** Whether progress bars may draw: a terminal, not --json or --quiet. */
  get interactive(): boolean {
    return !this.mode.json && !this.mode.quiet && process.stderr.isTTY === true;
  }

  /** The client core's logger: only with --verbose, to stderr. */
  logger(name: string): Logger {
    const at =
      (level: string) =>
      (message: string, fields?: Record<string, unknown>): void => {
        if (!this.mode.verbose) return;
        process.stderr.write(`[${name}] ${level} ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`);
      };
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  }
}

/** 1.5 MB, 12.0 KiB …: sizes as people read them (binary units, like the browser's list). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
