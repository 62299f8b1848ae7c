import type { DataChannelEventMap, DataChannelLike } from '../../../src/peer/rtc-types.js';
import { FakeEventTarget } from './fake-event-target.js';

/** A pre-negotiated channel of a FakePeerConnection; the connection opens it and routes its frames. */
export class FakeDataChannel extends FakeEventTarget<DataChannelEventMap> implements DataChannelLike {
  readyState: RTCDataChannelState = 'connecting';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  binaryType: BinaryType = 'blob';
  readonly sent: unknown[] = [];

  constructor(
    readonly label: string,
    readonly id: number,
    readonly init: RTCDataChannelInit,
    /** Delivers a frame to the channel with the same id on the other connection. */
    private readonly route: (channel: FakeDataChannel, data: unknown) => void,
    private readonly onClose: (channel: FakeDataChannel) => void,
  ) {
    super();
  }

  send(data: string | ArrayBuffer): void {
    if (this.readyState !== 'open') throw new DOMException('channel not open', 'InvalidStateError');
    this.sent.push(data);
    this.route(this, data);
  }

  close(): void {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    this.fire('close', {});
    this.onClose(this);
  }

  /** Called by the connection. */
  open(): void {
    if (this.readyState !== 'connecting') return;
    this.readyState = 'open';
    this.fire('open', {});
  }

  /** The remote end went away (SCTP stream reset or abort). */
  remoteClosed(): void {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    this.fire('close', {});
  }

  /** The own connection closed: per spec the channel closes without an event. */
  abort(): void {
    this.readyState = 'closed';
  }

  deliver(data: unknown): void {
    if (this.readyState === 'open') this.fire('message', { data });
  }
}
