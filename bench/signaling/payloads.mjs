// @ts-check
/**
 * What the simulated clients relay: the same mix a WebRTC connection set-up produces. Per pair and
 * direction, one description (offer or answer) and about eight ICE candidates were counted in Chromium
 * with audio, video and a data channel, hence 1 description in 10 relays. An SDP for that is 4–6 KB;
 * we use 4 KB, a candidate ~150 bytes.
 */
export const DESCRIPTION_SHARE = 0.1;
const SDP_BYTES = 4_096;

const sdpFiller = (() => {
  const lines = ['v=0', 'o=- 4611731400430051336 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0 1 2'];
  let text = lines.join('\r\n');
  for (let i = 0; text.length < SDP_BYTES; i++) {
    text += `\r\na=candidate-filler:${i} the rest of a real SDP: codecs, extensions, fingerprints`;
  }
  return text.slice(0, SDP_BYTES);
})();

const CANDIDATE =
  'candidate:842163049 1 udp 1677729535 198.18.0.1 54321 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag abcd network-cost 999';

/**
 * A Köprü `signal` payload. The sequence number rides in `epoch` (an integer the server passes through
 * untouched), so the receiver can match it to the send time.
 * @param {number} seq
 * @param {number} roll a number in [0, 1) choosing the kind
 */
export function kopruSignal(seq, roll) {
  if (roll < DESCRIPTION_SHARE / 2) {
    return { kind: 'description', epoch: seq, description: { type: 'offer', sdp: sdpFiller } };
  }
  if (roll < DESCRIPTION_SHARE) {
    return { kind: 'description', epoch: seq, description: { type: 'answer', sdp: sdpFiller } };
  }
  return {
    kind: 'candidate',
    epoch: seq,
    candidate: { candidate: CANDIDATE, sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'abcd' },
  };
}

/**
 * The same relay through PeerJS's server: OFFER / ANSWER / CANDIDATE messages between two ids, payload
 * shaped like PeerJS's own client sends.
 * @param {number} seq
 * @param {number} roll
 * @param {string} dst
 */
export function peerjsMessage(seq, roll, dst) {
  if (roll < DESCRIPTION_SHARE / 2) {
    return { type: 'OFFER', dst, payload: { sdp: { type: 'offer', sdp: sdpFiller }, type: 'data', seq } };
  }
  if (roll < DESCRIPTION_SHARE) {
    return { type: 'ANSWER', dst, payload: { sdp: { type: 'answer', sdp: sdpFiller }, type: 'data', seq } };
  }
  return {
    type: 'CANDIDATE',
    dst,
    payload: { candidate: { candidate: CANDIDATE, sdpMid: '0', sdpMLineIndex: 0 }, type: 'data', seq },
  };
}
