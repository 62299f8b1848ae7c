import { describe, expect, it } from 'vitest';
import { type Config, ConfigError, loadConfig } from '../../src/config.js';
import { securityDeps } from '../../src/security/from-config.js';
import { TAMPER_ACKNOWLEDGEMENT } from '../../src/security/test-only-sdp-tamper.js';
import { FakeClock } from '../support/harness.js';

const SECRET = 'a-turn-secret-of-some-length';
const load = (env: Record<string, string>): Config => loadConfig({ TLS: 'off', ...env }, '/srv/kopru');

function refusal(env: Record<string, string>): ConfigError {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  return expect.fail(`accepted ${JSON.stringify(env)}`);
}

describe('ICE, relay and hardening settings', () => {
  it('default to no STUN, no TURN, relay-only off, same-origin only, a one-hour credential lifetime', () => {
    const config = load({});
    expect(config.STUN_URLS).toBeUndefined();
    expect(config.TURN_URLS).toBeUndefined();
    expect(config.TURN_TTL).toBe(3600);
    expect(config.RELAY_ONLY).toBe(false);
    expect(config.ALLOWED_ORIGINS).toBeUndefined();
    expect(config.MAX_CONNECTIONS_PER_IP).toBe(100);
    expect(config.TEST_ONLY_TAMPER_SDP_FINGERPRINTS).toBeUndefined();
    const deps = securityDeps(config, new FakeClock());
    expect(deps.iceServers('A1ice0000000000000000a')).toEqual([]);
    expect(deps.iceServersTtl).toBeUndefined();
    expect(deps.testOnlyTamperSdp).toBe(false);
  });

  it('read TURN and STUN URL lists (UDP and TCP, turns:) and hand out credentials for them', () => {
    const config = load({
      STUN_URLS: 'stun:stun.example.org:3478',
      TURN_URLS:
        'turn:turn.example.org:3478?transport=udp, turn:turn.example.org:3478?transport=tcp,turns:turn.example.org:5349?transport=tcp',
      TURN_SECRET: SECRET,
      TURN_TTL: '600',
      RELAY_ONLY: 'on',
    });
    expect(config.TURN_URLS).toHaveLength(3);
    const deps = securityDeps(config, new FakeClock(1_000_000_000));
    const [stun, turn] = deps.iceServers('A1ice0000000000000000a');
    expect(stun).toEqual({ urls: ['stun:stun.example.org:3478'] });
    expect(turn?.urls).toEqual(config.TURN_URLS);
    expect(turn?.username).toBe(`${1_000_000 + 600}:A1ice0000000000000000a`);
    expect(deps.iceServersTtl).toBe(600);
    expect(deps.relayOnlyDefault).toBe(true);
  });

  it.each([
    [{ TURN_URLS: 'http://turn.example.org', TURN_SECRET: SECRET }, 'TURN_URLS'],
    [{ TURN_URLS: 'turn:turn.example.org?transport=sctp', TURN_SECRET: SECRET }, 'TURN_URLS'],
    [{ TURN_URLS: ',', TURN_SECRET: SECRET }, 'TURN_URLS'],
    [{ TURN_URLS: 'turn:turn.example.org' }, 'TURN_SECRET'],
    [{ TURN_SECRET: SECRET }, 'TURN_URLS'],
    [{ TURN_URLS: 'turn:t.example.org', TURN_SECRET: 'short' }, 'TURN_SECRET'],
    [{ TURN_URLS: 'turn:t.example.org', TURN_SECRET: SECRET, TURN_TTL: '0' }, 'TURN_TTL'],
    [{ TURN_URLS: 'turn:t.example.org', TURN_SECRET: SECRET, TURN_TTL: '59' }, 'TURN_TTL'],
    [{ STUN_URLS: 'stun.example.org' }, 'STUN_URLS'],
    [{ RELAY_ONLY: 'on' }, 'RELAY_ONLY'],
    [{ ALLOWED_ORIGINS: 'example.org' }, 'ALLOWED_ORIGINS'],
    [{ ALLOWED_ORIGINS: 'https://example.org/path' }, 'ALLOWED_ORIGINS'],
    [{ MAX_CONNECTIONS_PER_IP: '0' }, 'MAX_CONNECTIONS_PER_IP'],
  ])('refuses %j, naming %s', (env, setting) => {
    expect(refusal(env).setting).toBe(setting);
  });

  it('never echoes the TURN secret in an error', () => {
    const error = refusal({ TURN_URLS: 'turn:t.example.org', TURN_SECRET: 'tiny-secret' });
    expect(error.message).not.toContain('tiny-secret');
  });

  it('keep the test-only SDP tamper unreachable by accident', () => {
    for (const value of ['on', 'true', '1', 'yes']) {
      expect(refusal({ TEST_ONLY_TAMPER_SDP_FINGERPRINTS: value }).setting).toBe(
        'TEST_ONLY_TAMPER_SDP_FINGERPRINTS',
      );
    }
    expect(
      refusal({ TEST_ONLY_TAMPER_SDP_FINGERPRINTS: TAMPER_ACKNOWLEDGEMENT, NODE_ENV: 'production' }).setting,
    ).toBe('TEST_ONLY_TAMPER_SDP_FINGERPRINTS');
    const config = load({ TEST_ONLY_TAMPER_SDP_FINGERPRINTS: TAMPER_ACKNOWLEDGEMENT });
    expect(securityDeps(config, new FakeClock()).testOnlyTamperSdp).toBe(true);
  });
});
