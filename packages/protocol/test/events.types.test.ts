import type { Socket } from 'socket.io-client';
import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type {
  Ack,
  AckCallback,
  ackSchema,
  ClientToServerEvents,
  clientEventSchemas,
  clientReplySchemas,
  JoinReply,
  JoinRequest,
  PeerInfo,
  ServerToClientEvents,
  SessionEnded,
  SignalMessage,
  SignalRequest,
  serverEventSchemas,
  UpdateRequest,
} from '../src/index.js';

// These assertions are checked by the compiler (`tsc -p packages/protocol --noEmit`, part of
// `npm run typecheck`); at run time `expectTypeOf` does nothing.

type PayloadOf<F> = F extends (payload: infer P, ...rest: never[]) => void ? P : never;
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

describe('event maps', () => {
  it('name exactly the events of the protocol', () => {
    expectTypeOf<keyof ClientToServerEvents>().toEqualTypeOf<
      | 'room:join'
      | 'nearby:join'
      | 'devices:join'
      | 'pair:create'
      | 'pair:claim'
      | 'room:leave'
      | 'peer:update'
      | 'signal'
      | 'room:set-password'
      | 'ice:refresh'
    >();
    expectTypeOf<keyof ServerToClientEvents>().toEqualTypeOf<
      | 'presence:joined'
      | 'presence:updated'
      | 'presence:left'
      | 'signal'
      | 'signal:failed'
      | 'session:ended'
      | 'room:access'
    >();
    expectTypeOf<keyof typeof clientEventSchemas>().toEqualTypeOf<keyof ClientToServerEvents>();
    expectTypeOf<keyof typeof serverEventSchemas>().toEqualTypeOf<keyof ServerToClientEvents>();
  });

  it('do not widen to any', () => {
    expectTypeOf<ClientToServerEvents>().not.toBeAny();
    expectTypeOf<ServerToClientEvents>().not.toBeAny();
    for (const check of [
      expectTypeOf<ClientToServerEvents['room:join']>(),
      expectTypeOf<ClientToServerEvents['room:leave']>(),
      expectTypeOf<ClientToServerEvents['peer:update']>(),
      expectTypeOf<ClientToServerEvents['signal']>(),
      expectTypeOf<ServerToClientEvents['presence:joined']>(),
      expectTypeOf<ServerToClientEvents['presence:updated']>(),
      expectTypeOf<ServerToClientEvents['presence:left']>(),
      expectTypeOf<ServerToClientEvents['signal']>(),
      expectTypeOf<ServerToClientEvents['signal:failed']>(),
      expectTypeOf<ServerToClientEvents['session:ended']>(),
      expectTypeOf<ClientToServerEvents['room:set-password']>(),
      expectTypeOf<ClientToServerEvents['ice:refresh']>(),
      expectTypeOf<ServerToClientEvents['room:access']>(),
    ]) {
      check.not.toBeAny();
      check.parameter(0).not.toBeAny();
      check.parameter(0).not.toBeUnknown();
    }
  });

  it('carry the request and reply types of each client event', () => {
    expectTypeOf<ClientToServerEvents['room:join']>().parameters.toEqualTypeOf<
      [JoinRequest, AckCallback<JoinReply>]
    >();
    expectTypeOf<ClientToServerEvents['room:leave']>().parameter(1).toEqualTypeOf<AckCallback<null>>();
    expectTypeOf<ClientToServerEvents['peer:update']>().parameters.toEqualTypeOf<
      [UpdateRequest, AckCallback<PeerInfo>]
    >();
    expectTypeOf<ClientToServerEvents['signal']>().parameters.toEqualTypeOf<
      [SignalRequest, AckCallback<null>?]
    >();
    expectTypeOf<AckCallback<null>>().parameter(0).toEqualTypeOf<Ack<null>>();
  });

  it('parse each reply into exactly the type its acknowledgement carries', () => {
    type ReplyOf<E extends keyof ClientToServerEvents> =
      NonNullable<Parameters<ClientToServerEvents[E]>[1]> extends (reply: Ack<infer T>) => void ? T : never;
    expectTypeOf<keyof typeof clientReplySchemas>().toEqualTypeOf<keyof ClientToServerEvents>();
    expectTypeOf<z.output<(typeof clientReplySchemas)['room:join']>>().toEqualTypeOf<ReplyOf<'room:join'>>();
    expectTypeOf<z.output<(typeof clientReplySchemas)['room:leave']>>().toEqualTypeOf<
      ReplyOf<'room:leave'>
    >();
    expectTypeOf<z.output<(typeof clientReplySchemas)['peer:update']>>().toEqualTypeOf<
      ReplyOf<'peer:update'>
    >();
    expectTypeOf<z.output<(typeof clientReplySchemas)['signal']>>().toEqualTypeOf<ReplyOf<'signal'>>();
    expectTypeOf<z.output<(typeof clientReplySchemas)['room:set-password']>>().toEqualTypeOf<
      ReplyOf<'room:set-password'>
    >();
    expectTypeOf<z.output<(typeof clientReplySchemas)['ice:refresh']>>().toEqualTypeOf<
      ReplyOf<'ice:refresh'>
    >();
    expectTypeOf<z.output<ReturnType<typeof ackSchema<typeof clientReplySchemas.signal>>>>().toEqualTypeOf<
      Ack<null>
    >();
  });

  it('match the schemas that validate them on the wire', () => {
    expectTypeOf<z.output<(typeof clientEventSchemas)['room:join']>>().toEqualTypeOf<
      PayloadOf<ClientToServerEvents['room:join']>
    >();
    expectTypeOf<z.output<(typeof clientEventSchemas)['peer:update']>>().toEqualTypeOf<
      PayloadOf<ClientToServerEvents['peer:update']>
    >();
    expectTypeOf<z.output<(typeof clientEventSchemas)['signal']>>().toEqualTypeOf<
      PayloadOf<ClientToServerEvents['signal']>
    >();
    expectTypeOf<z.output<(typeof serverEventSchemas)['presence:joined']>>().toEqualTypeOf<{
      peer: PeerInfo;
    }>();
    expectTypeOf<z.output<(typeof serverEventSchemas)['presence:left']>>().toEqualTypeOf<
      PayloadOf<ServerToClientEvents['presence:left']>
    >();
    expectTypeOf<z.output<(typeof serverEventSchemas)['signal']>>().toEqualTypeOf<SignalMessage>();
    expectTypeOf<z.output<(typeof serverEventSchemas)['signal:failed']>>().toEqualTypeOf<
      PayloadOf<ServerToClientEvents['signal:failed']>
    >();
    expectTypeOf<z.output<(typeof serverEventSchemas)['session:ended']>>().toEqualTypeOf<SessionEnded>();
    expectTypeOf<z.output<(typeof clientEventSchemas)['room:set-password']>>().toEqualTypeOf<
      PayloadOf<ClientToServerEvents['room:set-password']>
    >();
    expectTypeOf<z.output<(typeof serverEventSchemas)['room:access']>>().toEqualTypeOf<
      PayloadOf<ServerToClientEvents['room:access']>
    >();
  });

  it('type a socket.io client socket strictly', () => {
    expectTypeOf<ClientSocket>().not.toBeAny();
    // Never called: the compiler checks that misuse is an error.
    const misuse = (socket: ClientSocket) => {
      // @ts-expect-error: no such event
      socket.emit('room:jion', { roomId: 'abcdef', name: 'A' }, () => {});
      // @ts-expect-error: a payload of the wrong shape
      socket.emit('signal', { to: 42 }, () => {});
      // @ts-expect-error: servers send presence events, clients do not
      socket.emit('presence:joined', { peer: {} as PeerInfo });
      // @ts-expect-error: no such server event
      socket.on('presence:joind', () => {});
      socket.on('presence:left', (event) => {
        expectTypeOf(event.reason).toEqualTypeOf<'left' | 'disconnected' | 'expired'>();
      });
    };
    expectTypeOf(misuse).parameter(0).toEqualTypeOf<ClientSocket>();
  });
});
