import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateTopology } from './topology.js';
import { bfsHops, indexGraph, MAX_NODES } from './graph.js';
import { TRANSPORTS } from './transports.js';

const mix = { ble: 0.5, htx: 0.2, quic: 0.3 };

test('same seed ⇒ same graph; different seed ⇒ different graph', () => {
  const a = generateTopology({ nodes: 300, degree: 6, transportMix: mix, seed: 5 });
  const b = generateTopology({ nodes: 300, degree: 6, transportMix: mix, seed: 5 });
  const c = generateTopology({ nodes: 300, degree: 6, transportMix: mix, seed: 6 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('connected, average degree as asked, figures inside the transport models, BLE limit held', () => {
  for (const [nodes, degree, seed, rewire] of [[500, 6, 1, 0.3], [200, 3, 2, 1], [1000, 24, 3, 0.9]] as const) {
    const g = generateTopology({ nodes, degree, transportMix: { ble: 0.9, htx: 0.05, quic: 0.05 }, seed, rewire });
    const ix = indexGraph(g);
    const hops = bfsHops(ix, 0);
    assert.ok(hops.every((h) => h >= 0), 'connected');
    const avg = (2 * g.links.length) / nodes;
    assert.ok(Math.abs(avg - degree) < 0.6, `avg degree ${avg} for ${degree}`);
    const ble = new Map<string, number>();
    for (const l of g.links) {
      assert.ok(l.transports.length >= 1 && l.transports.length <= 2);
      for (const t of l.transports) {
        const m = TRANSPORTS[t.transport];
        assert.ok(t.latencyMs >= m.latencyMs.min && t.latencyMs <= m.latencyMs.max);
        assert.ok(t.throughputMbps >= m.throughputMbps.min && t.throughputMbps <= m.throughputMbps.max);
        assert.ok(t.setupMs >= m.setupMs.min && t.setupMs <= m.setupMs.max);
        if (t.transport === 'ble') for (const p of [l.a, l.b]) ble.set(p, (ble.get(p) ?? 0) + 1);
      }
    }
    assert.ok([...ble.values()].every((c) => c <= 20), 'BLE connection limit');
  }
});

test('transport mix is respected on primary transports (roughly)', () => {
  const g = generateTopology({ nodes: 4000, degree: 6, transportMix: mix, seed: 9, multiTransport: 0 });
  const counts = { ble: 0, htx: 0, quic: 0 };
  for (const l of g.links) counts[l.transports[0].transport]++;
  for (const k of ['ble', 'htx', 'quic'] as const) assert.ok(Math.abs(counts[k] / g.links.length - mix[k]) < 0.02, k);
});

test('generateTopology validates with RangeErrors naming the field', () => {
  const ok = { nodes: 10, degree: 4, transportMix: mix, seed: 1 };
  const field = (f: string) => (e: unknown) => e instanceof RangeError && e.message.startsWith(f);
  assert.throws(() => generateTopology({ ...ok, nodes: MAX_NODES + 1 }), field('nodes'));
  assert.throws(() => generateTopology({ ...ok, nodes: 1 }), field('nodes'));
  assert.throws(() => generateTopology({ ...ok, degree: 10 }), field('degree'));
  assert.throws(() => generateTopology({ ...ok, transportMix: { ble: 0.5, htx: 0.5, quic: 0.5 } }), field('transportMix'));
  assert.throws(() => generateTopology({ ...ok, transportMix: { ble: -0.5, htx: 0.5, quic: 1 } }), field('transportMix.ble'));
  assert.throws(() => generateTopology({ ...ok, deviceMix: { mobile: 0.5, fixed: 0.2 } }), field('deviceMix'));
  assert.throws(() => generateTopology({ ...ok, rewire: 2 }), field('rewire'));
});
