import { LINK_PROOF_BYTES } from '@kopru/protocol';
import type { DtlsFingerprint } from '../peer/sdp.js';
import { fingerprintKey } from './safety-number.js';

/**
 * The invite-link proof (docs/security.md#invite-link-proof): two browsers that both hold the room's link
 * key — a secret in the invite link's fragment, which browsers never send to a server — prove it to each
 * other, bound to the DTLS fingerprints of the connection between them. A man in the middle terminates DTLS
 * with its own certificates, so each side's pair of fingerprints includes one of its own, and without the
 * key it cannot make the HMAC the other side expects.
 */
export const LINK_PROOF_VERSION = 'KOPRU-LINK-PROOF-1';
/** 128 bits: unguessable, and short enough (22 characters) for a link in a chat message or a QR code. */
export const LINK_KEY_BYTES = 16;
/** What a fragment key may be: base64url of at least LINK_KEY_BYTES (a longer key is fine). */
const LINK_KEY_PATTERN = /^[A-Za-z0-9_-]{22,86}$/;

/**
 * Which end of the pair a side is: `low` for the smaller peer id. Part of the HMAC input, so a proof can
 * only ever be checked as the other side's (a proof sent back to its maker does not verify).
 */
export type LinkProofRole = 'low' | 'high';

/** One side's view of the connection the proof is bound to. */
export interface LinkProofView {
  role: LinkProofRole;
  ownFingerprint: DtlsFingerprint;
  peerFingerprint: DtlsFingerprint;
  ownPeerId: string;
  peerPeerId: string;
}

export const roleOf = (ownPeerId: string, peerPeerId: string): LinkProofRole =>
  ownPeerId < peerPeerId ? 'low' : 'high';

const encoder = new TextEncoder();

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Undefined for anything that is not base64url. */
export function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** A new link key: LINK_KEY_BYTES from the browser's CSPRNG, base64url. */
export function generateLinkKey(
  random: (bytes: Uint8Array) => void = (b) => crypto.getRandomValues(b),
): string {
  const bytes = new Uint8Array(LINK_KEY_BYTES);
  random(bytes);
  return toBase64Url(bytes);
}

export type LinkFragment =
  | { kind: 'none' }
  /** `#new`: the server's redirect to a fresh room; its first visitor makes the key. */
  | { kind: 'new-room' }
  | { kind: 'key'; key: string }
  /** `#k=` with something that is not a key (cut short, mangled by a chat app). */
  | { kind: 'malformed' };

/** Reads a location's fragment (`#k=<key>`, `#new`, or anything else). */
export function parseLinkFragment(hash: string): LinkFragment {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  if (fragment === 'new') return { kind: 'new-room' };
  const params = new URLSearchParams(fragment);
  if (!params.has('k')) return { kind: 'none' };
  const key = params.get('k') ?? '';
  return isLinkKey(key) ? { kind: 'key', key } : { kind: 'malformed' };
}

export function isLinkKey(key: string): boolean {
  return LINK_KEY_PATTERN.test(key) && (fromBase64Url(key)?.length ?? 0) >= LINK_KEY_BYTES;
}

/** The HKDF info: the room id binds a key to its room (the same key in another room proves nothing there). */
export const proofKeyInfo = (roomId: string): string => `${LINK_PROOF_VERSION}|room|${roomId}`;

/** HKDF-SHA-256 (empty salt: the key is already uniformly random) → an HMAC-SHA-256 key, not extractable. */
export async function deriveProofKey(linkKey: string, roomId: string): Promise<CryptoKey> {
  const bytes = fromBase64Url(linkKey);
  if (!bytes || bytes.length < LINK_KEY_BYTES) throw new Error('not a link key');
  const material = await crypto.subtle.importKey('raw', bytes as BufferSource, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: encoder.encode(proofKeyInfo(roomId)) },
    material,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign'],
  );
}

/**
 * The HMAC input: `KOPRU-LINK-PROOF-1 ‖ role ‖ ownFingerprint ‖ peerFingerprint ‖ ownPeerId ‖ peerPeerId`,
 * each field UTF-8 with a 4-byte big-endian length in front, so no two different views encode the same.
 */
export function proofInput(view: LinkProofView): Uint8Array {
  const fields = [
    LINK_PROOF_VERSION,
    view.role,
    fingerprintKey(view.ownFingerprint),
    fingerprintKey(view.peerFingerprint),
    view.ownPeerId,
    view.peerPeerId,
  ].map((field) => encoder.encode(field));
  const out = new Uint8Array(fields.reduce((sum, f) => sum + 4 + f.length, 0));
  const data = new DataView(out.buffer);
  let offset = 0;
  for (const field of fields) {
    data.setUint32(offset, field.length);
    out.set(field, offset + 4);
    offset += 4 + field.length;
  }
  return out;
}

/** Our proof for this connection, as sent in the `link-proof` message. */
export async function computeLinkProof(proofKey: CryptoKey, view: LinkProofView): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', proofKey, proofInput(view) as BufferSource);
  return toBase64Url(new Uint8Array(mac));
}

/** The view the other side has of the same connection: roles, fingerprints and peer ids swapped. */
export const peerView = (view: LinkProofView): LinkProofView => ({
  role: view.role === 'low' ? 'high' : 'low',
  ownFingerprint: view.peerFingerprint,
  peerFingerprint: view.ownFingerprint,
  ownPeerId: view.peerPeerId,
  peerPeerId: view.ownPeerId,
});

/** True when `proof` is what the other side computes for this connection with the same key. */
export async function verifyLinkProof(
  proofKey: CryptoKey,
  ownView: LinkProofView,
  proof: string,
): Promise<boolean> {
  const received = fromBase64Url(proof);
  const expected = fromBase64Url(await computeLinkProof(proofKey, peerView(ownView)));
  if (!received || !expected || received.length !== LINK_PROOF_BYTES) return false;
  return constantTimeEqual(received, expected);
}

/**
 * Compares every byte whatever the first difference, so the time taken says nothing about how much of a
 * forged proof was right.
 */
export function constantTimeEqual(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}
