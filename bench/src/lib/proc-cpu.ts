/**
 * CPU seconds per process over a stretch of time, from /proc (Linux). The bench shares the
 * machine with the stack it measures and with whatever else runs there; listing who used
 * the CPUs during the run shows when a figure was bent by a neighbour (a test suite, a
 * browser). Processes that started and ended within the stretch are not seen.
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

type Snapshot = Map<number, { name: string; ticks: number }>;

/** Clock ticks per second for /proc/<pid>/stat; 100 on every mainstream Linux build. */
const TICKS_PER_S = 100;

function label(pid: number, comm: string): string {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    if (comm === 'node' || comm.startsWith('node')) {
      const script = argv.slice(1).find((a) => !a.startsWith('-'));
      return `node ${script ?? ''}`.replace(/\s+/g, ' ').trim().slice(0, 60);
    }
    if (comm.startsWith('postgres')) return 'postgres';
    return comm;
  } catch {
    return comm;
  }
}

export function snapshotCpu(): Snapshot | undefined {
  if (os.platform() !== 'linux') return undefined;
  const snap: Snapshot = new Map();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      // fields[11], fields[12] = utime, stime (fields 14 and 15 of stat, counted from 1)
      snap.set(pid, { name: label(pid, comm), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the process ended while we read
    }
  }
  return snap;
}

/** CPU seconds of the whole machine (all cores) since boot, from /proc/stat: busy, and the interrupt part of it. */
export function machineCpuS(): { busy: number; interrupts: number } | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...: busy is everything but idle and iowait
    const [user, nice, system, , , irq, softirq, steal] = cpu;
    return { busy: (user + nice + system + irq + softirq + (steal ?? 0)) / TICKS_PER_S, interrupts: (irq + softirq) / TICKS_PER_S };
  } catch {
    return undefined;
  }
}

/**
 * The heaviest CPU users since `before`, by label (with how many processes share it), in
 * CPU seconds. `later` snapshots are merged, so a process seen in any of them counts (take
 * one before stopping a child you started).
 */
export function topCpu(before: Snapshot | undefined, later: (Snapshot | undefined)[], n = 8): { name: string; processes: number; cpuS: number }[] {
  if (!before) return [];
  const last: Snapshot = new Map();
  for (const snap of later) for (const [pid, e] of snap ?? []) if ((last.get(pid)?.ticks ?? -1) < e.ticks) last.set(pid, e);
  const byName = new Map<string, { processes: number; cpuS: number }>();
  for (const [pid, a] of last) {
    const ticks = a.ticks - (before.get(pid)?.ticks ?? 0);
    if (ticks <= 0) continue;
    const entry = byName.get(a.name) ?? { processes: 0, cpuS: 0 };
    entry.processes++;
    entry.cpuS += ticks / TICKS_PER_S;
    byName.set(a.name, entry);
  }
  const all = [...byName].map(([name, e]) => ({ name, ...e })).sort((x, y) => y.cpuS - x.cpuS);
  return n === Infinity ? all : all.slice(0, n);
}
