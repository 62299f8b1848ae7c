// @ts-check
/**
 * One of two bare node-datachannel peers (the baseline of `bench:cli`): a forked child that exchanges its
 * offer/answer and candidates with the other through the parent (IPC), opens one ordered reliable
 * DataChannel, and either sends the file (64 KiB messages, paced on `bufferedAmountLow` with a 1 MiB high
 * water mark: the best measured here, docs/benchmarks.md) or counts what arrives. No framing, no hashing,
 * no disk on the receiving side: the least a transfer can do over libdatachannel.
 */
import { openSync, readSync } from 'node:fs';
import { cleanup, PeerConnection } from 'node-datachannel';

const CHUNK = Number(process.env.BARE_CHUNK || 64 * 1024);
const HIGH_WATER = 1024 * 1024;
const [role, file, total] = [process.argv[2], process.argv[3] ?? '', Number(process.argv[4])];
const send = (/** @type {unknown} */ m) => process.send?.(m);

const pc = new PeerConnection(role ?? 'peer', { iceServers: [], disableAutoNegotiation: true });
pc.onLocalDescription((sdp, type) => send({ sdp, type }));
pc.onLocalCandidate((candidate, mid) => send({ candidate, mid }));
process.on('message', (/** @type {any} */ m) => {
  if (m.sdp) {
    pc.setRemoteDescription(m.sdp, m.type);
    if (m.type === 'offer') pc.setLocalDescription('answer');
  } else if (m.candidate) pc.addRemoteCandidate(m.candidate, m.mid);
});

const channel = pc.createDataChannel('bench', { negotiated: true, id: 900 });
if (role === 'sender') pc.setLocalDescription('offer');
channel.onOpen(() => {
  if (role !== 'sender') return;
  const fd = openSync(file, 'r');
  let sent = 0;
  const pump = () => {
    while (sent < total && channel.bufferedAmount() < HIGH_WATER) {
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, total - sent));
      readSync(fd, buffer, 0, buffer.byteLength, sent);
      channel.sendMessageBinary(buffer);
      sent += buffer.byteLength;
    }
  };
  channel.setBufferedAmountLowThreshold(HIGH_WATER / 2);
  channel.onBufferedAmountLow(pump);
  send({ started: Date.now() });
  pump();
});
let received = 0;
channel.onMessage((message) => {
  received += typeof message === 'string' ? message.length : message.byteLength;
  if (received === total) {
    send({ done: Date.now() });
    setTimeout(() => {
      pc.close();
      cleanup();
      process.exit(0);
    }, 100);
  }
});
process.on('disconnect', () => {
  pc.close();
  cleanup();
  process.exit(0);
});
