// @ts-check
/**
 * What one arm of the transfer benchmark cost, from /proc: the CPU of the bench's own Chromium and coturn
 * processes, the whole machine's busy time (other people's work included — on a shared 2-core machine that
 * is what the figures run against), and UDP datagrams dropped at full receive buffers (machine-wide).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Linux clock ticks per second for /proc/<pid>/stat (`getconf CLK_TCK`: 100 on Debian amd64). */
const CLOCK_TICKS_PER_SECOND = 100;

/** @typedef {'browsers' | 'coturn'} Group */

/** @returns {Map<number, { ppid: number, comm: string, cpuMs: number }>} every process now, from /proc */
function processTable() {
  const table = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      // Fields after "(comm) ": state ppid … utime (14th field overall) stime (15th).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      table.set(Number(entry), {
        ppid: Number(fields[1]),
        comm,
        cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND,
      });
    } catch {
      // gone meanwhile
    }
  }
  return table;
}

/** @param {string} comm @returns {Group | undefined} */
function groupOf(comm) {
  if (comm === 'turnserver') return 'coturn';
  // Chromium's processes and threads name themselves chromium, chrome, …
  if (/^chrom/.test(comm)) return 'browsers';
  return undefined;
}

/** CPU ms used so far by each group of this process's descendants. */
function groupTotals() {
  const table = processTable();
  /** @type {Record<Group, number>} */
  const totals = { browsers: 0, coturn: 0 };
  for (const [pid, proc] of table) {
    let ancestor = proc.ppid;
    let mine = false;
    // Walk up to the bench process (Chromium's renderers are grandchildren of the browser process).
    for (let hops = 0; hops < 16 && ancestor > 1; hops++) {
      if (ancestor === process.pid) {
        mine = true;
        break;
      }
      ancestor = table.get(ancestor)?.ppid ?? 0;
    }
    const group = groupOf(proc.comm);
    if (mine && group && pid !== process.pid) totals[group] += proc.cpuMs;
  }
  return totals;
}

/** Busy and total jiffies of the whole machine (/proc/stat, first line). */
function machineJiffies() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((sum, v) => sum + v, 0);
  // idle and iowait are the 4th and 5th values.
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

/** Received datagrams and those dropped because a socket's receive buffer was full (/proc/net/snmp). */
function udpCounters() {
  const lines = readFileSync('/proc/net/snmp', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('Udp:'));
  const names = (lines[0] ?? '').split(/\s+/);
  const values = (lines[1] ?? '').split(/\s+/).map(Number);
  const get = (/** @type {string} */ name) => values[names.indexOf(name)] ?? 0;
  return { received: get('InDatagrams'), dropped: get('RcvbufErrors') };
}

/**
 * Starts measuring; `stop()` returns the cores each group used on average (CPU seconds ÷ wall seconds), how
 * many of the machine's cores were busy altogether, and the share of UDP datagrams dropped meanwhile.
 */
export function startResourceMeter() {
  const startedAt = performance.now();
  const groups = groupTotals();
  const machine = machineJiffies();
  const udp = udpCounters();
  return {
    stop() {
      const wallMs = performance.now() - startedAt;
      const now = groupTotals();
      const after = machineJiffies();
      const udpAfter = udpCounters();
      const dropped = udpAfter.dropped - udp.dropped;
      const cores = (/** @type {Group} */ g) => (now[g] - groups[g]) / wallMs;
      return {
        browsers: cores('browsers'),
        coturn: cores('coturn'),
        /** CPU ms of the browsers and coturn together (for a cost per MB moved). */
        cpuMs: now.browsers - groups.browsers + (now.coturn - groups.coturn),
        machine: ((after.busy - machine.busy) / Math.max(1, after.total - machine.total)) * cpus().length,
        /** Dropped ÷ (received + dropped), in %: loss SCTP then has to recover from. */
        udpDropPct: (100 * dropped) / Math.max(1, udpAfter.received - udp.received + dropped),
      };
    },
  };
}

/** @param {ReturnType<ReturnType<typeof startResourceMeter>['stop']>} c */
export const formatResources = (c) =>
  `CPU (cores) browsers ${c.browsers.toFixed(2)}, coturn ${c.coturn.toFixed(2)}, machine ${c.machine.toFixed(2)}/${cpus().length}  UDP dropped ${c.udpDropPct.toFixed(2)} %`;
