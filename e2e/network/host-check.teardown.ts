import { expect, test } from '@playwright/test';
import { savedHostSnapshot } from './host-state.js';
import { hostNetworkState, LAB_PREFIX, removeLeftovers } from './lab.js';

test('the host is as the lab found it: same links, routes and iptables rules; no lab namespace left', () => {
  const left = removeLeftovers();
  expect(left, `namespaces ${LAB_PREFIX}-* a scenario did not remove`).toEqual([]);
  expect(hostNetworkState()).toBe(savedHostSnapshot());
});
