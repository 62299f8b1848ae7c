import { describe, expect, expectTypeOf, it } from 'vitest';
import type { CallManager } from '../../src/call/call-manager.js';
import type { ChatManager } from '../../src/chat/chat-manager.js';
import type { PeerMesh } from '../../src/peer/peer-mesh.js';
import type { RoomClient, RoomClientEvents } from '../../src/room/room-client.js';
import type { PeerSecurityEvents, PeerSecurityMonitor } from '../../src/security/peer-security.js';
import type { RelayOnlyEvents, RelayOnlySetting } from '../../src/security/relay-only.js';
import type { VerifiedPeers, VerifiedPeersEvents } from '../../src/security/verified-peers.js';
import type { KopruSession, SessionEvents } from '../../src/session.js';
import type { SignalingClient, SignalingEvents } from '../../src/signaling/signaling-client.js';
import { TypedEmitter } from '../../src/util/typed-emitter.js';

// The `@ts-expect-error` lines are checked by the compiler (`tsc -p packages/client`, part of
// `npm run typecheck`): if an event map were open again (`[event: string]: unknown`), a misspelt event
// would compile, the directive would be unused, and the type-check would fail.

describe('event maps are closed', () => {
  it('name exactly their events', () => {
    expectTypeOf<keyof SessionEvents>().toEqualTypeOf<'ready' | 'pair-state' | 'pairing-message'>();
    expectTypeOf<keyof SignalingEvents>().toEqualTypeOf<
      | 'status'
      | 'joined'
      | 'peer-joined'
      | 'peer-updated'
      | 'peer-left'
      | 'signal'
      | 'signal-failed'
      | 'session-ended'
      | 'error'
      | 'room-access'
    >();
    expectTypeOf<keyof RoomClientEvents>().toEqualTypeOf<
      | 'state'
      | 'status'
      | 'error'
      | 'session-ended'
      | 'ice-servers'
      | 'access'
      | 'peer-joined'
      | 'peer-resumed'
      | 'peer-left'
      | 'signal'
    >();
    expectTypeOf<keyof PeerSecurityEvents>().toEqualTypeOf<'info'>();
    expectTypeOf<keyof RelayOnlyEvents>().toEqualTypeOf<'changed'>();
    expectTypeOf<keyof VerifiedPeersEvents>().toEqualTypeOf<'changed'>();
  });

  it('refuse a misspelt event or a wrong payload at compile time', () => {
    // Never called: only the compiler looks at it.
    const misuse = (emitters: {
      session: KopruSession;
      signaling: SignalingClient;
      room: RoomClient;
      security: PeerSecurityMonitor;
      relayOnly: RelayOnlySetting;
      verified: VerifiedPeers;
      mesh: PeerMesh;
      chat: ChatManager;
      call: CallManager;
    }) => {
      // @ts-expect-error: no such event
      emitters.session.on('redy', () => {});
      // @ts-expect-error: no such event
      emitters.signaling.on('joind', () => {});
      // @ts-expect-error: no such event
      emitters.room.on('peer-join', () => {});
      // @ts-expect-error: no such event
      emitters.security.on('infos', () => {});
      // @ts-expect-error: no such event
      emitters.relayOnly.on('change', () => {});
      // @ts-expect-error: no such event
      emitters.verified.waitFor('change');
      // @ts-expect-error: no such event
      emitters.mesh.on('controll-open', () => {});
      // @ts-expect-error: no such event
      emitters.chat.on('typo', () => {});
      // @ts-expect-error: no such event
      emitters.call.once('typo', () => {});
      emitters.relayOnly.on('changed', (on) => {
        expectTypeOf(on).toEqualTypeOf<boolean>();
      });
    };
    expectTypeOf(misuse).returns.toEqualTypeOf<void>();
  });

  it('type a small emitter of its own the same way', () => {
    class Counter extends TypedEmitter<{ count: number }> {
      bump(n: number): void {
        this.emit('count', n);
      }
      /** Never called: only the compiler looks at it. */
      misuse(): void {
        // @ts-expect-error: no such event
        this.emit('cont', 1);
        // @ts-expect-error: a payload of the wrong type
        this.emit('count', 'one');
      }
    }
    const counter = new Counter();
    const seen: number[] = [];
    counter.on('count', (n) => seen.push(n));
    counter.bump(3);
    expect(seen).toEqual([3]);
  });
});
