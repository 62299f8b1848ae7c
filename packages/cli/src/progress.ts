import type { TransferView } from '@kopru/client';
import cliProgress from 'cli-progress';
import { formatBytes, type Output } from './output.js';

/** `--json` progress lines at most this often (a script wants a steady trickle, not every frame). */
const JSON_PROGRESS_INTERVAL_MS = 500;

const formatSeconds = (seconds: number | undefined): string => {
  if (seconds === undefined || !Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/**
 * Shows one transfer: in a terminal, a bar for the batch and one for the file moving now, each with speed
 * and time left (cli-progress); with `--json`, `progress` lines; with neither, nothing until it ends.
 */
export class TransferProgress {
  private bars: cliProgress.MultiBar | undefined;
  private total: cliProgress.SingleBar | undefined;
  private current: cliProgress.SingleBar | undefined;
  private lastJson = 0;

  constructor(private readonly out: Output) {}

  update(view: TransferView): void {
    const moving =
      view.files.find((f) => f.state === 'moving') ?? view.files.find((f) => f.state === 'waiting');
    if (this.out.mode.json) {
      const now = Date.now();
      if (now - this.lastJson < JSON_PROGRESS_INTERVAL_MS && view.doneBytes < view.totalBytes) return;
      this.lastJson = now;
      this.out.event('progress', {
        transferId: view.id,
        status: view.status,
        doneBytes: view.doneBytes,
        totalBytes: view.totalBytes,
        bytesPerSecond: Math.round(view.bytesPerSecond),
        secondsLeft: view.secondsLeft ?? null,
        file: moving?.path ?? null,
        peerConnected: view.peerConnected,
      });
      return;
    }
    if (!this.out.interactive || view.status !== 'active') return;
    if (!this.bars) {
      this.bars = new cliProgress.MultiBar(
        {
          format: ' {label} {bar} {percentage}% | {done}/{size} | {speed} | {eta}',
          barCompleteChar: '█',
          barIncompleteChar: '░',
          hideCursor: true,
          clearOnComplete: false,
          stream: process.stderr,
          fps: 8,
        },
        cliProgress.Presets.shades_classic,
      );
      this.total = this.bars.create(view.totalBytes || 1, 0);
      if (view.files.length > 1) this.current = this.bars.create(1, 0);
    }
    const speed = view.peerConnected ? `${formatBytes(view.bytesPerSecond)}/s` : 'waiting for the connection';
    this.total?.setTotal(view.totalBytes || 1);
    this.total?.update(view.doneBytes, {
      label: 'total'.padEnd(24),
      done: formatBytes(view.doneBytes),
      size: formatBytes(view.totalBytes),
      speed,
      eta: formatSeconds(view.secondsLeft),
    });
    if (this.current && moving) {
      this.current.setTotal(moving.size || 1);
      this.current.update(moving.bytes, {
        label: truncate(moving.path, 24),
        done: formatBytes(moving.bytes),
        size: formatBytes(moving.size),
        speed: '',
        eta: '',
      });
    }
  }

  stop(): void {
    this.bars?.stop();
    this.bars = undefined;
  }
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : `…${text.slice(text.length - width + 1)}`;
}
