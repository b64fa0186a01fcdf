/**
 * Linux TCP counters from /proc/net/netstat. A burst of connects larger than a server's
 * accept backlog (node's default is 511) overflows it: the kernel drops the handshake and
 * the client retransmits its SYN after 1 s, then 3 s, time that lands in request latency.
 * Machine-wide counters, so the deltas mean something only while the bench owns the load.
 */
import { readFileSync } from 'node:fs';

export interface TcpCounters {
  ListenOverflows: number;
  ListenDrops: number;
  TCPSynRetrans: number;
}

export function readTcpCounters(): TcpCounters | undefined {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((l) => l.startsWith('TcpExt:'));
    const names = lines[0].split(/\s+/);
    const values = lines[1].split(/\s+/).map(Number);
    const get = (name: string) => values[names.indexOf(name)] ?? 0;
    return { ListenOverflows: get('ListenOverflows'), ListenDrops: get('ListenDrops'), TCPSynRetrans: get('TCPSynRetrans') };
  } catch {
    return undefined; // not Linux, or /proc unavailable
  }
}

export function tcpDelta(before?: TcpCounters, after?: TcpCounters): TcpCounters | undefined {
  if (!before || !after) return undefined;
  return {
    ListenOverflows: after.ListenOverflows - before.ListenOverflows,
    ListenDrops: after.ListenDrops - before.ListenDrops,
    TCPSynRetrans: after.TCPSynRetrans - before.TCPSynRetrans,
  };
}
