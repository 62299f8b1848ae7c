import { expect, test } from '@playwright/test';
import { saveHostSnapshot } from './host-state.js';
import { hostNetworkState, labUnavailable, removeLeftovers } from './lab.js';

test('the lab can run here: root, ip and iptables; leftovers of an earlier run removed', () => {
  const unavailable = labUnavailable();
  if (unavailable) throw new Error(`Refusing to run the network lab: ${unavailable}.`);
  const stale = removeLeftovers();
  if (stale.length > 0) console.log(`removed ${stale.length} namespaces left by an earlier run`);
  saveHostSnapshot(hostNetworkState());
  expect(removeLeftovers()).toEqual([]);
});
