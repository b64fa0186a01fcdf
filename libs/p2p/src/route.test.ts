import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestRoute, routeScore, type PathMetrics } from './route.js';
import { generateTopology, sampleLinkTransport } from './topology.js';
import { createPrng } from '@aivillage/models/prng';
import { TRANSPORT_KINDS } from './transports.js';
import type { Link, LinkTransport, P2PGraph, Peer } from './graph.js';

function randomGraph(seed: number, n: number, p: number): P2PGraph {
  const prng = createPrng(seed);
  const peers: Peer[] = Array.from({ length: n }, (_, i) => ({ id: `n${i}`, mobile: prng.next() < 0.4 }));
  const links: Link[] = [];
  for (let a = 0; a < n; a++)
    for (let b = a + 1; b < n; b++) {
      if (prng.next() >= p) continue;
      const kinds = TRANSPORT_KINDS.filter(() => prng.next() < 0.5);
      if (kinds.length === 0) kinds.push(TRANSPORT_KINDS[prng.int(3)]);
      links.push({ a: peers[a].id, b: peers[b].id, transports: kinds.map((k) => sampleLinkTransport(k, prng)) });
    }
  return { peers, links };
}

/** Every simple path of ≤ maxHops hops with every transport choice, scored. */
function bruteForce(g: P2PGraph, from: string, to: string, size: number, maxHops: number) {
  const mobile = new Map(g.peers.map((p) => [p.id, p.mobile]));
  const adj = new Map<string, Array<[string, LinkTransport]>>();
  for (const l of g.links)
    for (const t of l.transports) {
      (adj.get(l.a) ?? adj.set(l.a, []).get(l.a)!).push([l.b, t]);
      (adj.get(l.b) ?? adj.set(l.b, []).get(l.b)!).push([l.a, t]);
    }
  const scores: Array<{ score: number; peers: string }> = [];
  const walk = (u: string, visited: Set<string>, path: string[], m: PathMetrics) => {
    if (u === to) {
      scores.push({ score: routeScore(m, size).score, peers: path.join(',') });
      return;
    }
    if (path.length - 1 >= maxHops) return;
    for (const [v, t] of adj.get(u) ?? []) {
      if (visited.has(v)) continue;
      const bat = mobile.get(u) || mobile.get(v) ? t.batteryImpact : 0;
      visited.add(v);
      path.push(v);
      walk(v, visited, path, {
        latencyMs: m.latencyMs + t.latencyMs,
        bottleneckMbps: Math.min(m.bottleneckMbps, t.throughputMbps),
        successRate: m.successRate * t.successRate,
        batteryImpact: Math.min(1, m.batteryImpact + bat),
      });
      path.pop();
      visited.delete(v);
    }
  };
  walk(from, new Set([from]), [from], { latencyMs: 0, bottleneckMbps: Infinity, successRate: 1, batteryImpact: 0 });
  return scores.sort((a, b) => b.score - a.score);
}

test('routeScore is the SmartRouter formula (bytes per ms vs bytes)', () => {
  const s = routeScore({ latencyMs: 9, bottleneckMbps: 1, successRate: 0.9, batteryImpact: 0.05 }, 250);
  // 1 Mbit/s = 125 B/ms → 125/250 = 0.5.
  assert.equal(s.throughput, 0.5);
  assert.ok(Math.abs(s.score - (0.3 * 0.1 + 0.3 * 0.5 + 0.3 * 0.9 + 0.1 * 0.95)) < 1e-12);
  assert.ok(Math.abs(routeScore({ latencyMs: 0, bottleneckMbps: 1000, successRate: 1, batteryImpact: 0 }, 10).score - 1) < 1e-12);
});

test('bestRoute returns the true best under the score (brute force, 150 random small graphs)', () => {
  let checked = 0;
  for (let seed = 1; seed <= 150; seed++) {
    const g = randomGraph(seed, 7 + (seed % 3), 0.35);
    const maxHops = 2 + (seed % 5);
    const size = [100, 4096, 200_000][seed % 3];
    const from = 'n0';
    const to = `n${g.peers.length - 1}`;
    const all = bruteForce(g, from, to, size, maxHops);
    for (const strongBoundAfter of [undefined, 0]) {
      const r = bestRoute(g, from, to, { messageSize: size, maxHops, strongBoundAfter });
      if (all.length === 0) {
        assert.equal(r.found, false);
        continue;
      }
      assert.ok(r.found, `seed ${seed}`);
      assert.ok(Math.abs(r.best.score - all[0].score) < 1e-12, `seed ${seed}: ${r.best.score} vs ${all[0].score}`);
      assert.ok(r.best.hops.length <= maxHops);
      // Recomputing the reported route's score from its hops gives the same number.
      const m = r.best.metrics;
      assert.ok(Math.abs(routeScore(m, size).score - r.best.score) < 1e-12);
      // Alternatives: distinct peer sequences, valid, not better than the best, sorted.
      const keys = new Set([r.best.peers.join(',')]);
      let prev = r.best.score;
      for (const alt of r.alternatives) {
        assert.ok(!keys.has(alt.peers.join(',')));
        keys.add(alt.peers.join(','));
        assert.ok(alt.score <= prev + 1e-12);
        assert.ok(alt.hops.length <= maxHops);
        prev = alt.score;
      }
      assert.ok(r.alternatives.length <= 3);
      checked++;
    }
  }
  assert.ok(checked > 150);
});

