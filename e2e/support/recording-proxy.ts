import net from 'node:net';

/**
 * A TCP proxy in front of a plain-HTTP server that keeps every byte the browsers send through it, so a
 * test can search everything the server received: HTTP requests (request lines, headers, bodies) and,
 * on connections upgraded to WebSocket, the frames' payloads unmasked (browsers mask every frame they
 * send, so the raw bytes alone would hide a string inside one).
 */
export interface RecordingProxy {
  url: string;
  /** Everything received so far, decoded: HTTP text plus unmasked WebSocket payloads. */
  received(): { text: string; websocketFrames: number; compressedFrames: number; connections: number };
  close(): Promise<void>;
}

export async function startRecordingProxy(listenPort: number, targetPort: number): Promise<RecordingProxy> {
  const connections: Buffer[][] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const chunks: Buffer[] = [];
    connections.push(chunks);
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (data: Buffer) => {
      chunks.push(Buffer.from(data));
      upstream.write(data);
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(listenPort, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${listenPort}`,
    received() {
      let text = '';
      let websocketFrames = 0;
      let compressedFrames = 0;
      for (const chunks of connections) {
        const bytes = Buffer.concat(chunks);
        const headerEnd = bytes.indexOf('\r\n\r\n');
        const head = bytes.subarray(0, headerEnd < 0 ? bytes.length : headerEnd + 4).toString('latin1');
        if (headerEnd >= 0 && /^upgrade: websocket/im.test(head)) {
          text += head;
          const frames = websocketPayloads(bytes.subarray(headerEnd + 4));
          websocketFrames += frames.payloads.length;
          compressedFrames += frames.compressed;
          for (const payload of frames.payloads) text += `\n${payload.toString('utf8')}`;
        } else {
          text += bytes.toString('latin1');
        }
      }
      return { text, websocketFrames, compressedFrames, connections: connections.length };
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Client-to-server WebSocket frames (RFC 6455 §5.2), payloads unmasked; counts frames with RSV1 (compressed). */
function websocketPayloads(bytes: Buffer): { payloads: Buffer[]; compressed: number } {
  const payloads: Buffer[] = [];
  let compressed = 0;
  let at = 0;
  while (at + 2 <= bytes.length) {
    const first = bytes[at] ?? 0;
    const second = bytes[at + 1] ?? 0;
    let length = second & 0x7f;
    let offset = at + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(offset);
      offset += 2;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(offset));
      offset += 8;
    }
    const mask = second & 0x80 ? bytes.subarray(offset, offset + 4) : undefined;
    if (mask) offset += 4;
    if (offset + length > bytes.length) break;
    const payload = Buffer.from(bytes.subarray(offset, offset + length));
    if (mask) for (let i = 0; i < payload.length; i += 1) payload[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
    if (first & 0x40) compressed += 1;
    payloads.push(payload);
    at = offset + length;
  }
  return { payloads, compressed };
}
