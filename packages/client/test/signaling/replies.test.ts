import { type Ack, AppError, type ProtocolError } from '@kopru/protocol';
import { describe, expect, it } from 'vitest';
import { startSignalingClient, startStandInNode } from './stand-in-node.js';

const ROOM = 'reply-room-1';
const SELF = 'A'.repeat(22);
const joinReply = {
  roomId: ROOM,
  self: { peerId: SELF, name: 'Alice', status: 'available', joinedAt: 1 },
  sessionToken: 't',
  peers: [],
  iceServers: [],
  resumed: false,
};

/** A stand-in node that answers each request with whatever the test says, shape checks aside. */
async function startNode(answers: { join: unknown; update?: unknown }) {
  return startStandInNode((socket) => {
    const on = socket.on as (
      event: string,
      listener: (payload: unknown, ack: (reply: unknown) => void) => void,
    ) => void;
    on.call(socket, 'room:join', (_request, ack) => ack(answers.join));
    on.call(socket, 'peer:update', (_request, ack) => ack(answers.update));
  });
}

function startClient(url: string) {
  const client = startSignalingClient(url, ROOM);
  const errors: ProtocolError[] = [];
  client.on('error', (e) => errors.push(e));
  return { client, errors };
}

describe('SignalingClient replies', () => {
  it('parse a good reply into its data', async () => {
    const peer = { peerId: SELF, name: 'Alicia', status: 'away', joinedAt: 1 };
    const node = await startNode({ join: { ok: true, data: joinReply }, update: { ok: true, data: peer } });
    const { client } = startClient(node);
    await client.waitFor('joined');
    await expect(client.updateSelf({ name: 'Alicia' })).resolves.toEqual(peer);
  });

  it('turn a reply of the wrong shape into a typed INVALID_REPLY error, not a cast', async () => {
    const badPeer: Ack<unknown> = { ok: true, data: { peerId: 42 } };
    const node = await startNode({ join: { ok: true, data: joinReply }, update: badPeer });
    const { client } = startClient(node);
    await client.waitFor('joined');
    const refusal = await client.updateSelf({ name: 'Alicia' }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).code).toBe('INVALID_REPLY');
    expect((refusal as AppError).message).toMatch(/^peer:update: unexpected reply/);
  });

  it('refuse a join whose reply does not parse, saying why', async () => {
    const { sessionToken: _missing, ...withoutToken } = joinReply;
    const node = await startNode({ join: { ok: true, data: withoutToken } });
    const { client, errors } = startClient(node);
    await client.waitFor('status', (s) => s === 'refused');
    expect(errors.map((e) => e.code)).toEqual(['INVALID_REPLY']);
    expect(errors[0]?.message).toMatch(/sessionToken/);
  });

  it('pass the server’s own refusal through with its code', async () => {
    const node = await startNode({ join: { ok: false, error: { code: 'ROOM_FULL', message: 'full' } } });
    const { client, errors } = startClient(node);
    await client.waitFor('status', (s) => s === 'refused');
    expect(errors).toEqual([{ code: 'ROOM_FULL', message: 'full' }]);
  });
});
