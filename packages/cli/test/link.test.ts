import { describe, expect, it } from 'vitest';
import { CliError, EXIT } from '../src/errors.js';
import { parseRoomLink, parseServer } from '../src/link.js';
import { nativeIceServers } from '../src/node-peer-connection.js';

const usage = (fn: () => unknown): CliError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof CliError) return error;
  }
  throw new Error('expected a CliError');
};

describe('room links', () => {
  it('reads the link the browser shows, with or without a trailing slash, query or fragment', () => {
    for (const link of [
      'https://kopru.example/r/Ab3xYz9Q_-12',
      'https://kopru.example/r/Ab3xYz9Q_-12/',
      'https://kopru.example/r/Ab3xYz9Q_-12?x=1#k',
    ]) {
      const parsed = parseRoomLink(link);
      expect(parsed.roomId).toBe('Ab3xYz9Q_-12');
      expect(parsed.server.origin).toBe('https://kopru.example');
      expect(parsed.href).toBe('https://kopru.example/r/Ab3xYz9Q_-12');
    }
  });

  it('keeps a port, and --server overrides the link (or stands beside a bare room id)', () => {
    expect(parseRoomLink('https://127.0.0.1:8443/r/abcdefgh').server.origin).toBe('https://127.0.0.1:8443');
    expect(parseRoomLink('https://a.example/r/abcdefgh', 'http://b.example:3000/x').href).toBe(
      'http://b.example:3000/r/abcdefgh',
    );
    expect(parseRoomLink('abcdefgh', 'b.example').href).toBe('https://b.example/r/abcdefgh');
  });

  it('refuses what is not a room link with a usage error (exit 2) that says what was expected', () => {
    for (const link of [
      'abcdefgh',
      'https://kopru.example/',
      'https://kopru.example/x/abcdefgh',
      'ftp://a/r/abcdefgh',
      'https://kopru.example/r/a b c d e',
    ]) {
      const error = usage(() => parseRoomLink(link));
      expect(error.exitCode).toBe(EXIT.usage);
      expect(error.message).toMatch(/not a Köprü room link/);
    }
    expect(usage(() => parseServer('ftp://x')).message).toMatch(/not an http\(s\) address/);
  });
});

describe('ICE servers for libdatachannel', () => {
  it('keeps TURN credentials out of the URL (REST usernames hold a colon) and maps the transport', () => {
    expect(
      nativeIceServers([
        {
          urls: ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp'],
          username: '1700000000:ab',
          credential: 'c/d+=',
        },
        { urls: 'turns:turn.example:5349', username: 'u', credential: 'p' },
        { urls: 'stun:stun.example' },
        { urls: 'turn:no-credentials.example' },
      ]),
    ).toEqual([
      {
        hostname: '127.0.0.1',
        port: 3478,
        username: '1700000000:ab',
        password: 'c/d+=',
        relayType: 'TurnUdp',
      },
      {
        hostname: '127.0.0.1',
        port: 3478,
        username: '1700000000:ab',
        password: 'c/d+=',
        relayType: 'TurnTcp',
      },
      { hostname: 'turn.example', port: 5349, username: 'u', password: 'p', relayType: 'TurnTls' },
      'stun:stun.example:3478',
    ]);
  });
});
