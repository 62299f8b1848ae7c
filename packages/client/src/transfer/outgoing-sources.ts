import { encodeFrame } from './framing.js';
import type { OutgoingStream } from './peer-link.js';
import type { SendWindow } from './send-window.js';
import { BlockReader, matchSources } from './source.js';
import type { StoredFile } from './transfer-store.js';
import type { SourceFile, SourceHasher } from './types.js';

const hasVerdict = (f: StoredFile): boolean => f.state === 'verified' || f.state === 'mismatch';

/** What a stream reports back to its transfer while it reads the files. */
export interface SourceStreamEvents {
  /** False once the transfer replaced or stopped this stream: it then yields nothing more. */
  live(stream: OutgoingStream): boolean;
  /** Every byte of file `fileIndex` was handed to the link. */
  fileSent(fileIndex: number): void;
  readFailed(fileIndex: number, error: unknown): void;
}

/**
 * The sender's files: the chosen sources (missing after a sender reload until chosen again), their SHA-256
 * (each computed once, off the main thread), and the stream that reads them from a resume point, frame by
 * frame, through the transfer's window. The transfer's status and messages are `OutgoingTransfer`'s.
 */
export class OutgoingSources {
  private readonly hashes = new Map<number, Promise<string>>();

  constructor(
    private readonly files: readonly StoredFile[],
    private readonly sources: (SourceFile | undefined)[],
    private readonly hasher: SourceHasher,
  ) {}

  attached(fileIndex: number): boolean {
    return this.sources[fileIndex] !== undefined;
  }

  /** Files still needing their source (those with a verdict do not). */
  missing(): number {
    return this.files.filter((f, i) => !hasVerdict(f) && this.sources[i] === undefined).length;
  }

  /** Attaches the candidates that match a missing file (by path or name, size and head hash). */
  async reattach(candidates: readonly SourceFile[]): Promise<void> {
    const matched = await matchSources(this.files, this.sources, candidates);
    matched.forEach((source, index) => {
      this.sources[index] = source;
    });
  }

  /** The SHA-256 (hex) of an attached file. */
  hashOf(fileIndex: number): Promise<string> {
    let hash = this.hashes.get(fileIndex);
    const source = this.sources[fileIndex];
    if (!hash && source) {
      hash = this.hasher.hash(source.blob);
      this.hashes.set(fileIndex, hash);
    }
    return hash ?? Promise.reject(new Error(`file ${fileIndex} is not attached`));
  }

  /** Queues every file's hash (the hasher works through them in order, off the main thread). */
  startHashing(): void {
    for (const [index, file] of this.files.entries()) {
      if (!hasVerdict(file) && this.sources[index]) {
        this.hashOf(index).catch(() => {
          // Reported when the hash is needed (`fileSent`).
        });
      }
    }
  }

  /**
   * A stream of frames from file `firstIndex` at `firstOffset` to the end of the batch. It is ready only
   * while `sendWindow` has room for a frame (or nothing is left to send but the end of its files), and records
   * every frame it yields there.
   */
  stream(
    transferId: string,
    from: { fileIndex: number; offset: number },
    sendWindow: SendWindow,
    events: SourceStreamEvents,
  ): OutgoingStream {
    let fileIndex = from.fileIndex;
    let reader: BlockReader | undefined;
    const stream: OutgoingStream = {
      transferId,
      ready: (payloadBytes) => sendWindow.fits(payloadBytes) || sendWindow.allSent(),
      next: async (payloadBytes) => {
        while (events.live(stream) && fileIndex < this.files.length) {
          const source = this.sources[fileIndex];
          if (!source) return undefined;
          reader ??= new BlockReader(source.blob, fileIndex === from.fileIndex ? from.offset : 0);
          let chunk: Awaited<ReturnType<BlockReader['next']>>;
          try {
            chunk = await reader.next(payloadBytes);
          } catch (error) {
            events.readFailed(fileIndex, error);
            return undefined;
          }
          if (chunk) {
            sendWindow.sentTo(fileIndex, chunk.offset + chunk.data.byteLength);
            return encodeFrame({ transferId, fileIndex, offset: chunk.offset }, chunk.data);
          }
          events.fileSent(fileIndex);
          fileIndex += 1;
          reader = undefined;
        }
        return undefined;
      },
    };
    return stream;
  }
}
