/**
 * Ring tones generated with WebAudio, so no audio files are shipped: the callee hears a ring, the caller
 * a ring-back tone. Browsers start an AudioContext suspended until the page had a user gesture; the tone
 * then stays silent, which is harmless (the dialog and the notification still show the call).
 */

export type RingKind = 'incoming' | 'outgoing';

interface Pattern {
  /** Two frequencies mixed (Hz), like a phone's dual tone. */
  readonly tones: readonly [number, number];
  /** On/off bursts within one cycle (seconds), then silence until `period`. */
  readonly bursts: readonly (readonly [start: number, length: number])[];
  readonly period: number;
}

/** Incoming: two short bursts every 3 s (a "brrr-brrr" that reads as a ringing phone). */
const INCOMING: Pattern = {
  tones: [440, 480],
  bursts: [
    [0, 0.4],
    [0.6, 0.4],
  ],
  period: 3,
};

/** Outgoing: the European ring-back, 425 Hz for 1 s every 4 s (ITU-T E.180). */
const OUTGOING: Pattern = { tones: [425, 425], bursts: [[0, 1]], period: 4 };

/** Quiet: a ring should be noticed, not startle; 0.15 of full scale per tone. */
const VOLUME = 0.15;

/** Starts the tone; the returned function stops it and releases the audio device. */
export function startRing(kind: RingKind): () => void {
  const AudioContextClass = window.AudioContext;
  if (!AudioContextClass) return () => {};
  const ctx = new AudioContextClass();
  const pattern = kind === 'incoming' ? INCOMING : OUTGOING;
  const gain = ctx.createGain();
  gain.gain.value = 0;
  gain.connect(ctx.destination);
  const oscillators = pattern.tones.map((frequency) => {
    const osc = ctx.createOscillator();
    osc.frequency.value = frequency;
    osc.connect(gain);
    osc.start();
    return osc;
  });
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    const at = ctx.currentTime + 0.05;
    for (const [start, length] of pattern.bursts) {
      // Short ramps instead of hard switches: no clicks.
      gain.gain.setValueAtTime(0, at + start);
      gain.gain.linearRampToValueAtTime(VOLUME, at + start + 0.02);
      gain.gain.setValueAtTime(VOLUME, at + start + length - 0.02);
      gain.gain.linearRampToValueAtTime(0, at + start + length);
    }
  };
  schedule();
  const timer = window.setInterval(schedule, pattern.period * 1000);
  void ctx.resume().catch(() => {});
  return () => {
    if (stopped) return;
    stopped = true;
    window.clearInterval(timer);
    for (const osc of oscillators) osc.stop();
    void ctx.close().catch(() => {});
  };
}
