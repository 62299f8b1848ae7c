import type { DataChannelLike } from '../peer/rtc-types.js';
import { type Logger, type Timers, withFields } from '../peer/seams.js';
import { type DecodedFileFrame, decodeFrame } from './framing.js';
import { PeerLink } from './peer-link.js';

export interface PeerLinksOptions {
  timers: Timers;
  logger: Logger;
  /** A frame that decoded as valid arrived from `peerId` (which transfer it belongs to is not checked here). */
  onFrame(peerId: string, frame: DecodedFileFrame): void;
}

/** The file channel with every peer (one `PeerLink` each, kept across sessions), and decoding what arrives. */
export class PeerLinks {
  private readonly links = new Map<string, PeerLink>();
  private closed = false;

  constructor(private readonly opts: PeerLinksOptions) {}

  /** The peer's link, created on first use. */
  get(peerId: string): PeerLink {
    let link = this.links.get(peerId);
    if (!link) {
      link = new PeerLink({
        peerId,
        timers: this.opts.timers,
        logger: withFields(this.opts.logger, { peerId }),
        onFrame: (data) => this.receive(peerId, data),
      });
      if (this.closed) link.close();
      else this.links.set(peerId, link);
    }
    return link;
  }

  /** A new session's file channel for the peer (see `PeerLink.attach`). */
  attach(peerId: string, channel: DataChannelLike, maxMessageSize: () => number | undefined): void {
    if (!this.closed) this.get(peerId).attach(channel, maxMessageSize);
  }

  /** Stops every link. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const link of this.links.values()) link.close();
    this.links.clear();
  }

  private receive(peerId: string, data: unknown): void {
    const decoded = decodeFrame(data);
    if (!decoded.ok) {
      this.opts.logger.warn('invalid file frame dropped', { peerId, error: decoded.error });
      return;
    }
    this.opts.onFrame(peerId, decoded.frame);
  }
}