test('transport choice per hop: picks the transport that wins the score on each hop', () => {
  const t = (transport: LinkTransport['transport'], latencyMs: number, throughputMbps: number, successRate: number): LinkTransport => ({
    transport, latencyMs, throughputMbps, setupMs: 0, successRate, batteryImpact: transport === 'ble' ? 0.03 : 0,
  });
  const g: P2PGraph = {
    peers: [{ id: 'a', mobile: true }, { id: 'b', mobile: false }, { id: 'c', mobile: false }],
    links: [
      { a: 'a', b: 'b', transports: [t('ble', 20, 5, 0.95), t('quic', 5, 800, 0.99)] },
      { a: 'b', b: 'c', transports: [t('htx', 10, 120, 0.999), t('quic', 4, 600, 0.9)] },
    ],
  };
  const r = bestRoute(g, 'a', 'c', { messageSize: 1000 });
  assert.ok(r.found);
  assert.deepEqual(r.best.hops.map((h) => h.transport), ['quic', 'htx']);
  assert.deepEqual(r.best.peers, ['a', 'b', 'c']);
  assert.equal(r.best.metrics.latencyMs, 15);
  assert.equal(r.best.metrics.bottleneckMbps, 120);
  assert.ok(Math.abs(r.best.expectedLatencyMs - (5 + 1000 / (800 * 125) + 10 + 1000 / (120 * 125))) < 1e-9);
  assert.equal(r.alternatives.length, 0); // the other transport mixes are the same peers
});

test('maxHops and disconnection give typed no-route results', () => {
  const lt = sampleLinkTransport('quic', createPrng(1));
  const peers = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, mobile: false }));
  const g: P2PGraph = {
    peers,
    links: [
      { a: 'a', b: 'b', transports: [lt] },
      { a: 'b', b: 'c', transports: [lt] },
      { a: 'c', b: 'd', transports: [lt] },
    ],
  };
  assert.deepEqual(bestRoute(g, 'a', 'd', { messageSize: 10, maxHops: 2 }), { found: false, reason: 'beyond-max-hops', minHops: 3 });
  assert.deepEqual(bestRoute(g, 'a', 'e', { messageSize: 10 }), { found: false, reason: 'disconnected', minHops: null });
  const r = bestRoute(g, 'a', 'd', { messageSize: 10, maxHops: 3 });
  assert.ok(r.found && r.best.hops.length === 3);
});

test('bestRoute validates its inputs with RangeErrors naming the field', () => {
  const g = generateTopology({ nodes: 20, degree: 4, transportMix: { ble: 0.5, htx: 0.25, quic: 0.25 }, seed: 3 });
  assert.throws(() => bestRoute(g, 'nope', 'peer-1', { messageSize: 1 }), (e) => e instanceof RangeError && /^from/.test(e.message));
  assert.throws(() => bestRoute(g, 'peer-0', 'nope', { messageSize: 1 }), (e) => e instanceof RangeError && /^to/.test(e.message));
  assert.throws(() => bestRoute(g, 'peer-0', 'peer-1', { messageSize: 0 }), (e) => e instanceof RangeError && /^messageSize/.test(e.message));
  assert.throws(() => bestRoute(g, 'peer-0', 'peer-1', { messageSize: 1, maxHops: 17 }), (e) => e instanceof RangeError && /^maxHops/.test(e.message));
  assert.throws(() => bestRoute(g, 'peer-0', 'peer-1', { messageSize: 1, alternatives: -1 }), (e) => e instanceof RangeError && /^alternatives/.test(e.message));
});

test('bestRoute is deterministic and fast enough on 10,000 peers (sanity bound)', () => {
  const g = generateTopology({ nodes: 10_000, degree: 6, transportMix: { ble: 0.4, htx: 0.3, quic: 0.3 }, seed: 42 });
  const prng = createPrng(9);
  const pairs = Array.from({ length: 30 }, () => [`peer-${prng.int(10_000)}`, `peer-${prng.int(10_000) }`]).filter(([a, b]) => a !== b);
  bestRoute(g, pairs[0][0], pairs[0][1], { messageSize: 4096 }); // index + JIT warm-up
  const t0 = performance.now();
  const first = pairs.map(([a, b]) => bestRoute(g, a, b, { messageSize: 4096 }));
  const perQuery = (performance.now() - t0) / pairs.length;
  assert.ok(perQuery < 50, `${perQuery} ms per route`);
  const again = pairs.map(([a, b]) => bestRoute(g, a, b, { messageSize: 4096 }));
  assert.deepEqual(again, first);
});
