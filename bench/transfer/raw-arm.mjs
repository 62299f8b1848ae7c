// @ts-check
/**
 * The ceiling: a plain RTCPeerConnection pair between the same two browser pages, one ordered reliable
 * DataChannel, 64 KiB chunks paced with a 4 MiB high-water mark (as the issue specifies), the file read with
 * `Blob.slice`. The receiver only counts and keeps the chunks (hashed after the clock stops), so it does the
 * least work a receiver can: no disk, no incremental hash, no framing.
 */

const RAW_CHUNK = 64 * 1024;
const RAW_HIGH_WATER = 4 * 1024 * 1024;

/**
 * @param {import('playwright').Page} sender
 * @param {import('playwright').Page} receiver
 * @param {string} filePath
 */
export async function connectRaw(sender, receiver, filePath) {
  // A hidden input the bench adds to the sender page, to hand it the very same file.
  await sender.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.id = 'bench-raw-file';
    input.hidden = true;
    document.body.append(input);
  });
  await sender.setInputFiles('#bench-raw-file', filePath);
  const setup = /** @param {boolean} offerer */ (offerer) => {
    const w = /** @type {any} */ (window);
    const pc = new RTCPeerConnection();
    const channel = pc.createDataChannel('bench-raw', { negotiated: true, id: 900, ordered: true });
    channel.binaryType = 'arraybuffer';
    w.benchRaw = { pc, channel, candidates: [], offerer };
    pc.onicecandidate = (e) => {
      if (e.candidate) w.benchRaw.candidates.push(e.candidate.toJSON());
    };
  };
  await sender.evaluate(setup, true);
  await receiver.evaluate(setup, false);
  const offer = await sender.evaluate(async () => {
    const { pc } = /** @type {any} */ (window).benchRaw;
    await pc.setLocalDescription();
    return pc.localDescription.toJSON();
  });
  const answer = await receiver.evaluate(async (o) => {
    const { pc } = /** @type {any} */ (window).benchRaw;
    await pc.setRemoteDescription(o);
    await pc.setLocalDescription();
    return pc.localDescription.toJSON();
  }, offer);
  await sender.evaluate(async (a) => /** @type {any} */ (window).benchRaw.pc.setRemoteDescription(a), answer);
  // Trickle what each side gathered until both channels are open.
  for (let i = 0; i < 100; i++) {
    const [fromS, fromR] = await Promise.all([
      sender.evaluate(() => /** @type {any} */ (window).benchRaw.candidates.splice(0)),
      receiver.evaluate(() => /** @type {any} */ (window).benchRaw.candidates.splice(0)),
    ]);
    await receiver.evaluate(async (cs) => {
      for (const c of cs) await /** @type {any} */ (window).benchRaw.pc.addIceCandidate(c);
    }, fromS);
    await sender.evaluate(async (cs) => {
      for (const c of cs) await /** @type {any} */ (window).benchRaw.pc.addIceCandidate(c);
    }, fromR);
    const open = await Promise.all(
      [sender, receiver].map((p) =>
        p.evaluate(() => /** @type {any} */ (window).benchRaw.channel.readyState === 'open'),
      ),
    );
    if (open.every(Boolean)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('raw DataChannel did not open');
}

/**
 * One raw transfer. Returns seconds from the first send to the last byte received, and the SHA-256 of what
 * arrived (computed after the clock stopped).
 * @param {import('playwright').Page} sender
 * @param {import('playwright').Page} receiver
 * @param {(ms: number) => void} [onDone]
 */
export async function runRaw(sender, receiver, onDone) {
  const size = await sender.evaluate(
    () => /** @type {HTMLInputElement} */ (document.getElementById('bench-raw-file')).files?.[0]?.size ?? 0,
  );
  const received = receiver.evaluate(
    (total) =>
      new Promise((resolve) => {
        const { channel } = /** @type {any} */ (window).benchRaw;
        /** @type {ArrayBuffer[]} */
        const parts = [];
        let bytes = 0;
        let first = 0;
        channel.onmessage = (/** @type {MessageEvent<ArrayBuffer>} */ e) => {
          if (bytes === 0) first = performance.now();
          parts.push(e.data);
          bytes += e.data.byteLength;
          if (bytes >= total) {
            channel.onmessage = null;
            /** @type {any} */ (window).benchRawParts = parts;
            resolve({ endedAt: performance.timeOrigin + performance.now(), first });
          }
        };
      }),
    size,
  );
  const startedAt = await sender.evaluate(
    async ({ chunk, highWater }) => {
      const { channel } = /** @type {any} */ (window).benchRaw;
      const file = /** @type {HTMLInputElement} */ (document.getElementById('bench-raw-file')).files?.[0];
      if (!file) throw new Error('no file');
      channel.bufferedAmountLowThreshold = highWater / 2;
      const start = performance.timeOrigin + performance.now();
      const block = 4 * 1024 * 1024;
      for (let at = 0; at < file.size; at += block) {
        const data = new Uint8Array(await file.slice(at, at + block).arrayBuffer());
        for (let o = 0; o < data.byteLength; o += chunk) {
          if (channel.bufferedAmount + chunk > highWater) {
            await new Promise((resolve) => {
              channel.onbufferedamountlow = () => resolve(undefined);
            });
          }
          channel.send(data.slice(o, o + chunk));
        }
      }
      return start;
    },
    { chunk: RAW_CHUNK, highWater: RAW_HIGH_WATER },
  );
  const { endedAt } = /** @type {{ endedAt: number }} */ (await received);
  const seconds = (endedAt - startedAt) / 1000;
  onDone?.(seconds);
  const sha256 = await receiver.evaluate(async () => {
    const w = /** @type {any} */ (window);
    const digest = await crypto.subtle.digest('SHA-256', await new Blob(w.benchRawParts).arrayBuffer());
    w.benchRawParts = undefined;
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
  });
  return { seconds, sha256 };
}
