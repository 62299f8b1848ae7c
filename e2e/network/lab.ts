import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { E2E_PORT } from '../support/env.js';

/**
 * A network lab of Linux namespaces (docs/network-lab.md): an "internet" segment holding the Köprü server
 * and coturn, and behind it home networks, each a router namespace that NATs a client namespace where a
 * browser runs. Only 198.18.0.0/15 (RFC 2544, reserved for benchmarks) is used inside; every link is made
 * between two lab namespaces (`ip -n A link add … peer … netns B`), so nothing ever appears in, or is
 * routed through, the host's own namespace, and deleting the namespaces removes every link and rule.
 *
 *   internet (198.18.0.1 on br0; server, coturn) ── out ── void (forwarding off: the rest of the world)
 *      │ br0
 *      ├── router 1 (wan 198.18.0.11) ── NAT ── home 1 (198.19.1.2, via 198.19.1.1)
 *      └── router 2 (wan 198.18.0.12) ── NAT ── home 2 (198.19.2.2, via 198.19.2.1)
 */

/** Every namespace of this run starts with this: per e2e port, so two runs on one machine never collide. */
export const LAB_PREFIX = `kl${E2E_PORT}`;
export const INTERNET_IP = '198.18.0.1';

/**
 * How a router maps its home's outgoing flows:
 * - `cone`: endpoint-independent mapping and filtering ("full cone"). Linux MASQUERADE keeps the source
 *   port when it is free, so one inside port is one outside port whatever the destination; and UDP from
 *   anyone to that outside port is let in to the same inside port (a DNAT to the home's one host), as
 *   full-cone home routers and UPnP/PCP-opened ports behave. What STUN hole punching needs, and what lets
 *   ICE follow a peer whose outside address changed without asking the signaling server.
 * - `restricted`: endpoint-independent mapping (the same port-preserving `MASQUERADE`) but port-restricted
 *   filtering: UDP comes in only from an address and port the home has sent to (conntrack), as most home
 *   routers do. STUN hole punching works; a peer whose outside address changed is shut out until the two
 *   exchange new candidates through the signaling server (an ICE restart).
 * - `symmetric`: `MASQUERADE --random-fully`, a fresh random port per destination, as carrier-grade NATs do:
 *   the port STUN learned is useless to the peer, so only TURN connects such pairs.
 */
export type NatKind = 'cone' | 'restricted' | 'symmetric';

export interface HomeSpec {
  nat: NatKind;
  /** A firewall on the router that drops all UDP leaving the home (offices that allow only TCP). */
  blockUdp?: boolean;
}

export interface Home {
  /** The client namespace, where the browser runs. */
  ns: string;
  router: string;
  /** The home's inside address (a host candidate) and the router's outside address (server-reflexive). */
  address: string;
  externalAddress: string;
}

