import { describe, expect, it } from 'vitest';
import { hasRelayServer, NearbyVisibility, RelayOnlySetting } from '../../src/security/relay-only.js';
import { VERIFIED_PEERS_KEY, VerifiedPeers } from '../../src/security/verified-peers.js';

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

const fp = (value: string) => ({ algorithm: 'sha-256', value });

describe('VerifiedPeers', () => {
  it('remembers a verified certificate across instances (a reload), by fingerprint', () => {
    const storage = new MemoryStorage();
    const first = new VerifiedPeers(storage);
    expect(first.status('bob', fp('AA:BB'))).toBe('unverified');
    first.markVerified('bob', 'Bob', fp('AA:BB'));
    const again = new VerifiedPeers(storage);
    expect(again.status('bob', fp('AA:BB'))).toBe('verified');
    // The same certificate under another peer id (a new room, a new tab) is still the verified person.
    expect(again.status('bob-in-another-room', fp('aa:bb'))).toBe('verified');
  });

  it('reports a change when a verified peer shows another certificate', () => {
    const peers = new VerifiedPeers(new MemoryStorage());
    peers.markVerified('bob', 'Bob', fp('AA:BB'));
    expect(peers.status('bob', fp('CC:DD'))).toBe('changed');
    expect(peers.status('carol', fp('CC:DD'))).toBe('unverified');
    expect(peers.entryFor('bob')?.name).toBe('Bob');
  });

  it('forgetting or re-verifying clears the warning', () => {
    const peers = new VerifiedPeers(new MemoryStorage());
    peers.markVerified('bob', 'Bob', fp('AA:BB'));
    peers.markVerified('bob', 'Bob', fp('CC:DD'));
    expect(peers.status('bob', fp('CC:DD'))).toBe('verified');
    expect(peers.status('bob', fp('AA:BB'))).toBe('changed');
    peers.forget('bob', fp('CC:DD'));
    expect(peers.status('bob', fp('AA:BB'))).toBe('unverified');
  });

  it('remembers a certificate the invite link verified: not shown as Verified, but a change of it is reported', () => {
    const storage = new MemoryStorage();
    const peers = new VerifiedPeers(storage);
    peers.rememberLinkVerified('bob', 'Bob', fp('AA:BB'));
    expect(peers.status('bob', fp('AA:BB'))).toBe('unverified');
    const again = new VerifiedPeers(storage);
    expect(again.status('bob', fp('CC:DD'))).toBe('changed');
    // A later proof with the new certificate does not silence the change; comparing numbers does.
    again.rememberLinkVerified('bob', 'Bob', fp('CC:DD'));
    expect(again.status('bob', fp('CC:DD'))).toBe('changed');
    again.markVerified('bob', 'Bob', fp('CC:DD'));
    expect(again.status('bob', fp('CC:DD'))).toBe('verified');
    // …and a link proof never downgrades a safety-number verification.
    again.rememberLinkVerified('bob', 'Bob', fp('CC:DD'));
    expect(again.status('bob', fp('CC:DD'))).toBe('verified');
  });

  it('ignores storage it cannot read', () => {
    const storage = new MemoryStorage();
    storage.setItem(VERIFIED_PEERS_KEY, '{"not":"a list"');
    expect(new VerifiedPeers(storage).status('bob', fp('AA:BB'))).toBe('unverified');
    storage.setItem(VERIFIED_PEERS_KEY, JSON.stringify([{ fingerprint: 42 }]));
    expect(new VerifiedPeers(storage).status('bob', fp('AA:BB'))).toBe('unverified');
  });

  it('tells its listeners about changes', () => {
    const peers = new VerifiedPeers(new MemoryStorage());
    let changes = 0;
    peers.on('changed', () => {
      changes += 1;
    });
    peers.markVerified('bob', 'Bob', fp('AA:BB'));
    peers.forget('bob', undefined);
    expect(changes).toBe(2);
  });
});

describe('RelayOnlySetting', () => {
  it('follows the server default until the user chooses, then remembers the choice', () => {
    const storage = new MemoryStorage();
    let serverDefault = true;
    const setting = new RelayOnlySetting(storage, () => serverDefault);
    expect(setting.enabled).toBe(true);
    expect(setting.policy).toBe('relay');
    serverDefault = false;
    expect(setting.policy).toBe('all');
    setting.set(true);
    expect(new RelayOnlySetting(storage, () => false).policy).toBe('relay');
    setting.set(false);
    expect(new RelayOnlySetting(storage, () => true).policy).toBe('all');
  });

  it('knows whether the ICE servers include a relay', () => {
    expect(hasRelayServer([{ urls: 'stun:s.example.org' }])).toBe(false);
    expect(hasRelayServer([{ urls: ['stun:s.example.org', 'turns:t.example.org:5349'] }])).toBe(true);
  });
});

describe('NearbyVisibility', () => {
  it('is on unless relay-only mode is, until the user chooses; the choice is remembered and announced', () => {
    const storage = new MemoryStorage();
    let relayOnly = false;
    const visibility = new NearbyVisibility(storage, () => relayOnly);
    const changes: boolean[] = [];
    visibility.on('changed', (on) => changes.push(on));
    expect(visibility.enabled).toBe(true);
    relayOnly = true;
    expect(visibility.enabled).toBe(false);

    visibility.set(true);
    expect(new NearbyVisibility(storage, () => true).enabled).toBe(true);
    visibility.set(false);
    expect(new NearbyVisibility(storage, () => false).enabled).toBe(false);
    visibility.set(false);
    expect(changes).toEqual([true, false]);
  });
});
