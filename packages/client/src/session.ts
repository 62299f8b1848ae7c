import { isPairingMessage, isTransferMessage, type PairingMessage, type PeerMessage } from '@kopru/protocol';
import type { CallManager } from './call/call-manager.js';
import { type CallOptions, wireCalls } from './call/call-wiring.js';
import { ChatManager } from './chat/chat-manager.js';
import type { ChatStore } from './chat/chat-store.js';
import { awaitsAck } from './chat/outbox.js';
import { isChatFrame, ROOM_CONVERSATION_ID } from './chat/types.js';
import { PeerMesh, type PeerMeshOptions } from './peer/peer-mesh.js';
import type { PeerPairState } from './peer/recovery-ladder.js';
import type { RoomClient } from './room/room-client.js';
import { LinkVerifier } from './security/link-verifier.js';
import type { TransferStorage } from './transfer/storage.js';
import { TransferManager } from './transfer/transfer-manager.js';
import type { SourceHasher, TransferStore } from './transfer/types.js';
import { FILE_CHANNEL } from './transfer/wire.js';
import type { Logger } from './util/seams.js';
import { TypedEmitter, type Unsubscribe } from './util/typed-emitter.js';

export interface SessionEvents {
  /** A new mesh and chat were built (first join, or the server gave us a new peer id). */
  ready: {
    selfPeerId: string;
    chat: ChatManager;
    mesh: PeerMesh;
    transfers: TransferManager | undefined;
    call: CallManager | undefined;
    linkVerifier: LinkVerifier;
  };
  'pair-state': { peerId: string; state: PeerPairState };
  /** A pairing message (`pair-hello`, `pair-forget`) from a peer, for whoever pairs devices (`pairing/`). */
  'pairing-message': { peerId: string; message: PairingMessage };
}

export interface SessionOptions {
  room: RoomClient;
  chatStore: ChatStore;
  /**
   * File transfer: where state is saved, where received files go, how sent files are hashed. Each mesh
   * gets its own storage and hasher from these factories, and closes them with its transfers.
   */
  transfers?: {
    store: TransferStore;
    storage: () => TransferStorage;
    hasher: () => SourceHasher;
    logger?: Logger;
  };
  /** Voice and video calls: the browser's media devices (and the group cap). */
  calls?: CallOptions;
  /** Extra PeerMesh options (WebRTC implementation, timers, logger); tests and the UI pass their own. */
  mesh?: Omit<PeerMeshOptions, 'selfId' | 'iceServers' | 'iceTransportPolicy'>;
  /**
   * Relay-only mode (`relay`) or not, read each time a mesh is built, so that no connection is ever made
   * under the wrong policy (see `PrivacySettings`); later changes go to `PeerMesh.handleTransportPolicy`.
   */
  iceTransportPolicy?: () => RTCIceTransportPolicy;
  /**
   * The room's invite-link key (base64url, from the link's fragment; never sent to the server), read each
   * time a mesh is built; undefined when we came without one. See `LinkVerifier`.
   */
  linkKey?: () => string | undefined;
}

/**
 * How the managers (chat, calls, transfers) reach a peer: a control message (false when the control
 * channel is not open, and then a connection is asked for), and the mesh's other basics. One per mesh,
 * shared by all of them.
 */
export interface PeerTransport {
  send(peerId: string, message: PeerMessage): boolean;
  isOpen(peerId: string): boolean;
  connect(peerId: string): void;
  peersInRoom(): string[];
}

function peerTransport(mesh: PeerMesh, room: RoomClient): PeerTransport {
  return {
    send: (peerId, message) => {
      if (mesh.send(peerId, message)) return true;
      mesh.ensureSession(peerId);
      return false;
    },
    isOpen: (peerId) => mesh.isOpen(peerId),
    connect: (peerId) => mesh.ensureSession(peerId),
    peersInRoom: () => [...room.current.peers.keys()],
  };
}

/**
 * Wires the room (signaling, presence) to the peer mesh (WebRTC) and the chat: the one place that knows
 * all three. Each stays ignorant of the others; this object only forwards events to `handle*()` inputs.
 */
