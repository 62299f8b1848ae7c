import { createHash } from 'node:crypto';

/** The one thing the presence store needs from a Redis client (node-redis's `sendCommand` has this shape). */
export interface RedisCommander {
  sendCommand(args: string[]): Promise<unknown>;
}

/**
 * Runs a Lua script by its SHA-1 (EVALSHA sends 40 bytes instead of the script on every call) and falls
 * back to EVAL when Redis does not know it yet: after a Redis restart its script cache is empty.
 */
export class LuaScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: RedisCommander, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await redis.sendCommand(['EVALSHA', this.sha, ...tail]);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.sendCommand(['EVAL', this.source, ...tail]);
    }
  }
}

/** Narrows a Redis array reply of bulk strings; anything else means the script and this code disagree. */
export function stringArray(reply: unknown, what: string): string[] {
  if (!Array.isArray(reply) || !reply.every((item) => typeof item === 'string')) {
    throw new Error(`unexpected Redis reply for ${what}: ${JSON.stringify(reply)}`);
  }
  return reply;
}
