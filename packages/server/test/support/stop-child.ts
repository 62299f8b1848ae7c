import type { ChildProcess } from 'node:child_process';

/** How long a process asked to stop gets before it is killed: a graceful drain here takes < 1 s. */
const STOP_GRACE_MS = 5_000;

/**
 * Sends `signal` to a child process and resolves once it has exited; one that is still there after
 * STOP_GRACE_MS is SIGKILLed. Resolves at once for a child that already exited. Shared by the test
 * helpers that run real servers, Redis and nginx.
 */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = signal === 'SIGKILL' ? undefined : setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
