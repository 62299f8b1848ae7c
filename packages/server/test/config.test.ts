import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const CWD = '/srv/kopru';

/** The ConfigError `loadConfig` throws for `env`; fails the test if it does not throw one. */
function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env, CWD);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  return expect.fail(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('has working defaults for an empty environment', () => {
    const config = loadConfig({}, CWD);

    expect(config).toMatchObject({
      HOST: '0.0.0.0',
      PORT: 8443,
      TLS: true,
      DATA_DIR: '.data',
      ROOM_CAPACITY: 32,
      SESSION_TTL: 24 * 3600,
      LOG_LEVEL: 'info',
      dataDir: path.join(CWD, '.data'),
    });
    expect(config.TLS_CERT).toBeUndefined();
    expect(config.TLS_KEY).toBeUndefined();
    expect(config.SESSION_SECRET).toBeUndefined();
    expect(config.TRUST_PROXY).toBeUndefined();
  });

  it('has Nearby on with the 50 most recent devices, and reads NEARBY and NEARBY_MAX', () => {
    expect(loadConfig({}, CWD)).toMatchObject({ NEARBY: true, NEARBY_MAX: 50 });
    expect(loadConfig({ NEARBY: 'off', NEARBY_MAX: '7' }, CWD)).toMatchObject({
      NEARBY: false,
      NEARBY_MAX: 7,
    });
    expect(configError({ NEARBY: 'maybe' }).setting).toBe('NEARBY');
    expect(configError({ NEARBY_MAX: '0' }).setting).toBe('NEARBY_MAX');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', TLS: '', HOST: '' }, CWD)).toMatchObject({
      PORT: 8443,
      TLS: true,
      HOST: '0.0.0.0',
    });
  });

  it('reads every setting it is given', () => {
    const config = loadConfig(
      {
        HOST: '127.0.0.1',
        PORT: '0',
        TLS: 'off',
        TRUST_PROXY: 'loopback',
        DATA_DIR: '/var/lib/kopru',
        ROOM_CAPACITY: '2',
        SESSION_TTL: '3600',
        SESSION_SECRET: 's'.repeat(32),
        LOG_LEVEL: 'silent',
      },
      CWD,
    );

    expect(config).toMatchObject({
      HOST: '127.0.0.1',
      PORT: 0,
      TLS: false,
      TRUST_PROXY: 'loopback',
      dataDir: '/var/lib/kopru',
      ROOM_CAPACITY: 2,
      SESSION_TTL: 3600,
      SESSION_SECRET: 's'.repeat(32),
      LOG_LEVEL: 'silent',
    });
  });

  it.each([
    ['on', true],
    ['yes', true],
    ['1', true],
    ['true', true],
    ['off', false],
    ['no', false],
    ['0', false],
    ['false', false],
  ])('reads TLS=%s as %s', (value, expected) => {
    expect(loadConfig({ TLS: value }, CWD).TLS).toBe(expected);
  });

  it.each([
    ['true', true],
    ['false', false],
    ['2', 2],
    ['10.0.0.0/8', '10.0.0.0/8'],
  ])('reads TRUST_PROXY=%s (with TLS=off) as %s', (value, expected) => {
    expect(loadConfig({ TLS: 'off', TRUST_PROXY: value }, CWD).TRUST_PROXY).toBe(expected);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['PORT', ' 80'],
    ['TLS', 'maybe'],
    ['TLS', 'ON'],
    ['HOST', 'bad host!'],
    ['ROOM_CAPACITY', '1'],
    ['ROOM_CAPACITY', 'many'],
    ['SESSION_TTL', '10'],
    ['SESSION_SECRET', 'too-short'],
    ['LOG_LEVEL', 'verbose'],
  ])('refuses %s=%j with a ConfigError naming the setting', (setting, value) => {
    const error = configError({ [setting]: value });

    expect(error.setting).toBe(setting);
    expect(error.message.startsWith(`${setting}: `)).toBe(true);
    // A secret's value never appears in the message (it may end up in a log); its length does.
    if (setting.endsWith('_SECRET')) expect(error.message).not.toContain(value);
    else expect(error.message).toContain(JSON.stringify(value));
  });

  it('refuses TLS_CERT without TLS_KEY, naming the missing TLS_KEY', () => {
    const error = configError({ TLS_CERT: '/etc/ssl/cert.pem' });

    expect(error.setting).toBe('TLS_KEY');
    expect(error.message).toBe('TLS_KEY: TLS_CERT and TLS_KEY must be given together');
  });

  it('refuses TLS_KEY without TLS_CERT, naming the missing TLS_CERT', () => {
    expect(configError({ TLS_KEY: '/etc/ssl/key.pem' }).setting).toBe('TLS_CERT');
  });

  it('ignores a lone TLS_CERT when TLS is off', () => {
    expect(loadConfig({ TLS: 'off', TLS_CERT: '/etc/ssl/cert.pem' }, CWD).TLS).toBe(false);
  });

  it('refuses TRUST_PROXY with TLS on (it only applies behind a reverse proxy)', () => {
    expect(configError({ TRUST_PROXY: '1' }).setting).toBe('TRUST_PROXY');
  });

  it('names the first bad setting when several are wrong', () => {
    expect(configError({ PORT: 'abc', TLS: 'maybe' }).setting).toBe('PORT');
  });
});
