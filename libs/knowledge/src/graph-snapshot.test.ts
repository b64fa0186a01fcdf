import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildGraphIndex, findPaths, neighbourhood } from './graph-search.js';
import { bothWaysCsr, GraphSnapshot, indexRelations, strongestFirst } from './graph-snapshot.js';
import { GraphSnapshots } from './graph-snapshots.js';

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

/**
 * A snapshot of `n` entities keyed k000… (key order = index order) and the given edges in
 * relation order, with their confidences and evidence chunks (index, −1 for none) if given.
 */
function snapshotOf(n: number, edges: [number, number][], confidence?: number[], evidence?: number[], chunks = 0, at = { namespaceId: 'ns', version: '1' }) {
  const keys = Array.from({ length: n }, (_, i) => `k${String(i).padStart(4, '0')}`);
  const ids = keys.map((_, i) => uuid(i));
  const relationIds = Buffer.alloc(16 * edges.length);
  edges.forEach((_, e) => relationIds.writeUInt32BE(e, 16 * e + 12));
  const src = Int32Array.from(edges, (e) => e[0]);
  const dst = Int32Array.from(edges, (e) => e[1]);
  const chunkIds = Buffer.alloc(16 * chunks);
  for (let c = 0; c < chunks; c++) chunkIds.writeUInt32BE(c, 16 * c + 12);
  const rel = {
    src, dst, chunkIds,
    confidence: Float64Array.from(confidence ?? edges.map(() => 1)),
    evidence: Int32Array.from(evidence ?? edges.map(() => -1)),
  };
  const g = new GraphSnapshot(at.namespaceId, at.version, ids, keys, keys, new Uint8Array(n).fill(3), keys.map(() => null), new Float64Array(n), relationIds, indexRelations(n, rel), rel, 0);
  const ref = buildGraphIndex(edges.map(([s, t]) => ({ source: keys[s], target: keys[t] })), keys);
  return { g, ref, keys, ids };
}

test('the both-ways CSR lists every edge from both ends, sorted by (neighbour, edge)', () => {
  const { offsets, nbr, edge } = bothWaysCsr(4, Int32Array.from([2, 0, 1, 0, 2]), Int32Array.from([0, 1, 0, 2, 0]));
  assert.deepEqual([...offsets], [0, 5, 7, 10, 10]);
  assert.deepEqual([...nbr.slice(0, 5)], [1, 1, 2, 2, 2]);
  assert.deepEqual([...edge.slice(0, 5)], [1, 2, 0, 3, 4]);
  assert.deepEqual([...nbr.slice(5, 7)], [0, 0]);
  assert.deepEqual([...edge.slice(5, 7)], [1, 2]);
  assert.deepEqual([...nbr.slice(7, 10)], [0, 0, 0]);
  assert.deepEqual([...edge.slice(7, 10)], [0, 3, 4]);
});

test('relations are ordered strongest first, equal confidences by index', () => {
  assert.deepEqual([...strongestFirst(Float64Array.from([0.5, 0.9, 0.5, 0.1, 0.9, 1, 0]))], [5, 1, 4, 0, 2, 3, 6]);
  assert.deepEqual([...strongestFirst(new Float64Array(0))], []);
});

test('neighbourhoods and paths over a snapshot equal the reference on irregular graphs (parallel edges, hubs, isolated nodes)', () => {
  const rand = prng(11);
  for (let round = 0; round < 6; round++) {
    const n = 60 + round * 40;
    const edges: [number, number][] = [];
    for (let i = 0; i < n * 2; i++) {
      // Every third edge touches one of a few hubs; some are repeated (parallel relations).
      const s = i % 3 === 0 ? Math.floor(rand() * 3) : Math.floor(rand() * (n - 5));
      const t = Math.floor(rand() * (n - 5));
      if (s !== t) edges.push([s, t]);
      if (rand() < 0.05 && s !== t) edges.push([t, s]);
    }
    const { g, ref, keys } = snapshotOf(n, edges);
    assert.equal(g.relationCount, edges.length);
    for (let q = 0; q < 25; q++) {
      const a = Math.floor(rand() * n);
      const b = Math.floor(rand() * n);
      const hops = 1 + (q % 5);
      const limit = [5, 30, 1000][q % 3];
      const want = neighbourhood(ref, keys[a], { maxHops: hops, limit });
      const got = g.neighbourhood(a, hops, limit);
      assert.equal(got.truncated, want.truncated);
      assert.deepEqual(got.nodes.map((x) => [keys[x.node], x.distance, keys[x.parent], x.edge]), want.nodes.map((x) => [x.id, x.distance, x.via.parent, x.via.edge]));
      const wantPaths = findPaths(ref, keys[a], keys[b], { maxHops: hops, limit: limit % 7 });
      const gotPaths = g.paths(a, b, hops, limit % 7);
      assert.equal(gotPaths.hops, wantPaths.hops);
      assert.equal(gotPaths.truncated, wantPaths.truncated);
      assert.deepEqual(gotPaths.paths.map((p) => [p.nodes.map((i) => keys[i]), p.edges]), wantPaths.paths.map((p) => [p.nodes, p.edges]));
    }
  }
});

