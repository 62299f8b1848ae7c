/**
 * Exit codes, documented in `kopru --help` and the README. Scripts rely on them: keep them stable.
 * 0: done (every file verified by the receiver, or a chat ended by the user).
 * 1: declined, cancelled, or a file failed verification.
 * 2: bad usage or a bad link (nothing was tried).
 * 3: cannot reach the server, or it refused to let us in.
 */
export const EXIT = { done: 0, failed: 1, usage: 2, unreachable: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error that ends the command with its exit code and a message for the terminal. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

export const usageError = (message: string): CliError => new CliError(EXIT.usage, message);