export class KopruSession extends TypedEmitter<SessionEvents> {
  private mesh: PeerMesh | undefined;
  private chat: ChatManager | undefined;
  private transfers: TransferManager | undefined;
  private call: CallManager | undefined;
  private links: LinkVerifier | undefined;
  private selfPeerId: string | undefined;
  private readonly roomOffs: Unsubscribe[] = [];
  private meshOffs: Unsubscribe[] = [];
  private closed = false;

  constructor(private readonly opts: SessionOptions) {
    super();
    const room = opts.room;
    this.roomOffs.push(
      room.signalingClient.on('joined', (reply) => {
        if (reply.self.peerId !== this.selfPeerId) this.build(reply.self.peerId);
        this.mesh?.handleIceServers(reply.iceServers);
      }),
      room.on('state', (state) => this.chat?.handlePresence(state)),
      room.on('signal', ({ from, data }) => this.mesh?.handleSignal(from, data)),
      room.signalingClient.on('signal-failed', ({ to, error }) => this.mesh?.handleSignalFailed(to, error)),
      // Fresh TURN credentials before the old ones expire (`ice:refresh`).
      room.on('ice-servers', (servers) => this.mesh?.handleIceServers(servers)),
      room.on('peer-joined', (peer) => {
        this.mesh?.handlePeerJoined(peer);
        if (this.hasUnacked(peer.peerId) || this.transfers?.peersWithUnfinished().includes(peer.peerId)) {
          this.mesh?.ensureSession(peer.peerId);
        }
      }),
      room.on('peer-resumed', (peer) => this.mesh?.handlePeerResumed(peer.peerId)),
      room.on('peer-left', ({ peerId }) => {
        this.mesh?.handlePeerLeft(peerId);
        this.links?.handlePeerLeft(peerId);
        this.chat?.handlePeerLeft(peerId);
      }),
    );
    // Made after the room joined (a UI that remounts): build for the peer id we already have.
    const self = room.current.self;
    if (self && room.status === 'connected') {
      this.build(self.peerId);
    }
  }

  /** What the last `ready` carried, while there is a mesh (for a listener that subscribes late). */
  get current(): SessionEvents['ready'] | undefined {
    const { selfPeerId, chat, mesh, links } = this;
    if (selfPeerId === undefined || !chat || !mesh || !links) return undefined;
    return { selfPeerId, chat, mesh, transfers: this.transfers, call: this.call, linkVerifier: links };
  }

  get chatManager(): ChatManager | undefined {
    return this.chat;
  }

  get transferManager(): TransferManager | undefined {
    return this.transfers;
  }

  get callManager(): CallManager | undefined {
    return this.call;
  }

  get linkVerifier(): LinkVerifier | undefined {
    return this.links;
  }

  get peerMesh(): PeerMesh | undefined {
    return this.mesh;
  }

  /** Opens the peer connection(s) a conversation needs (one peer, or everyone for the room chat). */
  connectConversation(conversationId: string): void {
    const peers =
      conversationId === ROOM_CONVERSATION_ID ? [...this.opts.room.current.peers.keys()] : [conversationId];
    for (const peerId of peers) this.mesh?.ensureSession(peerId);
  }

  handleOnline(): void {
    this.mesh?.handleOnline();
  }

  handleOffline(): void {
    this.mesh?.handleOffline();
  }

