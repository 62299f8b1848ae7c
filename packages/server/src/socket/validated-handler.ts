import {
  type Ack,
  AppError,
  type ClientToServerEvents,
  clientEventSchemas,
  fail,
  ok,
  type ProtocolError,
} from '@kopru/protocol';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { KopruSocket } from './types.js';

type Schemas = typeof clientEventSchemas;
type EventName = keyof ClientToServerEvents;
type ReplyOf<E extends EventName> =
  NonNullable<Parameters<ClientToServerEvents[E]>[1]> extends (reply: Ack<infer T>) => void ? T : never;

/** Where a refusal goes when the request came without an acknowledgement (events that allow that). */
export type UnacknowledgedRefusal = (error: ProtocolError, payload: unknown) => void;

export type EventHandler<E extends EventName> = (payload: z.output<Schemas[E]>) => Promise<ReplyOf<E>>;

const describeIssues = (error: z.ZodError): string =>
  error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`)
    .join('; ');

/**
 * Registers a handler that sees only validated input and always answers its ack: with `{ ok: true, data }`,
 * or `{ ok: false, error }` for bad input (nothing changed) and for failures (logged, never thrown).
 * What arrives on the wire is `unknown` whatever the event map says, so it is typed that way here.
 * With `unacknowledged`, the event may also come with its payload alone: success then answers nothing,
 * and a refusal goes to `unacknowledged` (e.g. as an event to the sender).
 */
export function onValidated<E extends EventName>(
  socket: KopruSocket,
  event: E,
  logger: Logger,
  handler: EventHandler<E>,
  onError?: (code: string) => void,
  unacknowledged?: UnacknowledgedRefusal,
): void {
  const schema: z.ZodType = clientEventSchemas[event];
  const listener = (...args: unknown[]): void => {
    const maybeAck = args[args.length - 1];
    const ack = typeof maybeAck === 'function' ? (maybeAck as (reply: Ack<unknown>) => void) : undefined;
    const reply = (answer: Ack<unknown>): void => {
      if (!answer.ok) onError?.(answer.error.code);
      if (ack) ack(answer);
      else if (!answer.ok) unacknowledged?.(answer.error, args[0]);
    };
    const arity = ack ? 2 : 1;
    if ((!ack && !unacknowledged) || args.length !== arity) {
      reply(
        fail(
          'INVALID_PAYLOAD',
          unacknowledged
            ? `${event} takes one payload (and optionally an acknowledgement callback)`
            : `${event} takes one payload and an acknowledgement callback`,
        ),
      );
      return;
    }
    const parsed = schema.safeParse(args[0]);
    if (!parsed.success) {
      reply(fail('INVALID_PAYLOAD', `${event}: ${describeIssues(parsed.error)}`));
      return;
    }
    handler(parsed.data as z.output<Schemas[E]>).then(
      (data) => reply(ok(data)),
      (error: unknown) => {
        if (error instanceof AppError) {
          reply({ ok: false, error: error.toJSON() });
          return;
        }
        logger.error({ err: error, event }, 'handler failed');
        reply(fail('INTERNAL', 'the server could not handle this request'));
      },
    );
  };
  // The typed `on` would insist the payload already matches the event map; it is only `unknown` here.
  (socket.on as (event: string, listener: (...args: unknown[]) => void) => void)(event, listener);
}

/**
 * Answers events that no handler knows, so a client learns of its mistake instead of waiting. A socket
 * middleware (not `onAny`, which runs before every middleware) so that rate limits installed earlier
 * apply to unknown events too.
 */
export function refuseUnknownEvents(socket: KopruSocket, onError?: (code: string) => void): void {
  socket.use(([event, ...args], next) => {
    if (typeof event === 'string' && Object.hasOwn(clientEventSchemas, event)) {
      next();
      return;
    }
    onError?.('INVALID_PAYLOAD');
    const maybeAck = args[args.length - 1];
    if (typeof maybeAck === 'function') maybeAck(fail('INVALID_PAYLOAD', `unknown event ${String(event)}`));
  });
}
