export type StoreOperation = 'write' | 'clear';

/**
 * Store work, one task after another. Steps queued with `after` run once everything queued before them
 * is done: that is how an ack goes out only after the message it acknowledges is written.
 */
export class WriteQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    /** A failed task; the queue goes on with the next one. */
    private readonly onFailure: (operation: StoreOperation, error: unknown) => void,
    /** A step that threw (a bug: steps are expected not to). */
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Queues a task; the returned promise settles with it (failures are also reported to `onFailure`). */
  run(operation: StoreOperation, task: () => Promise<void>): Promise<void> {
    const result = this.tail.then(task);
    this.tail = result.catch((error: unknown) => this.onFailure(operation, error));
    return result;
  }

  /** Queues a task whose failure is only reported (fire and forget). */
  push(operation: StoreOperation, task: () => Promise<void>): void {
    this.run(operation, task).catch(() => {}); // already reported through `onFailure`
  }

  /** Runs `step` after everything queued so far. */
  after(step: () => void): void {
    this.tail = this.tail.then(step).catch(this.onError);
  }

  /** Resolves when the queue is empty, including work queued while waiting. */
  async idle(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.tail;
      await current;
    } while (current !== this.tail);
  }
}
