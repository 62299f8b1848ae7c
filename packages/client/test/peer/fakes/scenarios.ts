import type { PeerMessage } from '@kopru/protocol';
import { expect } from 'vitest';
import { FakeNetwork } from './fake-network.js';
import { settle } from './time.js';

export const chat = (id: string, text: string): PeerMessage => ({
  type: 'chat',
  id,
  scope: 'direct',
  text,
  sentAt: 1,
});

/** A network with the given meshes, every pair connected (the first id opens to each later one). */
export async function connectedNetwork(...ids: string[]): Promise<FakeNetwork> {
  const net = new FakeNetwork();
  for (const id of ids) net.add(id);
  for (const [i, from] of ids.entries()) for (const to of ids.slice(i + 1)) net.mesh(from).ensureSession(to);
  await settle();
  for (const from of ids) {
    for (const to of ids) if (to !== from) expect(net.mesh(from).stateOf(to)).toBe('connected');
  }
  return net;
}

/** Sends one chat message each way and checks both arrive. */
export async function expectMessagesFlow(net: FakeNetwork, a: string, b: string, tag: string): Promise<void> {
  const there = chat(`${tag}-there`, `from ${a}`);
  const back = chat(`${tag}-back`, `from ${b}`);
  expect(net.mesh(a).send(b, there)).toBe(true);
  expect(net.mesh(b).send(a, back)).toBe(true);
  await settle();
  expect(net.eventsOf(b, 'message').at(-1)).toEqual({ peerId: a, message: there });
  expect(net.eventsOf(a, 'message').at(-1)).toEqual({ peerId: b, message: back });
}