export interface Lab {
  name: string;
  internet: string;
  homes: Home[];
  /** Drops `probability` (0–1) of every packet the router forwards, both ways; 0 removes the rule. */
  setLoss(home: Home, probability: number): void;
  /**
   * NAT rebinding: the router gets a new outside address and the old one goes; the kernel forgets every
   * flow masqueraded through it, so each open flow reappears from a new address and port, as when an ISP
   * renumbers a line or a carrier NAT times out its mappings.
   */
  rebind(home: Home): string;
  /** Takes the home's link down (`up: false`) or back up with its default route. */
  setLink(home: Home, up: boolean): void;
  /** Removes every namespace of this lab (killing what runs inside them). Idempotent. */
  remove(): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Runs a command inside a namespace. */
function inNs(ns: string, command: string, ...args: string[]): void {
  execFileSync('ip', ['netns', 'exec', ns, command, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

function iptables(ns: string, ...rule: string[]): void {
  inNs(ns, 'iptables', '-w', ...rule);
}

function addNamespace(ns: string): void {
  ip('netns', 'add', ns);
  ip('-n', ns, 'link', 'set', 'lo', 'up');
}

/** Kills what still runs inside a namespace, then deletes it. */
function removeNamespace(ns: string): void {
  let pids: string[] = [];
  try {
    pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split(/\s+/).filter(Boolean);
  } catch {
    // already gone
  }
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
  try {
    ip('netns', 'del', ns);
  } catch {
    // already gone
  }
}

function namespaces(): string[] {
  const out = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter(Boolean);
}

/** Removes every namespace of this run's prefix: leftovers of an earlier run that was killed. */
export function removeLeftovers(): string[] {
  const stale = namespaces().filter((ns) => ns.startsWith(`${LAB_PREFIX}-`));
  for (const ns of stale) removeNamespace(ns);
  return stale;
}

/** Why the lab cannot run here, or undefined: it needs root, `ip` and `iptables`. */
export function labUnavailable(): string | undefined {
  const missing = ['ip', 'iptables'].filter(
    (tool) => !['/usr/sbin', '/sbin', '/usr/bin', '/bin'].some((dir) => existsSync(`${dir}/${tool}`)),
  );
  if (missing.length > 0) {
    return `the network lab needs ${missing.join(' and ')} (Debian: apt-get install iproute2 iptables); scripts/test.sh installs them`;
  }
  if (process.getuid?.() !== 0) return 'the network lab needs root (network namespaces and iptables)';
  return undefined;
}

/** What the lab must leave exactly as it found it on the host. */
export function hostNetworkState(): string {
  const run = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });
  return [
    run('ip', 'link', 'show'),
    run('ip', 'route', 'show', 'table', 'all'),
    run('iptables', '-w', '-S'),
    run('iptables', '-w', '-t', 'nat', '-S'),
  ].join('\n');
}

/** Namespaces made by this process and not removed yet: removed on exit, interrupt or termination. */
const live = new Set<string>();
let exitHookInstalled = false;
function track(ns: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const name of live) removeNamespace(name);
    });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        for (const name of live) removeNamespace(name);
        process.exit(130);
      });
    }
  }
  live.add(ns);
}

let labs = 0;

