import type { NearbyJoinReply, PairCreateReply, SignalData } from '@kopru/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { PAIRING_CODE_MAX_WRONG, PAIRING_CODE_TTL_MS, PairingCodes } from '../src/security/pairing-codes.js';
import { closeAll, connectClient, expectError, startServer, type TestClient } from './support/harness.js';

afterEach(closeAll);

const RESET: SignalData = { kind: 'reset', epoch: 1 };

async function create(client: TestClient): Promise<PairCreateReply> {
  const reply = await client.request('pair:create', {});
  if (!reply.ok) return expect.fail(`pair:create refused: ${reply.error.code}`);
  return reply.data;
}

async function meet(client: TestClient, rendezvous: string, name: string): Promise<NearbyJoinReply> {
  const reply = await client.request('devices:join', { rendezvous, name });
  if (!reply.ok) return expect.fail(`devices:join refused: ${reply.error.code} ${reply.error.message}`);
  return reply.data;
}

/** A code that no live one can be: the fixed codes below never draw it. */
const otherThan = (code: string) => (code === '000000' ? '000001' : '000000');

describe('pairing codes', () => {
  it('brings the claimer to the creator’s rendezvous once', async () => {
    const server = await startServer();
    const laptop = await server.connect();
    const phone = await server.connect();
    const offer = await create(laptop);
    expect(offer.code).toMatch(/^\d{6}$/);
    expect(offer.rendezvous).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(offer.expiresInMs).toBe(PAIRING_CODE_TTL_MS);

    const claimed = await phone.request('pair:claim', { code: offer.code });
    expect(claimed).toEqual({ ok: true, data: { rendezvous: offer.rendezvous } });
    // One use: the same code again, from anyone, is refused as used (not as wrong).
    const again = await server.connect();
    expectError(await again.request('pair:claim', { code: offer.code }), 'PAIR_CODE_USED');
  });

  it('says a code has expired after two minutes', async () => {
    const server = await startServer();
    const laptop = await server.connect();
    const phone = await server.connect();
    const offer = await create(laptop);
    server.clock.advance(PAIRING_CODE_TTL_MS);
    expectError(await phone.request('pair:claim', { code: offer.code }), 'PAIR_CODE_EXPIRED');
  });

  it('ends every live code after five wrong tries, and a wrong code says so', async () => {
    const server = await startServer();
    const laptop = await server.connect();
    const offer = await create(laptop);
    const guessers = [await server.connect(), await server.connect()];
    for (let i = 0; i < PAIRING_CODE_MAX_WRONG; i++) {
      const guesser = guessers[i % 2] as TestClient;
      expectError(await guesser.request('pair:claim', { code: otherThan(offer.code) }), 'PAIR_CODE_WRONG');
    }
    const phone = await server.connect();
    expectError(await phone.request('pair:claim', { code: offer.code }), 'PAIR_CODE_EXPIRED');
  });

  it('draws random codes, never in sequence, and never one still live', () => {
    const codes = new PairingCodes();
    const drawn = Array.from({ length: 50 }, (_, i) => Number(codes.create(i).code));
    expect(new Set(drawn).size).toBe(50);
    const steps = new Set(drawn.slice(1).map((code, i) => code - (drawn[i] as number)));
    expect(steps.size).toBeGreaterThan(1);

    // A generator that keeps drawing the live code is asked again until it draws a free one.
    const sequence = ['111111', '111111', '111111', '222222'];
    const stubborn = new PairingCodes({
      code: () => sequence.shift() ?? '333333',
      rendezvous: () => 'r'.repeat(43),
    });
    expect(stubborn.create(0).code).toBe('111111');
    expect(stubborn.create(0).code).toBe('222222');
  });

  it('limits codes made and tried per address, across connections; refused tries cost no code', async () => {
    const server = await startServer({
      rateLimits: {
        pairCodesPerAddress: { capacity: 2, refillPerSecond: 0.001 },
        pairClaimsPerAddress: { capacity: 2, refillPerSecond: 0.001 },
      },
    });
    const [a, b, c] = [await server.connect(), await server.connect(), await server.connect()];
    const offer = await create(a);
    await create(b);
    expectError(await c.request('pair:create', {}), 'RATE_LIMITED');

    expectError(await a.request('pair:claim', { code: otherThan(offer.code) }), 'PAIR_CODE_WRONG');
    expectError(await b.request('pair:claim', { code: otherThan(offer.code) }), 'PAIR_CODE_WRONG');
    for (let i = 0; i < PAIRING_CODE_MAX_WRONG; i++) {
      const refused = await c.request('pair:claim', { code: otherThan(offer.code) });
      expect(expectError(refused, 'RATE_LIMITED')).toMatch(/pairing code tries/);
    }
    // Behind another (trusted-proxy) address the budget is fresh, and the code survived the refused tries.
    const elsewhere = await startServer({ trustProxy: 'loopback', pairingCodes: new PairingCodes() });
    const maker = await elsewhere.connect();
    const fresh = await create(maker);
    const phone = await connectClient(elsewhere.url, { extraHeaders: { 'x-forwarded-for': '198.51.100.9' } });
    expect((await phone.request('pair:claim', { code: fresh.code })).ok).toBe(true);
  });

  it('answers bad input with INVALID_PAYLOAD and keeps the code', async () => {
    const server = await startServer();
    const laptop = await server.connect();
    const offer = await create(laptop);
    const phone = await server.connect();
    for (const code of ['12345', '1234567', 'abcdef', ` ${offer.code}`, '']) {
      expectError(await phone.request('pair:claim', { code }), 'INVALID_PAYLOAD');
    }
    expect((await phone.request('pair:claim', { code: offer.code })).ok).toBe(true);
  });
});

