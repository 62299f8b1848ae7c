import type { ExitCode } from './errors.js';
import type { RoomLink } from './link.js';

export async function runSend(_link: RoomLink, _paths: string[], _opts: unknown): Promise<ExitCode> {
  return 1;
}
export async function runReceive(_link: RoomLink, _opts: unknown): Promise<ExitCode> {
  return 1;
}
