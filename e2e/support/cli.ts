import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { E2E_BASE_URL } from './env.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'packages/cli/bin/kopru.mjs');

/** Builds the `kopru` bundle (packages/cli/dist) once per worker, so every test runs the current code. */
let built = false;
export function buildCli(): void {
  if (built) return;
  execFileSync(process.execPath, [path.join(ROOT, 'packages/cli/build.mjs')], { stdio: 'inherit' });
  built = true;
}

export const roomLink = (roomId: string, base = E2E_BASE_URL): string => `${base}/r/${roomId}`;

/** One `{"event": …}` line of `--json` output. */
export type CliEvent = { event: string } & Record<string, unknown>;

export interface CliRun {
  readonly child: ChildProcess;
  readonly events: CliEvent[];
  stdout(): string;
  stderr(): string;
  /** Resolves with the first event (seen or to come) that satisfies `match`. */
  waitFor(match: (event: CliEvent) => boolean, timeoutMs?: number): Promise<CliEvent>;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Writes a line to its stdin (chat). */
  type(line: string): void;
}

/**
 * Runs `kopru <args>` as a real process (what a user runs), stdin kept open unless `stdin: 'ignore'`.
 * `--insecure` is added for the suite's self-signed server unless `secure` is set.
 */
export function runCli(
  args: string[],
  opts: { secure?: boolean; stdin?: 'pipe' | 'ignore'; tty?: boolean; bin?: string } = {},
): CliRun {
  // `bin`: an installed `kopru` (its `#!/usr/bin/env node` finds this Node first on the PATH).
  if (!opts.bin) buildCli();
  const argv = [
    ...(opts.bin ? [opts.bin] : [process.execPath, BIN]),
    ...args,
    ...(opts.secure ? [] : ['--insecure']),
  ];
  // `tty`: in a pseudo-terminal, as a person runs it (util-linux `script`; stdout and stderr both arrive
  // on stdout, and what is written to stdin is typed at the terminal). `-e`: its exit code is kopru's.
  const [command = '', ...rest] = opts.tty
    ? ['script', '-qfec', argv.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' '), '/dev/null']
    : argv;
  const child = spawn(command, rest, {
    cwd: ROOT,
    stdio: [opts.stdin ?? 'pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_TLS_REJECT_UNAUTHORIZED: undefined,
      PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
    },
  });
  const events: CliEvent[] = [];
  const waiters: { match: (e: CliEvent) => boolean; resolve: (e: CliEvent) => void }[] = [];
  let out = '';
  let err = '';
  let partial = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    out += chunk;
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const event = JSON.parse(line) as CliEvent;
      events.push(event);
      for (const waiter of [...waiters]) {
        if (!waiter.match(event)) continue;
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    events,
    stdout: () => out,
    stderr: () => err,
    exited,
    type: (line) => child.stdin?.write(`${line}\n`),
    waitFor(match, timeoutMs = 30_000) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new Error(`no matching event within ${timeoutMs} ms; stderr:\n${err}\nstdout:\n${out}`)),
          timeoutMs,
        );
        waiters.push({
          match,
          resolve: (event) => {
            clearTimeout(timer);
            resolve(event);
          },
        });
        void exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`kopru exited before a matching event; stderr:\n${err}\nstdout:\n${out}`));
        });
      });
    },
  };
}

/** Runs `kopru <args>` to its end and returns its exit code and output. */
export async function cliResult(
  args: string[],
  opts: { secure?: boolean } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = runCli(args, { ...opts, stdin: 'ignore' });
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}
