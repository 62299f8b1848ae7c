import { useEffect, useState } from 'react';

/** How often the local meter reads the analyser: matches the remote levels (`LEVEL_INTERVAL_MS`, 200 ms). */
const METER_INTERVAL_MS = 200;

/**
 * Our own microphone level (0–1, RMS of the waveform), for the local speaking indicator. Remote levels
 * come from the RTP receivers instead (`CallManager` 'levels'), which needs no audio graph per peer.
 */
export function useLocalAudioLevel(track: MediaStreamTrack | undefined, active: boolean): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!track || !active || !window.AudioContext) {
      setLevel(0);
      return;
    }
    const ctx = new AudioContext();
    const source = ctx.createMediaStreamSource(new MediaStream([track]));
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const timer = window.setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      setLevel(Math.min(1, Math.sqrt(sum / samples.length)));
    }, METER_INTERVAL_MS);
    void ctx.resume().catch(() => {});
    return () => {
      window.clearInterval(timer);
      source.disconnect();
      void ctx.close().catch(() => {});
    };
  }, [track, active]);
  return level;
}

/**
 * Above this level a person counts as speaking. RTP audio levels are linear 0–1 (RFC 6464 dBov mapped);
 * speech at a normal distance sits around 0.05–0.3 and room noise under 0.02.
 */
export const SPEAKING_LEVEL = 0.03;
