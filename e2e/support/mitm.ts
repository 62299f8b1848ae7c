import type { Browser, Page, WebSocketRoute } from '@playwright/test';

/**
 * A real man in the middle, for tests only: what a lying signaling server can do. Each victim's socket.io
 * WebSocket is intercepted (Playwright `routeWebSocket`) and, while `active`, the victim's `signal` events
 * go to a relay page instead of the other victim. The relay page holds one RTCPeerConnection per victim, so
 * DTLS is terminated twice, with the relay's own certificates; it impersonates each victim to the other in
 * the signaling and forwards the `control` and `file` DataChannel messages between its two connections.
 * Chat, file offers and the link proofs all pass — or, with `dropProofs`, the proofs do not.
 */

type Face = 'A' | 'B';
type SignalData = { kind: string; epoch: number; [key: string]: unknown };

export interface ManInTheMiddle {
  /** While false, everything passes untouched (the victims talk directly). */
  active: boolean;
  /** Installs the interception on a victim's page before it loads the app. */
  intercept(page: Page, face: Face): Promise<void>;
  /** Forward the `link-proof` messages (false: drop them, as a cleverer intercepter would). */
  setDropProofs(drop: boolean): Promise<void>;
  /** Proofs dropped so far. */
  droppedProofs(): Promise<number>;
  /** Control frames forwarded so far (proof the relay carries the conversation). */
  forwardedFrames(): Promise<number>;
  /** Closes the relay's connections (the victims' next connections go direct). */
  closeRelay(): Promise<void>;
}

/** socket.io over engine.io: an event is `42` then a JSON array `[name, payload]` (no ack id on signals). */
function parseEvent(frame: string | Buffer): { name: string; payload: Record<string, unknown> } | undefined {
  if (typeof frame !== 'string' || !frame.startsWith('42[')) return undefined;
  try {
    const [name, payload] = JSON.parse(frame.slice(2)) as [string, Record<string, unknown>];
    return { name, payload };
  } catch {
    return undefined;
  }
}

/** The join reply (an ack frame) names the joiner: `"self":{…"peerId":"…"`. */
const JOIN_SELF = /"self":\{[^{}]*?"peerId":"([A-Za-z0-9_-]+)"/;

export async function startManInTheMiddle(browser: Browser): Promise<ManInTheMiddle> {
  const relayPage = await (await browser.newContext()).newPage();
  const sockets = new Map<Face, WebSocketRoute>();
  /** Each victim's own peer id, read from the server's answer to its join. */
  const selfIds = new Map<Face, string>();
  const other = (face: Face): Face => (face === 'A' ? 'B' : 'A');

  const deliverToVictim = (face: Face, data: SignalData) => {
    const socket = sockets.get(face);
    // The relay speaks to victim `face` as the other victim.
    const from = selfIds.get(other(face));
    if (!socket || !from) return;
    socket.send(`42${JSON.stringify(['signal', { from, data }])}`);
  };
  await relayPage.exposeFunction('relayOut', (face: Face, data: SignalData) => deliverToVictim(face, data));
  await relayPage.evaluate(installRelay);

  const mitm: ManInTheMiddle = {
    active: true,
    async intercept(page, face) {
      // One WebSocket per victim, its room's: a room page that is "Visible to nearby devices" opens a second
      // one for Nearby, which would take the room's place here.
      await page.addInitScript(() => localStorage.setItem('kopru:nearby-visible', 'off'));
      await page.routeWebSocket(/\/socket\.io\//, (ws) => {
        const server = ws.connectToServer();
        sockets.set(face, ws);
        ws.onMessage((frame) => {
          const event = parseEvent(frame);
          if (mitm.active && event?.name === 'signal') {
            void relayPage
              .evaluate(([f, data]) => (window as unknown as RelayWindow).relayIn(f, data), [
                face,
                event.payload.data as SignalData,
              ] as const)
              // The relay page is gone once the test ends; a victim's last frames have nowhere to go then.
              .catch(() => {});
            return;
          }
          server.send(frame);
        });
        server.onMessage((frame) => {
          const self = typeof frame === 'string' ? JOIN_SELF.exec(frame) : null;
          if (self?.[1]) selfIds.set(face, self[1]);
          ws.send(frame);
        });
      });
    },
    setDropProofs: (drop) =>
      relayPage.evaluate((d) => {
        (window as unknown as RelayWindow).relayState.dropProofs = d;
      }, drop),
    droppedProofs: () => relayPage.evaluate(() => (window as unknown as RelayWindow).relayState.dropped),
    forwardedFrames: () => relayPage.evaluate(() => (window as unknown as RelayWindow).relayState.forwarded),
    closeRelay: () => relayPage.evaluate(() => (window as unknown as RelayWindow).relayClose()),
  };
  return mitm;
}

interface RelayWindow {
  relayIn(face: Face, data: SignalData): Promise<void>;
  relayOut(face: Face, data: SignalData): Promise<void>;
  relayClose(): void;
  relayState: { dropProofs: boolean; dropped: number; forwarded: number };
}

