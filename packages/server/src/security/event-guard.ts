import { clientEventSchemas, LIMITS, type ProtocolError } from '@kopru/protocol';
import type { Logger } from 'pino';
import type { Clock } from '../deps.js';
import type { KopruSocket } from '../socket/types.js';
import { type KnownEvent, PAYLOAD_CAPS, type RateLimits } from './rate-limits.js';
import { LocalBuckets } from './token-bucket.js';

export interface EventGuardOptions {
  limits: RateLimits;
  clock: Clock;
  logger: Logger;
  /** Called with the error code of every refusal (for metrics). */
  onError?: (code: string) => void;
  /** Where a refused request without an acknowledgement is reported (otherwise it is dropped). */
  unacknowledged?: (event: KnownEvent | 'unknown', error: ProtocolError, payload: unknown) => void;
}

const eventName = (event: unknown): KnownEvent | 'unknown' =>
  typeof event === 'string' && Object.hasOwn(clientEventSchemas, event) ? (event as KnownEvent) : 'unknown';

/** Bytes of the payload's JSON (what it cost on the wire, give or take the envelope). */
function payloadBytes(payload: unknown): number {
  if (payload === undefined || typeof payload === 'function') return 0;
  try {
    return Buffer.byteLength(JSON.stringify(payload) ?? '');
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * Socket middleware that runs before any handler: a token bucket per event name for this connection, then
 * the event's payload cap. A refused request is answered (`RATE_LIMITED` with `retryAfterMs`, or
 * `PAYLOAD_TOO_LARGE`) and goes no further; one without an acknowledgement goes to `unacknowledged`, or
 * is dropped.
 */
export function guardEvents(socket: KopruSocket, opts: EventGuardOptions): void {
  const buckets = new LocalBuckets();
  let warned = false;
  socket.use((packet, next) => {
    const [event, ...args] = packet as unknown[];
    const name = eventName(event);
    const last = args[args.length - 1];
    const ack = typeof last === 'function' ? (last as (reply: unknown) => void) : undefined;
    const refuse = (error: ProtocolError): void => {
      opts.onError?.(error.code);
      if (ack) ack({ ok: false, error });
      else opts.unacknowledged?.(name, error, args[0]);
    };
    const decision = buckets.take(name, opts.limits.perEvent[name], opts.clock.now());
    if (!decision.allowed) {
      if (!warned) {
        warned = true;
        opts.logger.warn({ socketId: socket.id, event: name }, 'connection rate-limited');
      }
      refuse({
        code: 'RATE_LIMITED',
        message: `too many ${name === 'unknown' ? 'unknown events' : name} requests; retry in ${Math.ceil(decision.retryAfterMs / 1000)} s`,
        retryAfterMs: decision.retryAfterMs,
      });
      return;
    }
    const cap = PAYLOAD_CAPS[name];
    // Frames are capped at maxHttpBufferSize already; measuring is only worth it below that.
    if (cap < LIMITS.maxFrameBytes && args.length > 0 && args[0] !== ack && payloadBytes(args[0]) > cap) {
      refuse({ code: 'PAYLOAD_TOO_LARGE', message: `${name} payloads are at most ${cap} bytes` });
      return;
    }
    next();
  });
}