  /**
   * Closes the mesh, chat, calls and transfers and stops listening to the room. Idempotent. The room stays
   * open: it belongs to whoever made it (the page), which may build another session on it.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const off of this.roomOffs.splice(0)) off();
    this.teardown();
    this.removeAllListeners();
  }

  private hasUnacked(peerId: string): boolean {
    const chat = this.chat;
    if (!chat) return false;
    return [peerId, ROOM_CONVERSATION_ID].some((id) =>
      chat.messages(id).some((r) => r.direction === 'out' && awaitsAck(r, peerId)),
    );
  }

  private build(selfPeerId: string): void {
    this.teardown();
    this.selfPeerId = selfPeerId;
    const room = this.opts.room;
    const mesh = new PeerMesh({
      ...this.opts.mesh,
      selfId: selfPeerId,
      iceServers: room.currentIceServers,
      iceTransportPolicy: this.opts.iceTransportPolicy?.() ?? 'all',
    });
    const transport = peerTransport(mesh, room);
    const chat = new ChatManager({
      // History belongs to this identity in this room: two tabs (two peers) in one browser keep theirs apart.
      roomId: `${room.roomId}/${selfPeerId}`,
      selfPeerId,
      store: this.opts.chatStore,
      transport,
    });
    const links = new LinkVerifier({
      roomId: room.roomId,
      selfPeerId,
      linkKey: this.opts.linkKey?.(),
      transport: {
        send: (peerId, message) => mesh.send(peerId, message),
        fingerprints: (peerId) => ({
          local: mesh.localFingerprint(peerId),
          remote: mesh.remoteFingerprint(peerId),
        }),
      },
    });
    const transfers = this.buildTransfers(selfPeerId, mesh, transport, links);
    this.meshOffs = [
      mesh.on('signal', ({ to, data }) => {
        room.signalingClient.signal(to, data);
      }),
      mesh.on('message', ({ peerId, message }) => {
        if (isChatFrame(message)) chat.handleMessage(peerId, message);
        else if (message.type === 'link-proof') links.handleProof(peerId, message);
        else if (isTransferMessage(message)) transfers?.handleMessage(peerId, message);
        else if (isPairingMessage(message)) this.emit('pairing-message', { peerId, message });
      }),
      mesh.on('control-open', ({ peerId }) => {
        // The proof first: it is what a later auto-accepted offer from this peer is held against.
        links.handleControlOpen(peerId);
        chat.handleControlOpen(peerId);
        transfers?.handleControlOpen(peerId);
      }),
      // Not for the link proof: an old connection's channel may close after the new one opened.
      mesh.on('control-closed', ({ peerId }) => transfers?.handleControlClosed(peerId)),
      mesh.on('session', ({ peerId }) => {
        links.handleSession(peerId);
        transfers?.handleSession(peerId);
      }),
      mesh.on('state', (event) => this.emit('pair-state', event)),
    ];
    const calls = this.opts.calls ? wireCalls(mesh, transport, room, selfPeerId, this.opts.calls) : undefined;
    this.meshOffs.push(...(calls?.offs ?? []));
    this.mesh = mesh;
    this.chat = chat;
    this.transfers = transfers;
    this.links = links;
    this.call = calls?.call;
    chat.handlePresence(room.current);
    void chat.load().then(() => {
      // Messages left unacknowledged before a reload go out as soon as their peers are reachable.
      for (const peerId of room.current.peers.keys()) {
        if (this.hasUnacked(peerId)) mesh.ensureSession(peerId);
      }
    });
    void transfers?.load().then(() => {
      // Transfers cut short by a reload continue as soon as their peers are reachable.
      for (const peerId of transfers.peersWithUnfinished()) {
        if (room.current.peers.has(peerId)) mesh.ensureSession(peerId);
      }
    }, console.error);
    this.emit('ready', { selfPeerId, chat, mesh, transfers, call: calls?.call, linkVerifier: links });
  }

  private buildTransfers(
    selfPeerId: string,
    mesh: PeerMesh,
    transport: PeerTransport,
    links: LinkVerifier,
  ): TransferManager | undefined {
    const deps = this.opts.transfers;
    if (!deps) return undefined;
    const room = this.opts.room;
    return new TransferManager({
      ownerKey: `${room.roomId}/${selfPeerId}`,
      selfPeerId,
      store: deps.store,
      storage: deps.storage(),
      hasher: deps.hasher(),
      autoAcceptHeld: (peerId) => links.holdsAutoAccept(peerId),
      ...(deps.logger ? { logger: deps.logger } : {}),
      transport: {
        ...transport,
        openFileChannel: (peerId) => mesh.openDataChannel(peerId, FILE_CHANNEL),
        maxMessageSize: (peerId) => mesh.maxMessageSize(peerId),
      },
    });
  }

  private teardown(): void {
    for (const off of this.meshOffs.splice(0)) off();
    this.call?.close(); // before the mesh: its hang-up still goes out
    this.call = undefined;
    this.transfers?.close();
    this.transfers = undefined;
    this.links?.close();
    this.links = undefined;
    this.chat?.close();
    this.mesh?.close();
    this.chat = undefined;
    this.mesh = undefined;
  }
}
