// @ts-check
/**
 * The ceiling: a plain RTCPeerConnection pair between the same two browser pages, one ordered reliable
 * DataChannel, 64 KiB chunks paced with a 4 MiB high-water mark (as the issue specifies), the file read with
 * `Blob.slice`. The receiver only counts and keeps the chunks (hashed after the clock stops), so it does the
 * least work a receiver can: no disk, no incremental hash, no framing.
 */

export const RAW_CHUNK = 64 * 1024;
export const RAW_HIGH_WATER = 4 * 1024 * 1024;

/**
 * @typedef {object} RawOptions
 * @property {string} [key] the window property holding this connection (several can coexist in one page)
 * @property {RTCConfiguration} [rtcConfig] e.g. TURN servers and `iceTransportPolicy: 'relay'` (relayed arm)
 */

/**
 * @param {import('playwright').Page} sender
 * @param {import('playwright').Page} receiver
 * @param {string} filePath
 * @param {RawOptions} [opts]
 */
export async function connectRaw(sender, receiver, filePath, { key = 'benchRaw', rtcConfig = {} } = {}) {
  // A hidden input the bench adds to the sender page, to hand it the very same file.
  await sender.evaluate((id) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.id = id;
    input.hidden = true;
    document.body.append(input);
  }, `${key}-file`);
  await sender.setInputFiles(`#${key}-file`, filePath);
  const setup = /** @param {{ offerer: boolean, key: string, config: RTCConfiguration }} a */ ({
    offerer,
    key,
    config,
  }) => {
    const w = /** @type {any} */ (window);
    const pc = new RTCPeerConnection(config);
    const channel = pc.createDataChannel('bench-raw', { negotiated: true, id: 900, ordered: true });
    channel.binaryType = 'arraybuffer';
    w[key] = { pc, channel, candidates: [], offerer };
    pc.onicecandidate = (e) => {
      if (e.candidate) w[key].candidates.push(e.candidate.toJSON());
    };
  };
  await sender.evaluate(setup, { offerer: true, key, config: rtcConfig });
  await receiver.evaluate(setup, { offerer: false, key, config: rtcConfig });
  const offer = await sender.evaluate(async (k) => {
    const { pc } = /** @type {any} */ (window)[k];
    await pc.setLocalDescription();
    return pc.localDescription.toJSON();
  }, key);
  const answer = await receiver.evaluate(
    async ({ o, k }) => {
      const { pc } = /** @type {any} */ (window)[k];
      await pc.setRemoteDescription(o);
      await pc.setLocalDescription();
      return pc.localDescription.toJSON();
    },
    { o: offer, k: key },
  );
  await sender.evaluate(async ({ a, k }) => /** @type {any} */ (window)[k].pc.setRemoteDescription(a), {
    a: answer,
    k: key,
  });
  // Trickle what each side gathered until both channels are open.
  for (let i = 0; i < 100; i++) {
    const [fromS, fromR] = await Promise.all([
      sender.evaluate((k) => /** @type {any} */ (window)[k].candidates.splice(0), key),
      receiver.evaluate((k) => /** @type {any} */ (window)[k].candidates.splice(0), key),
    ]);
    await receiver.evaluate(
      async ({ cs, k }) => {
        for (const c of cs) await /** @type {any} */ (window)[k].pc.addIceCandidate(c);
      },
      { cs: fromS, k: key },
    );
    await sender.evaluate(
      async ({ cs, k }) => {
        for (const c of cs) await /** @type {any} */ (window)[k].pc.addIceCandidate(c);
      },
      { cs: fromR, k: key },
    );
    const open = await Promise.all(
      [sender, receiver].map((p) =>
        p.evaluate((k) => /** @type {any} */ (window)[k].channel.readyState === 'open', key),
      ),
    );
    if (open.every(Boolean)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`raw DataChannel ${key} did not open`);
}

/**
 * One raw transfer. Returns seconds from the first send to the last byte received, and the SHA-256 of what
 * arrived (computed after the clock stopped).
 * @param {import('playwright').Page} sender
 * @param {import('playwright').Page} receiver
 * @param {(ms: number) => void} [onDone]
 * @param {{ key?: string }} [opts] the connection made by `connectRaw` with the same key
 */
export async function runRaw(sender, receiver, onDone, { key = 'benchRaw' } = {}) {
  const size = await sender.evaluate(
    (k) => /** @type {HTMLInputElement} */ (document.getElementById(`${k}-file`)).files?.[0]?.size ?? 0,
    key,
  );
  const received = receiver.evaluate(
    ({ total, k }) =>
      new Promise((resolve) => {
        const { channel } = /** @type {any} */ (window)[k];
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
    { total: size, k: key },
  );
  const startedAt = await sender.evaluate(
    async ({ chunk, highWater, k }) => {
      const { channel } = /** @type {any} */ (window)[k];
      const file = /** @type {HTMLInputElement} */ (document.getElementById(`${k}-file`)).files?.[0];
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
    { chunk: RAW_CHUNK, highWater: RAW_HIGH_WATER, k: key },
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