/** Builds a lab with one home per spec (at most 9). */
export function buildLab(homesSpec: HomeSpec[]): Lab {
  const name = `${LAB_PREFIX}-${process.pid}-${labs++}`;
  const made: string[] = [];
  const add = (ns: string) => {
    addNamespace(ns);
    made.push(ns);
    track(ns);
    return ns;
  };
  const remove = () => {
    for (const ns of made.splice(0)) {
      removeNamespace(ns);
      live.delete(ns);
    }
  };
  try {
    const internet = add(`${name}-inet`);
    const world = add(`${name}-void`);
    // The internet segment: a bridge the routers plug into.
    ip('-n', internet, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', internet, 'addr', 'add', `${INTERNET_IP}/24`, 'dev', 'br0');
    ip('-n', internet, 'link', 'set', 'br0', 'up');
    // A default route, as every real server has: coturn closes a whole allocation when a send to a peer
    // address fails locally (ENETUNREACH), so without it the browsers' private host candidates would kill
    // the relay. The far end forwards nothing and answers nothing: those packets vanish, as on the internet.
    ip('-n', internet, 'link', 'add', 'out', 'type', 'veth', 'peer', 'name', 'in', 'netns', world);
    ip('-n', internet, 'addr', 'add', '198.18.255.1/30', 'dev', 'out');
    ip('-n', internet, 'link', 'set', 'out', 'up');
    ip('-n', world, 'addr', 'add', '198.18.255.2/30', 'dev', 'in');
    ip('-n', world, 'link', 'set', 'in', 'up');
    ip('-n', internet, 'route', 'add', 'default', 'via', '198.18.255.2');

    const homes = homesSpec.map((spec, i) => {
      const n = i + 1;
      const router = add(`${name}-r${n}`);
      const home = add(`${name}-h${n}`);
      const wanIp = `198.18.0.${10 + n}`;
      ip('-n', router, 'link', 'add', 'wan', 'type', 'veth', 'peer', 'name', `r${n}`, 'netns', internet);
      ip('-n', internet, 'link', 'set', `r${n}`, 'master', 'br0');
      ip('-n', internet, 'link', 'set', `r${n}`, 'up');
      ip('-n', router, 'addr', 'add', `${wanIp}/24`, 'dev', 'wan');
      ip('-n', router, 'link', 'set', 'wan', 'up');
      ip('-n', router, 'route', 'add', 'default', 'via', INTERNET_IP);
      ip('-n', router, 'link', 'add', 'lan', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', home);
      ip('-n', router, 'addr', 'add', `198.19.${n}.1/24`, 'dev', 'lan');
      ip('-n', router, 'link', 'set', 'lan', 'up');
      ip('-n', home, 'addr', 'add', `198.19.${n}.2/24`, 'dev', 'eth0');
      ip('-n', home, 'link', 'set', 'eth0', 'up');
      ip('-n', home, 'route', 'add', 'default', 'via', `198.19.${n}.1`);
      inNs(router, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
      configureRouter(router, spec, `198.19.${n}.2`);
      return { ns: home, router, address: `198.19.${n}.2`, externalAddress: wanIp };
    });

    const lossRules = new Map<string, string[][]>();
    return {
      name,
      internet,
      homes,
      setLoss(home, probability) {
        for (const rule of lossRules.get(home.router) ?? []) iptables(home.router, '-D', ...rule);
        lossRules.delete(home.router);
        if (probability <= 0) return;
        // Both ways: whatever the router forwards, in or out, is dropped at this rate.
        const rules = ['wan', 'lan'].map((inside) => [
          'FORWARD',
          '-i',
          inside,
          '-m',
          'statistic',
          '--mode',
          'random',
          '--probability',
          String(probability),
          '-j',
          'DROP',
        ]);
        for (const rule of rules) iptables(home.router, '-I', ...rule);
        lossRules.set(home.router, rules);
      },
      rebind(home) {
        const old = home.externalAddress;
        // 198.18.0.1n ↔ 198.18.0.11n: each rebinding takes the other one.
        const last = Number(old.split('.')[3]);
        const next = `198.18.0.${last >= 100 ? last - 100 : last + 100}`;
        // Removing the address makes the kernel forget every flow masqueraded to it (and takes the default
        // route with it); new flows leave from the new one.
        ip('-n', home.router, 'addr', 'del', `${old}/24`, 'dev', 'wan');
        ip('-n', home.router, 'addr', 'add', `${next}/24`, 'dev', 'wan');
        ip('-n', home.router, 'route', 'replace', 'default', 'via', INTERNET_IP);
        home.externalAddress = next;
        return next;
      },
      setLink(home, up) {
        ip('-n', home.ns, 'link', 'set', 'eth0', up ? 'up' : 'down');
        if (up) ip('-n', home.ns, 'route', 'replace', 'default', 'via', home.address.replace(/\.2$/, '.1'));
      },
      remove,
    };
  } catch (error) {
    remove();
    throw error;
  }
}

function configureRouter(router: string, spec: HomeSpec, inside: string): void {
  const rule = (line: string) => iptables(router, ...line.split(' '));
  rule(`-t nat -A POSTROUTING -o wan -j MASQUERADE${spec.nat === 'symmetric' ? ' --random-fully' : ''}`);
  if (spec.nat === 'cone') {
    rule(`-t nat -A PREROUTING -i wan -p udp -j DNAT --to-destination ${inside}`);
    rule('-A FORWARD -i wan -p udp -m conntrack --ctstate DNAT -j ACCEPT');
  }
  // Otherwise inbound only what the home asked for, as every home router does.
  rule('-A FORWARD -i wan -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT');
  rule('-A FORWARD -i wan -j DROP');
  // Unsolicited packets to the router itself vanish: answering them with ICMP port-unreachable (the
  // kernel's default) breaks even plain UDP hole punching (measured).
  rule('-A INPUT -i wan -j DROP');
  if (spec.blockUdp) for (const side of ['lan', 'wan']) rule(`-I FORWARD -i ${side} -p udp -j DROP`);
}

/** A two-line script that runs `executable` inside `ns`: what a browser launcher is given as its path. */
export function executableIn(ns: string, executable: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kopru-lab-'));
  const file = path.join(dir, path.basename(executable));
  writeFileSync(file, `#!/bin/sh\nexec ip netns exec ${ns} ${executable} "$@"\n`);
  chmodSync(file, 0o755);
  return file;
}
