import { MAX_NODES, type Link, type LinkTransport, type P2PGraph, type Peer } from './graph.js';
import { createPrng, type Prng } from '@aivillage/models/prng';
import { TRANSPORT_KINDS, TRANSPORTS, type TransportKind } from './transports.js';

export interface TopologyOptions {
  /** 2..MAX_NODES. */
  readonly nodes: number;
  /** Target average degree, 1..min(nodes − 1, 64). */
  readonly degree: number;
  /** Fractions of links whose primary transport is each kind; must sum to 1. */
  readonly transportMix: { readonly ble: number; readonly htx: number; readonly quic: number };
  readonly seed: number;
  /** Fractions of mobile / fixed peers; must sum to 1. Default { mobile: 0.3, fixed: 0.7 }. */
  readonly deviceMix?: { readonly mobile: number; readonly fixed: number };
  /** Watts–Strogatz rewiring probability, default 0.3. */
  readonly rewire?: number;
  /** Probability that a link is also usable over a second transport (sampled from the mix), default 0.3. */
  readonly multiTransport?: number;
}

function checkFractions(field: string, parts: Record<string, number>): void {
  let sum = 0;
  for (const [k, v] of Object.entries(parts)) {
    if (!Number.isFinite(v) || v < 0 || v > 1) throw new RangeError(`${field}.${k} must be in [0, 1], got ${v}`);
    sum += v;
  }
  if (Math.abs(sum - 1) > 1e-9) throw new RangeError(`${field} fractions must sum to 1, got ${sum}`);
}

function checkProb(field: string, v: number): void {
  if (!Number.isFinite(v) || v < 0 || v > 1) throw new RangeError(`${field} must be in [0, 1], got ${v}`);
}

/** Uniform sample from a transport's ranges. */
export function sampleLinkTransport(kind: TransportKind, prng: Prng): LinkTransport {
  const m = TRANSPORTS[kind];
  return {
    transport: kind,
    latencyMs: prng.uniform(m.latencyMs.min, m.latencyMs.max),
    throughputMbps: prng.uniform(m.throughputMbps.min, m.throughputMbps.max),
    setupMs: prng.uniform(m.setupMs.min, m.setupMs.max),
    successRate: prng.uniform(m.successRate.min, m.successRate.max),
    batteryImpact: prng.uniform(m.batteryImpact.min, m.batteryImpact.max),
  };
}

/**
 * Connected Watts–Strogatz small-world mesh: a ring lattice of `degree` (odd degrees add a
 * chord to the opposite side of the ring), each edge rewired with probability `rewire`, then
 * any disconnected component joined to the first one by one random link. Every link gets a
 * primary transport from `transportMix` (BLE is refused once an endpoint already holds the
 * 20-connection limit), and with probability `multiTransport` a second one; the figures are
 * sampled uniformly from the transport models. Same options ⇒ same graph.
 */
/** Throws a RangeError naming the first invalid option (what generateTopology checks before any work). */
export function checkTopologyOptions(options: TopologyOptions): void {
  const { nodes: n, degree, seed } = options;
  if (!Number.isInteger(n) || n < 2 || n > MAX_NODES) {
    throw new RangeError(`nodes must be an integer in [2, ${MAX_NODES}], got ${n}`);
  }
  const maxDeg = Math.min(n - 1, 64);
  if (!Number.isInteger(degree) || degree < 1 || degree > maxDeg) {
    throw new RangeError(`degree must be an integer in [1, ${maxDeg}], got ${degree}`);
  }
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  checkFractions('transportMix', options.transportMix);
  checkFractions('deviceMix', options.deviceMix ?? { mobile: 0.3, fixed: 0.7 });
  checkProb('rewire', options.rewire ?? 0.3);
  checkProb('multiTransport', options.multiTransport ?? 0.3);
}

export function generateTopology(options: TopologyOptions): P2PGraph {
  checkTopologyOptions(options);
  const { nodes: n, degree, seed } = options;
  const deviceMix = options.deviceMix ?? { mobile: 0.3, fixed: 0.7 };
  const rewire = options.rewire ?? 0.3;
  const multi = options.multiTransport ?? 0.3;

  const prng = createPrng(seed);
  const peers: Peer[] = [];
  for (let i = 0; i < n; i++) peers.push({ id: `peer-${i}`, mobile: prng.next() < deviceMix.mobile });

  // Ring lattice.
  const edges = new Set<number>();
  const key = (a: number, b: number) => (a < b ? a * n + b : b * n + a);
  const list: Array<[number, number]> = [];
  const add = (a: number, b: number) => {
    if (a === b) return false;
    const k = key(a, b);
    if (edges.has(k)) return false;
    edges.add(k);
    list.push([a, b]);
    return true;
  };
  const half = Math.floor(degree / 2);
  for (let i = 0; i < n; i++) for (let j = 1; j <= half; j++) add(i, (i + j) % n);
  if (degree % 2 === 1) for (let i = 0; i < Math.floor(n / 2); i++) add(i, i + Math.floor(n / 2));

  // Rewiring (keeps the edge count).
  for (let e = 0; e < list.length; e++) {
    if (prng.next() >= rewire) continue;
    const [a, b] = list[e];
    for (let tries = 0; tries < 10; tries++) {
      const c = prng.int(n);
      if (c === a || edges.has(key(a, c))) continue;
      edges.delete(key(a, b));
      edges.add(key(a, c));
      list[e] = [a, c];
      break;
    }
  }

  // Connectivity repair (union-find).
  const parent = new Int32Array(n).map((_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  for (const [a, b] of list) parent[find(a)] = find(b);
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    const m = members.get(r);
    if (m) m.push(i);
    else members.set(r, [i]);
  }
  const comps = [...members.values()];
  for (let c = 1; c < comps.length; c++) {
    const a = comps[0][prng.int(comps[0].length)];
    const b = comps[c][prng.int(comps[c].length)];
    add(a, b);
  }

  // Transports.
  const bleCount = new Int32Array(n);
  const bleLimit = TRANSPORTS.ble.connectionLimit ?? Infinity;
  const mix = options.transportMix;
  const pick = (): TransportKind => {
    const r = prng.next();
    if (r < mix.ble) return 'ble';
    if (r < mix.ble + mix.htx) return 'htx';
    return mix.quic > 0 || mix.htx === 0 ? 'quic' : 'htx';
  };
  const links: Link[] = list.map(([a, b]) => {
    const bleOk = () => bleCount[a] < bleLimit && bleCount[b] < bleLimit;
    let primary = pick();
    if (primary === 'ble' && !bleOk()) {
      const wip = mix.htx + mix.quic;
      primary = wip > 0 && prng.next() * wip < mix.htx ? 'htx' : 'quic';
    }
    const kinds: TransportKind[] = [primary];
    if (primary === 'ble') {
      bleCount[a]++;
      bleCount[b]++;
    }
    if (prng.next() < multi) {
      const second = pick();
      if (second !== primary && (second !== 'ble' || bleOk())) {
        kinds.push(second);
        if (second === 'ble') {
          bleCount[a]++;
          bleCount[b]++;
        }
      }
    }
    kinds.sort((x, y) => TRANSPORT_KINDS.indexOf(x) - TRANSPORT_KINDS.indexOf(y));
    return { a: peers[a].id, b: peers[b].id, transports: kinds.map((k) => sampleLinkTransport(k, prng)) };
  });
  return { peers, links };
}
