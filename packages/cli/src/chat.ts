import { createInterface } from 'node:readline';
import { type ChatRecord, type DeliveryState, ROOM_CONVERSATION_ID } from '@kopru/client';
import { EXIT, type ExitCode } from './errors.js';
import type { Output } from './output.js';
import { choosePeer } from './people.js';
import type { JoinedRoom } from './runtime.js';

export interface ChatOptions {
  to: string | undefined;
  timeoutMs: number;
  out: Output;
}

const STATE_WORDS: Record<DeliveryState, string> = {
  pending: 'waiting',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
};

/**
 * A line-based chat: each line typed (or piped) goes to the room or to one person; what others say is
 * printed as it arrives, and counts as read once printed (their browser shows *Read*). Our messages'
 * states (waiting → sent → delivered → read) are printed as they change. With stdin piped, the command
 * ends once every message it sent was delivered (exit 0), or after the timeout (exit 1).
 */
export async function runChat(joined: JoinedRoom, opts: ChatOptions): Promise<ExitCode> {
  const { chat, room } = joined;
  const { out } = opts;
  const target =
    opts.to === undefined ? undefined : await choosePeer(room, { ...opts, name: opts.to, flag: '--to' });
  const conversationId = target?.peerId ?? ROOM_CONVERSATION_ID;
  const nameOf = (peerId: string): string =>
    room.current.peers.get(peerId)?.name ?? (peerId === joined.selfPeerId ? room.name : peerId);
  out.info(
    target
      ? `Chatting with ${target.name} as ${room.name}. Type a line and press Enter; Ctrl-D or Ctrl-C ends.`
      : `Chatting with everyone in ${room.roomId} as ${room.name}. Type a line and press Enter; Ctrl-D or Ctrl-C ends.`,
  );
  out.event('chat-ready', { self: room.name, conversation: conversationId, with: target?.name ?? null });
  joined.session.connectConversation(conversationId);

  const shownStates = new Map<string, DeliveryState>();
  const reportStates = (messages: readonly ChatRecord[]): void => {
    for (const record of messages) {
      if (record.direction !== 'out' || shownStates.get(record.id) === record.state) continue;
      shownStates.set(record.id, record.state);
      out.event('message-state', { id: record.id, text: record.text, state: record.state });
      if (record.state !== 'pending') out.info(`  · ${STATE_WORDS[record.state]}: ${record.text}`);
    }
  };
  const offs = [
    chat.on('incoming', ({ conversationId: from, message }) => {
      const where = from === ROOM_CONVERSATION_ID ? '' : from === conversationId ? '' : ' (private)';
      out.print(`${message.fromName}${where}: ${message.text}`);
      out.event('message', {
        id: message.id,
        from: message.fromName,
        conversation: from === ROOM_CONVERSATION_ID ? 'room' : 'private',
        text: message.text,
      });
      // Printed on the terminal = seen.
      chat.markConversationRead(from);
    }),
    chat.on('conversation-updated', (e) => {
      if (e.conversationId === conversationId) reportStates(e.messages);
    }),
    chat.on('typing', ({ peerId, active }) => {
      out.event('typing', { from: nameOf(peerId), active });
      if (active) out.info(`  ${nameOf(peerId)} is typing…`);
    }),
  ];
  const allDelivered = (): boolean =>
    chat
      .messages(conversationId)
      .every((r) => r.direction !== 'out' || r.state === 'delivered' || r.state === 'read');

  return new Promise<ExitCode>((resolve) => {
    const rl = createInterface({ input: process.stdin, terminal: false });
    let finishing: ReturnType<typeof setTimeout> | undefined;
    const finish = (code: ExitCode): void => {
      clearTimeout(finishing);
      for (const off of offs) off();
      rl.close();
      resolve(code);
    };
    rl.on('line', (line) => {
      const text = line.trim();
      if (!text) return;
      chat.setTyping(conversationId, false);
      try {
        chat.sendText(conversationId, text);
      } catch (error) {
        out.warn(`not sent: ${(error as Error).message}`);
      }
    });
    if (process.stdin.isTTY) process.stdin.on('data', () => chat.setTyping(conversationId, true));
    rl.on('close', () => {
      // End of input: wait for what was sent to be delivered, then leave.
      if (allDelivered()) {
        finish(EXIT.done);
        return;
      }
      out.info('Waiting for the last messages to be delivered…');
      const off = chat.on('conversation-updated', () => {
        if (!allDelivered()) return;
        off();
        finish(EXIT.done);
      });
      finishing = setTimeout(() => {
        off();
        out.warn('some messages were not delivered before the timeout');
        finish(EXIT.failed);
      }, opts.timeoutMs);
    });
  });
}