describe('paired-device rendezvous', () => {
  it('shows its two devices to each other and relays between them, never to a third', async () => {
    const server = await startServer();
    const secretHash = 'h'.repeat(43);
    const [laptop, phone, stranger, other] = [
      await server.connect(),
      await server.connect(),
      await server.connect(),
      await server.connect(),
    ];
    const l = await meet(laptop, secretHash, 'Laptop');
    const p = await meet(phone, secretHash, 'Phone');
    expect(p.peers).toEqual([l.self]);
    expect(await laptop.events.waitFor('presence:joined')).toEqual({ peer: p.self });

    expect(await laptop.request('signal', { to: p.self.peerId, data: RESET })).toEqual({
      ok: true,
      data: null,
    });
    expect(await phone.events.waitFor('signal')).toEqual({ from: l.self.peerId, data: RESET });

    // A rendezvous holds one pair: a third device with the same name is refused.
    expectError(
      await stranger.request('devices:join', { rendezvous: secretHash, name: 'Mallory' }),
      'ROOM_FULL',
    );
    // Another rendezvous sees nobody, and cannot signal into this one.
    const o = await meet(other, 'o'.repeat(43), 'Other');
    expect(o.peers).toEqual([]);
    expectError(await other.request('signal', { to: l.self.peerId, data: RESET }), 'PEER_NOT_FOUND');

    // Leaving: the other device is told, and relaying to it stops.
    await phone.request('room:leave', {});
    expect(await laptop.events.waitFor('presence:left')).toMatchObject({ peerId: p.self.peerId });
    expectError(await laptop.request('signal', { to: p.self.peerId, data: RESET }), 'PEER_NOT_FOUND');
  });

  it('takes its name from the client and keeps it apart from rooms', async () => {
    const server = await startServer();
    const rendezvous = 'abcdefghijklmnop'.padEnd(43, 'q');
    const inDevices = await server.connect();
    const inRoom = await server.connect();
    await meet(inDevices, rendezvous, 'Laptop');
    const room = await inRoom.join(rendezvous.slice(0, 32), 'Room');
    expect(room.peers).toEqual([]);
  });
});