test('entities are found by key, by name normalised to a key, or by id in any case; relation ids read back as uuids', () => {
  const { g, ids } = snapshotOf(3, [[0, 1], [1, 2]]);
  assert.equal(g.lookup('k0001'), 1);
  assert.equal(g.lookup('K0002'), 2);
  assert.equal(g.lookup(ids[2].toUpperCase()), 2);
  assert.equal(g.lookup('nothing'), undefined);
  assert.throws(() => g.resolve('default', 'nothing'), (e: any) => e.code === 'NOT_FOUND');
  assert.equal(g.relationId(1), '00000000-0000-0000-0000-000000000001');
  assert.deepEqual(g.entity(2), { id: ids[2], namespaceId: 'ns', key: 'k0002', name: 'k0002', type: 'CONCEPT', aliases: [], createdAt: new Date(0) });
});

test('the graph leg scores hop-1 evidence above hop-2, sums weights, and breaks ties by relation and chunk id', () => {
  const chunk = (i: number) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`;
  // 0 is named. Its relations: 0→1 (0.9, chunk 0), 2→0 (0.5, chunk 1), 0→3 (0.5, no evidence), 0→4 (0.5, chunk 2).
  // Neighbours 1 (0.9), 3, 4, 2 (0.5 each, by id). 1's other relations: 1→5 (0.8, chunk 3), 5→1 (0.4, chunk 0).
  const edges: [number, number][] = [[0, 1], [2, 0], [0, 3], [0, 4], [1, 5], [5, 1]];
  const { g } = snapshotOf(6, edges, [0.9, 0.5, 0.5, 0.5, 0.8, 0.4], [0, 1, -1, 2, 3, 0], 4);
  const hop2 = (c: number, w: number) => c * w * 0.5;
  const s0 = [0.9, hop2(0.4, 0.9), hop2(0.9, 0.9)].sort((a, b) => a - b).reduce((a, b) => a + b, 0);
  const s1 = [0.5, hop2(0.5, 0.5)].reduce((a, b) => a + b, 0);
  const s2 = [0.5, hop2(0.5, 0.5)].reduce((a, b) => a + b, 0);
  const s3 = hop2(0.8, 0.9);
  assert.deepEqual(g.graphLeg(['k0000'], 10), [
    { id: chunk(0), score: 1 + s0 / (1 + s0) },
    { id: chunk(1), score: 1 + s1 / (1 + s1) },
    { id: chunk(2), score: 1 + s2 / (1 + s2) },
    { id: chunk(3), score: s3 / (1 + s3) },
  ]);
  // One relation per entity and direction: 0→1 (strongest) and 2→0; ties between 0→3 and 0→4 go to the smaller id.
  assert.deepEqual(g.graphLeg(['k0000'], 10, { perEntity: 1, fanout: 0 }).map((h) => h.id), [chunk(0), chunk(1)]);
  assert.deepEqual(g.graphLeg(['k0000', 'nothing'], 2).map((h) => h.id), [chunk(0), chunk(1)]);
  assert.deepEqual(g.graphLeg(['nothing'], 5), []);
});

test('snapshots are handed out only at the version they were read at, built once the version holds still, and kept within the relation budget', async () => {
  const versions = new Map([['a', '1'], ['b', '1']]);
  const loads: string[] = [];
  const sizes: Record<string, number> = { a: 3, b: 2 };
  const snapshots = new GraphSnapshots({
    pool: null as never,
    version: async (id) => versions.get(id)!,
    maxRelations: 4,
    debounceMs: 20,
    load: async (id, version, max) => {
      loads.push(`${id}@${version}`);
      const edges = Array.from({ length: sizes[id] }, (_, i): [number, number] => [i, i + 1]);
      if (edges.length > max) return { tooBig: true, relations: edges.length };
      return snapshotOf(edges.length + 1, edges, undefined, undefined, 0, { namespaceId: id, version }).g;
    },
  });
  const settle = () => new Promise((r) => setTimeout(r, 80));
  try {
    assert.equal(snapshots.current('a', '1'), null, 'none yet: the caller uses SQL');
    assert.equal(snapshots.current('a', '1'), null);
    await settle();
    assert.deepEqual(loads, ['a@1'], 'one build for any number of callers');
    assert.equal(snapshots.current('a', '1')?.version, '1');
    // A write: the old snapshot is never served again, and a new one is read.
    versions.set('a', '2');
    assert.equal(snapshots.current('a', '2'), null);
    assert.equal(snapshots.held().length, 0, 'the stale snapshot is dropped at once');
    assert.equal(snapshots.current('a', '1'), null, 'nor served to a caller still at the old version');
    await settle();
    assert.equal(snapshots.current('a', '2')?.version, '2');
    // The budget (4 relations) holds a (3) or b (2), not both: the least recently used goes.
    assert.equal(snapshots.current('b', '1'), null);
    await settle();
    assert.equal(snapshots.current('b', '1')?.relationCount, 2);
    assert.deepEqual(snapshots.held().map((g) => g.namespaceId), ['b']);
    // Too big: never loaded, SQL answers.
    sizes.b = 9;
    versions.set('b', '2');
    assert.equal(snapshots.current('b', '2'), null);
    await settle();
    assert.equal(snapshots.current('b', '2'), null);
    assert.deepEqual(loads, ['a@1', 'a@2', 'b@1', 'b@2']);
  } finally {
    snapshots.close();
  }
});