/** Runs in the relay page: two faces, each a full WebRTC peer of one victim, piping channels between them. */
function installRelay(): void {
  type RFace = 'A' | 'B';
  type Data = {
    kind: string;
    epoch: number;
    description?: RTCSessionDescriptionInit;
    candidate?: RTCIceCandidateInit | null;
  };
  const w = window as unknown as RelayWindow;
  const state = { dropProofs: false, dropped: 0, forwarded: 0 };
  w.relayState = state;
  // The app's pre-negotiated channels (packages/client/src/peer/data-channels.ts, transfer/peer-link.ts).
  const CHANNELS = [
    { id: 0, label: 'control' },
    { id: 1, label: 'file' },
  ];
  const otherFace = (face: RFace): RFace => (face === 'A' ? 'B' : 'A');
  const faces = new Map<
    RFace,
    { pc: RTCPeerConnection; epoch: number; channels: Map<number, RTCDataChannel> }
  >();
  /** Frames for a face whose channel is not open yet. */
  const backlog = new Map<string, (string | ArrayBuffer)[]>();
  /**
   * The last link proof each face sent. A victim's mesh may rebuild its connection to the relay after the
   * proof from the other side was forwarded on the old one (both victims react to the reload at once); the
   * other victim's connection did not change, so it will not send its proof again. A relay that wants to be
   * caught as surely as a real one forwards it again on the new connection.
   */
  const lastProof = new Map<RFace, string>();

  const deliver = (face: RFace, id: number, data: string | ArrayBuffer) => {
    const channel = faces.get(face)?.channels.get(id);
    if (channel?.readyState === 'open') channel.send(data as string);
    else {
      const key = `${face}/${id}`;
      backlog.set(key, [...(backlog.get(key) ?? []), data]);
    }
  };

  const makeFace = (face: RFace, epoch: number) => {
    const previous = faces.get(face);
    previous?.pc.close();
    const proof = lastProof.get(otherFace(face));
    if (previous && proof) backlog.set(`${face}/0`, [proof, ...(backlog.get(`${face}/0`) ?? [])]);
    const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
    const channels = new Map<number, RTCDataChannel>();
    for (const spec of CHANNELS) {
      const channel = pc.createDataChannel(spec.label, { negotiated: true, id: spec.id, ordered: true });
      channel.binaryType = 'arraybuffer';
      channel.onopen = () => {
        const key = `${face}/${spec.id}`;
        for (const data of backlog.get(key) ?? []) channel.send(data as string);
        backlog.delete(key);
      };
      channel.onmessage = (event: MessageEvent) => {
        const data = event.data as string | ArrayBuffer;
        if (spec.id === 0 && typeof data === 'string' && data.includes('"type":"link-proof"')) {
          if (state.dropProofs) {
            state.dropped += 1;
            return;
          }
          lastProof.set(face, data);
        }
        if (spec.id === 0) state.forwarded += 1;
        deliver(otherFace(face), spec.id, data);
      };
      channels.set(spec.id, channel);
    }
    pc.onicecandidate = (event) => {
      void w.relayOut(face, {
        kind: 'candidate',
        epoch,
        candidate: event.candidate ? event.candidate.toJSON() : null,
      });
    };
    const entry = { pc, epoch, channels };
    faces.set(face, entry);
    return entry;
  };

  /** Offers to a victim as the other one (a peer that follows a rebuild offers at once). */
  const offerTo = async (face: RFace, epoch: number) => {
    const { pc } = makeFace(face, epoch);
    await pc.setLocalDescription();
    await w.relayOut(face, { kind: 'description', epoch, description: pc.localDescription?.toJSON() });
  };

  w.relayIn = async (face: RFace, data: Data) => {
    const current = faces.get(face);
    if (data.kind === 'reset') {
      // The victim rebuilt and holds its offer: follow it at its epoch, as the real peer would.
      if (current) await offerTo(face, data.epoch);
      return;
    }
    if (data.kind === 'description' && data.description?.type === 'offer') {
      const entry = current && current.epoch === data.epoch ? current : makeFace(face, data.epoch);
      await entry.pc.setRemoteDescription(data.description);
      await entry.pc.setLocalDescription();
      await w.relayOut(face, {
        kind: 'description',
        epoch: data.epoch,
        description: entry.pc.localDescription?.toJSON(),
      });
      // Reach the other victim too, if we have not yet: as if this one had called it.
      if (!faces.has(otherFace(face))) await offerTo(otherFace(face), data.epoch);
      return;
    }
    if (!current || current.epoch !== data.epoch) return;
    if (data.kind === 'description' && data.description?.type === 'answer') {
      await current.pc.setRemoteDescription(data.description).catch(() => {});
    } else if (data.kind === 'candidate' && data.candidate) {
      await current.pc.addIceCandidate(data.candidate).catch(() => {});
    }
  };

  w.relayClose = () => {
    for (const { pc } of faces.values()) pc.close();
    faces.clear();
    backlog.clear();
    lastProof.clear();
  };
}
