// @ts-check
/**
 * In-page instrumentation for the call benchmark (init scripts: they run before the app). Times are
 * epoch milliseconds at sub-millisecond resolution (`performance.timeOrigin + performance.now()`), so the
 * two browser processes on this machine share one clock.
 */

/**
 * Records, in `window.__callBench`: when "Video call" was pressed (caller), and when the first remote
 * video frame was presented (`requestVideoFrameCallback` on every <video> outside our own "You" tile).
 * With `autoAccept`, presses "Accept" the moment the incoming-call dialog shows it (the callee).
 * @param {{ autoAccept: boolean }} options
 */
export function instrumentCallPage(options) {
  const now = () => performance.timeOrigin + performance.now();
  /** @type {{ pressedAt?: number, acceptedAt?: number, firstFrameAt?: number }} */
  const bench = {};
  Object.assign(window, { __callBench: bench });
  document.addEventListener(
    'click',
    (event) => {
      const button = /** @type {Element | null} */ (event.target)?.closest?.('button');
      if (button?.textContent?.trim() === 'Video call') bench.pressedAt ??= now();
    },
    true,
  );
  /** @type {WeakSet<HTMLVideoElement>} */
  const watched = new WeakSet();
  const watch = () => {
    for (const video of document.querySelectorAll('video')) {
      if (watched.has(video) || video.closest('figure')?.getAttribute('aria-label') === 'You') continue;
      watched.add(video);
      video.requestVideoFrameCallback(() => {
        bench.firstFrameAt ??= now();
      });
    }
    if (!options.autoAccept || bench.acceptedAt) return;
    const accept = [...document.querySelectorAll('dialog[open] button')].find(
      (b) => b.textContent?.trim() === 'Accept',
    );
    if (accept instanceof HTMLButtonElement) {
      bench.acceptedAt = now();
      accept.click();
    }
  };
  new MutationObserver(watch).observe(document, { subtree: true, childList: true, attributes: true });
}

/**
 * The baseline's page side: a bare RTCPeerConnection with the same fake camera and microphone, signaling
 * through the bench process (`window.__relay(message)`), first remote frame timed the same way.
 */
export function installBaseline() {
  const now = () => performance.timeOrigin + performance.now();
  /** @type {{ firstFrameAt?: number }} */
  const result = {};
  /** @type {RTCPeerConnection | undefined} */
  let pc;
  /** Relayed messages are applied one at a time, in order (like the app's perfect negotiation). */
  let queue = Promise.resolve();
  /** @param {unknown} message */
  const relay = (message) => /** @type {any} */ (window).__relay(message);

  const setup = async () => {
    const peer = new RTCPeerConnection();
    pc = peer;
    peer.onicecandidate = (e) => relay({ candidate: e.candidate?.toJSON() ?? null });
    peer.ontrack = (e) => {
      if (e.track.kind !== 'video') return;
      const video = document.createElement('video');
      video.muted = true;
      video.srcObject = new MediaStream([e.track]);
      document.body.append(video);
      video.requestVideoFrameCallback(() => {
        result.firstFrameAt ??= now();
      });
      void video.play();
    };
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    for (const track of stream.getTracks()) peer.addTrack(track, stream);
    return peer;
  };

  Object.assign(window, {
    __baseline: {
      result,
      /** The caller: camera, microphone, offer. */
      async call() {
        const peer = await setup();
        await peer.setLocalDescription();
        relay({ description: peer.localDescription?.toJSON() });
      },
      /** @param {{ description?: RTCSessionDescriptionInit, candidate?: RTCIceCandidateInit | null }} message */
      receive(message) {
        queue = queue.then(() => apply(message));
        return queue;
      },
      close() {
        for (const sender of pc?.getSenders() ?? []) sender.track?.stop();
        pc?.close();
      },
    },
  });

  /** @param {{ description?: RTCSessionDescriptionInit, candidate?: RTCIceCandidateInit | null }} message */
  async function apply(message) {
    const peer = pc ?? (await setup());
    if (message.description) {
      await peer.setRemoteDescription(message.description);
      if (message.description.type === 'offer') {
        await peer.setLocalDescription();
        relay({ description: peer.localDescription?.toJSON() });
      }
    } else if (message.candidate !== undefined) {
      await peer.addIceCandidate(message.candidate ?? undefined).catch(() => {});
    }
  }
}
